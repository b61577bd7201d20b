-- Landing: Comex Stat PAIS.csv.
CREATE TABLE IF NOT EXISTS landing.comex_aux_pais (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  co_pais VARCHAR, co_pais_isoa3 VARCHAR, no_pais VARCHAR
);
