-- Core: ANTAQ cargo lines with their berthing; is_primary marks each
-- berthing's heaviest handled line with a direction, where it is counted.
CREATE TABLE IF NOT EXISTS core.fact_antaq_carga (
  month DATE NOT NULL, id_atracacao BIGINT NOT NULL, id_carga BIGINT NOT NULL, port VARCHAR NOT NULL, uf VARCHAR NOT NULL,
  nav_type VARCHAR NOT NULL, cargo_nature VARCHAR NOT NULL, direction VARCHAR, tonnes DOUBLE NOT NULL, teu DOUBLE NOT NULL,
  handled BOOLEAN NOT NULL, is_primary BOOLEAN NOT NULL, file_sha256 VARCHAR NOT NULL
);
