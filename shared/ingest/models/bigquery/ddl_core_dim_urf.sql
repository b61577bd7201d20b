-- Core: customs units (URF.csv).
CREATE TABLE IF NOT EXISTS core.dim_urf (
  urf STRING, urf_name STRING
);
