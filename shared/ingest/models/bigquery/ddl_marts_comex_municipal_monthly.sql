-- Marts: comex_municipal_monthly with the columns of shared/duckdb/schema.sql (the
-- ones the semantic catalog reads), partitioned and clustered as the catalog
-- says (partition month by month; cluster flow, uf, municipio).
CREATE TABLE IF NOT EXISTS marts.comex_municipal_monthly (
  month DATE NOT NULL,
  year INT64 NOT NULL,
  flow STRING NOT NULL,
  uf STRING NOT NULL,
  region STRING,
  municipio STRING NOT NULL,
  municipio_nome STRING,
  regiao_imediata STRING,
  regiao_imediata_nome STRING,
  sh4 STRING NOT NULL,
  sh4_name STRING,
  sh2 STRING NOT NULL,
  sh2_name STRING,
  country STRING NOT NULL,
  country_name STRING,
  vl_fob_usd FLOAT64 NOT NULL,
  kg_liquido FLOAT64 NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY flow, uf, municipio;
