-- Marts: antaq_monthly, declared here only: shared/duckdb creates it with the
-- warehouse, and a load runs this again (idempotent) so the models stand
-- alone. DuckDB has no partitions or clustering: the models insert rows
-- ordered by the catalog's partition and cluster keys.
CREATE TABLE IF NOT EXISTS marts.antaq_monthly (
  month        DATE    NOT NULL,
  year         INTEGER NOT NULL,
  port         VARCHAR NOT NULL,
  uf           VARCHAR NOT NULL,
  region       VARCHAR,
  nav_type     VARCHAR NOT NULL, -- longo_curso | cabotagem | interior | apoio_maritimo | apoio_portuario
  cargo_nature VARCHAR NOT NULL, -- granel_solido | granel_liquido | carga_geral | conteiner
  direction    VARCHAR NOT NULL, -- embarque | desembarque
  tonnes       DOUBLE  NOT NULL,
  teu          DOUBLE  NOT NULL,
  berthings    BIGINT  NOT NULL
);
