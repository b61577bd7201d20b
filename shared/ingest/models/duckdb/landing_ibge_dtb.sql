-- Landing: the IBGE DTB municipality report, as typed text.
CREATE TABLE IF NOT EXISTS landing.ibge_dtb (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  uf_code VARCHAR, uf_nome VARCHAR, rgint VARCHAR, rgint_nome VARCHAR, rgime VARCHAR, rgime_nome VARCHAR,
  meso VARCHAR, meso_nome VARCHAR, micro VARCHAR, micro_nome VARCHAR,
  municipio5 VARCHAR, municipio VARCHAR, municipio_nome VARCHAR, name_key VARCHAR
);
