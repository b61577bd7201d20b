-- Core: Comex Stat trade by the exporter's or importer's municipality (IBGE code; NULL where SECEX's CO_MUN maps to none) and SH4.
CREATE TABLE IF NOT EXISTS core.fact_comex_municipio (
  month DATE NOT NULL, flow VARCHAR NOT NULL, municipio VARCHAR, co_mun VARCHAR NOT NULL, uf VARCHAR NOT NULL,
  sh4 VARCHAR NOT NULL, sh2 VARCHAR NOT NULL, country VARCHAR NOT NULL, kg_liquido BIGINT NOT NULL, vl_fob BIGINT NOT NULL,
  file_sha256 VARCHAR NOT NULL
);
