-- Landing: the community municipality table (kelvins/municipios-brasileiros).
CREATE TABLE IF NOT EXISTS landing.ibge_kelvins (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  municipio STRING, municipio_nome STRING, uf_code STRING, capital BOOL, name_key STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
