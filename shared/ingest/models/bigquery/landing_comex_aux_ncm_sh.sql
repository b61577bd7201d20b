-- Landing: Comex Stat NCM_SH.csv (HS names).
CREATE TABLE IF NOT EXISTS landing.comex_aux_ncm_sh (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  co_sh6 STRING, no_sh6_por STRING, co_sh4 STRING, no_sh4_por STRING, co_sh2 STRING, no_sh2_por STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
