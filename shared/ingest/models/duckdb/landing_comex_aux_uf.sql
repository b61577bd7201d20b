-- Landing: Comex Stat UF.csv (with the pseudo-UFs EX, CB, MN, RE, ED, ND, ZN).
CREATE TABLE IF NOT EXISTS landing.comex_aux_uf (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  co_uf VARCHAR, sg_uf VARCHAR, no_uf VARCHAR, no_regiao VARCHAR
);
