-- Landing: Comex Stat EXP_/IMP_..._MUN municipal rows as typed (CO_MUN is SECEX's code);
-- the codes are integers, as in landing.comex_ncm, and staging pads them back.
CREATE TABLE IF NOT EXISTS landing.comex_mun (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  flow STRING NOT NULL, co_ano INT64 NOT NULL, co_mes INT64 NOT NULL, sh4 INT64 NOT NULL, co_pais INT64 NOT NULL,
  sg_uf_mun STRING NOT NULL, co_mun INT64 NOT NULL, kg_liquido INT64 NOT NULL, vl_fob INT64 NOT NULL
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
