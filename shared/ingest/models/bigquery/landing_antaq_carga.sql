-- Landing: ANTAQ cargo lines (<ano>Carga.txt) as typed, labels mapped to
-- the catalog's values (direction NULL for "Não Informado").
CREATE TABLE IF NOT EXISTS landing.antaq_carga (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  id_carga INT64 NOT NULL, id_atracacao INT64 NOT NULL, tipo_navegacao STRING NOT NULL, nav_type STRING NOT NULL,
  natureza STRING NOT NULL, cargo_nature STRING NOT NULL, sentido STRING NOT NULL, direction STRING,
  flag_mc INT64 NOT NULL, teu FLOAT64 NOT NULL, qt_carga FLOAT64 NOT NULL, peso_bruto FLOAT64 NOT NULL
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
