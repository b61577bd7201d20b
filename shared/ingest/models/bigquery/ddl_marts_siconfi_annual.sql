-- Marts: siconfi_annual with the columns of shared/duckdb/schema.sql (the ones the
-- semantic catalog reads), partitioned and clustered as the catalog says
-- (partition year by year; cluster uf, municipio, account).
CREATE TABLE IF NOT EXISTS marts.siconfi_annual (
  year INT64 NOT NULL,
  municipio STRING NOT NULL,
  municipio_nome STRING,
  uf STRING NOT NULL,
  region STRING,
  account STRING NOT NULL,
  coluna STRING,
  value_brl FLOAT64 NOT NULL
)
PARTITION BY RANGE_BUCKET(year, GENERATE_ARRAY(2000, 2100, 1))
CLUSTER BY uf, municipio, account;
