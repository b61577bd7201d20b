-- Landing: ANTAQ berthings (<ano>Atracacao.txt), the columns the marts use,
-- as typed; nav_type is the label mapped to the catalog's value.
CREATE TABLE IF NOT EXISTS landing.antaq_atracacao (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  id_atracacao INT64 NOT NULL, porto STRING NOT NULL, sguf STRING NOT NULL, municipio STRING, complexo STRING,
  ano INT64 NOT NULL, mes STRING NOT NULL, month DATE NOT NULL, tipo_navegacao STRING NOT NULL, nav_type STRING NOT NULL,
  data_atracacao STRING NOT NULL
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
