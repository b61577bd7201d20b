-- Landing: Comex Stat EXP_/IMP_..._MUN municipal rows as typed (CO_MUN is SECEX's code);
-- the codes are integers, as in landing.comex_ncm, and staging pads them back.
CREATE TABLE IF NOT EXISTS landing.comex_mun (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  flow VARCHAR NOT NULL, co_ano BIGINT NOT NULL, co_mes BIGINT NOT NULL, sh4 SMALLINT NOT NULL, co_pais SMALLINT NOT NULL,
  sg_uf_mun VARCHAR NOT NULL, co_mun INTEGER NOT NULL, kg_liquido BIGINT NOT NULL, vl_fob BIGINT NOT NULL
);
