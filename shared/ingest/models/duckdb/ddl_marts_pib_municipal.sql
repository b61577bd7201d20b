-- Marts: pib_municipal, declared here only: shared/duckdb creates it with the
-- warehouse, and a load runs this again (idempotent) so the models stand
-- alone. DuckDB has no partitions or clustering: the models insert rows
-- ordered by the catalog's partition and cluster keys.
CREATE TABLE IF NOT EXISTS marts.pib_municipal (
  year                 INTEGER NOT NULL,
  municipio            VARCHAR NOT NULL,
  municipio_nome       VARCHAR,
  regiao_imediata      VARCHAR,
  regiao_imediata_nome VARCHAR,
  uf                   VARCHAR NOT NULL,
  region               VARCHAR,
  pib_brl              DOUBLE,          -- R$ (not thousands)
  population           BIGINT,
  pib_per_capita_brl   DOUBLE
);
