-- Landing: Comex Stat UF.csv (with the pseudo-UFs EX, CB, MN, RE, ED, ND, ZN).
CREATE TABLE IF NOT EXISTS landing.comex_aux_uf (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  co_uf STRING, sg_uf STRING, no_uf STRING, no_regiao STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
