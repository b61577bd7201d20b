-- Landing: Comex Stat EXP_/IMP_ NCM-level rows as typed (codes as text).
CREATE TABLE IF NOT EXISTS landing.comex_ncm (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  flow VARCHAR NOT NULL, co_ano BIGINT NOT NULL, co_mes BIGINT NOT NULL, co_ncm VARCHAR NOT NULL, co_unid VARCHAR,
  co_pais VARCHAR NOT NULL, sg_uf_ncm VARCHAR NOT NULL, co_via VARCHAR, co_urf VARCHAR,
  qt_estat BIGINT, kg_liquido BIGINT NOT NULL, vl_fob BIGINT NOT NULL, vl_frete BIGINT, vl_seguro BIGINT
);
