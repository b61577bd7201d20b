-- Landing: Comex Stat PAIS.csv.
CREATE TABLE IF NOT EXISTS landing.comex_aux_pais (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  co_pais STRING, co_pais_isoa3 STRING, no_pais STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
