-- Marts: siconfi_annual, declared here only: shared/duckdb creates it with the
-- warehouse, and a load runs this again (idempotent) so the models stand
-- alone. DuckDB has no partitions or clustering: the models insert rows
-- ordered by the catalog's partition and cluster keys.
CREATE TABLE IF NOT EXISTS marts.siconfi_annual (
  year           INTEGER NOT NULL,
  municipio      VARCHAR NOT NULL,
  municipio_nome VARCHAR,
  uf             VARCHAR NOT NULL,
  region         VARCHAR,
  account        VARCHAR NOT NULL,
  coluna         VARCHAR,
  value_brl      DOUBLE  NOT NULL
);
ALTER TABLE marts.siconfi_annual ADD COLUMN IF NOT EXISTS coluna VARCHAR;
