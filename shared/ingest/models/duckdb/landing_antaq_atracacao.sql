-- Landing: ANTAQ berthings (<ano>Atracacao.txt), the columns the marts use,
-- as typed; nav_type is the label mapped to the catalog's value.
CREATE TABLE IF NOT EXISTS landing.antaq_atracacao (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  id_atracacao BIGINT NOT NULL, porto VARCHAR NOT NULL, sguf VARCHAR NOT NULL, municipio VARCHAR, complexo VARCHAR,
  ano BIGINT NOT NULL, mes VARCHAR NOT NULL, month DATE NOT NULL, tipo_navegacao VARCHAR NOT NULL, nav_type VARCHAR NOT NULL,
  data_atracacao VARCHAR NOT NULL
);
