-- Marts: pib_municipal with the columns of shared/duckdb/schema.sql (the ones the
-- semantic catalog reads), partitioned and clustered as the catalog says
-- (partition year by year; cluster uf, municipio).
CREATE TABLE IF NOT EXISTS marts.pib_municipal (
  year INT64 NOT NULL,
  municipio STRING NOT NULL,
  municipio_nome STRING,
  regiao_imediata STRING,
  regiao_imediata_nome STRING,
  uf STRING NOT NULL,
  region STRING,
  pib_brl FLOAT64,
  population INT64,
  pib_per_capita_brl FLOAT64
)
PARTITION BY RANGE_BUCKET(year, GENERATE_ARRAY(1999, 2100, 1))
CLUSTER BY uf, municipio;
