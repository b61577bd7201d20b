-- Landing: Comex Stat NCM.csv.
CREATE TABLE IF NOT EXISTS landing.comex_aux_ncm (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  co_ncm STRING, co_unid STRING, co_sh6 STRING, no_ncm_por STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
