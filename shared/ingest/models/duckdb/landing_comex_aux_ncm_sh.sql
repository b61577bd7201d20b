-- Landing: Comex Stat NCM_SH.csv (HS names).
CREATE TABLE IF NOT EXISTS landing.comex_aux_ncm_sh (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  co_sh6 VARCHAR, no_sh6_por VARCHAR, co_sh4 VARCHAR, no_sh4_por VARCHAR, co_sh2 VARCHAR, no_sh2_por VARCHAR
);
