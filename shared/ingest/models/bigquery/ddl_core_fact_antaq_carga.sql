-- Core: ANTAQ cargo lines with their berthing; is_primary marks each
-- berthing's heaviest handled line with a direction, where it is counted.
CREATE TABLE IF NOT EXISTS core.fact_antaq_carga (
  month DATE NOT NULL, id_atracacao INT64 NOT NULL, id_carga INT64 NOT NULL, port STRING NOT NULL, uf STRING NOT NULL,
  nav_type STRING NOT NULL, cargo_nature STRING NOT NULL, direction STRING, tonnes FLOAT64 NOT NULL, teu FLOAT64 NOT NULL,
  handled BOOL NOT NULL, is_primary BOOL NOT NULL, file_sha256 STRING NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY port, uf;
