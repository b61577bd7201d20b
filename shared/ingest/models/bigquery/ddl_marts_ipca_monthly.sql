-- Marts: ipca_monthly with the columns of shared/duckdb/schema.sql (the ones the
-- semantic catalog reads), partitioned and clustered as the catalog says
-- (partition month by year; cluster none).
CREATE TABLE IF NOT EXISTS marts.ipca_monthly (
  month DATE NOT NULL,
  year INT64 NOT NULL,
  `index` FLOAT64 NOT NULL,
  mom_pct FLOAT64,
  yoy_pct FLOAT64
)
PARTITION BY DATE_TRUNC(month, YEAR);
