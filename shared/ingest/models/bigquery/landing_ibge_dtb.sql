-- Landing: the IBGE DTB municipality report, as typed text.
CREATE TABLE IF NOT EXISTS landing.ibge_dtb (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  uf_code STRING, uf_nome STRING, rgint STRING, rgint_nome STRING, rgime STRING, rgime_nome STRING,
  meso STRING, meso_nome STRING, micro STRING, micro_nome STRING,
  municipio5 STRING, municipio STRING, municipio_nome STRING, name_key STRING
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
