-- Landing: ANTAQ cargo lines (<ano>Carga.txt) as typed, labels mapped to
-- the catalog's values (direction NULL for "Não Informado").
CREATE TABLE IF NOT EXISTS landing.antaq_carga (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  id_carga BIGINT NOT NULL, id_atracacao BIGINT NOT NULL, tipo_navegacao VARCHAR NOT NULL, nav_type VARCHAR NOT NULL,
  natureza VARCHAR NOT NULL, cargo_nature VARCHAR NOT NULL, sentido VARCHAR NOT NULL, direction VARCHAR,
  flag_mc BIGINT NOT NULL, teu DOUBLE NOT NULL, qt_carga DOUBLE NOT NULL, peso_bruto DOUBLE NOT NULL
);
