-- Landing: the community municipality table (kelvins/municipios-brasileiros).
CREATE TABLE IF NOT EXISTS landing.ibge_kelvins (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  municipio VARCHAR, municipio_nome VARCHAR, uf_code VARCHAR, capital BOOLEAN, name_key VARCHAR
);
