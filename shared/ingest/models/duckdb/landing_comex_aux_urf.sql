-- Landing: Comex Stat URF.csv (customs units).
CREATE TABLE IF NOT EXISTS landing.comex_aux_urf (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  co_urf VARCHAR, no_urf VARCHAR
);
