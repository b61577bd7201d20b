-- Marts: antaq_monthly with the columns of shared/duckdb/schema.sql (the ones the
-- semantic catalog reads), partitioned and clustered as the catalog says
-- (partition month by month; cluster port, uf).
CREATE TABLE IF NOT EXISTS marts.antaq_monthly (
  month DATE NOT NULL,
  year INT64 NOT NULL,
  port STRING NOT NULL,
  uf STRING NOT NULL,
  region STRING,
  nav_type STRING NOT NULL,
  cargo_nature STRING NOT NULL,
  direction STRING NOT NULL,
  tonnes FLOAT64 NOT NULL,
  teu FLOAT64 NOT NULL,
  berthings INT64 NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY port, uf;
