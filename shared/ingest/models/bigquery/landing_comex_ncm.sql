-- Landing: Comex Stat EXP_/IMP_ NCM-level rows as typed (codes as text).
CREATE TABLE IF NOT EXISTS landing.comex_ncm (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  flow STRING NOT NULL, co_ano INT64 NOT NULL, co_mes INT64 NOT NULL, co_ncm STRING NOT NULL, co_unid STRING,
  co_pais STRING NOT NULL, sg_uf_ncm STRING NOT NULL, co_via STRING, co_urf STRING,
  qt_estat INT64, kg_liquido INT64 NOT NULL, vl_fob INT64 NOT NULL, vl_frete INT64, vl_seguro INT64
);
