-- Landing: Comex Stat NCM.csv.
CREATE TABLE IF NOT EXISTS landing.comex_aux_ncm (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  co_ncm VARCHAR, co_unid VARCHAR, co_sh6 VARCHAR, no_ncm_por VARCHAR
);
