-- Landing: Comex Stat URF.csv (customs units).
CREATE TABLE IF NOT EXISTS landing.comex_aux_urf (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  co_urf STRING, no_urf STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
