-- Core: Comex Stat trade by the exporter's or importer's municipality (IBGE code; NULL where SECEX's CO_MUN maps to none) and SH4.
CREATE TABLE IF NOT EXISTS core.fact_comex_municipio (
  month DATE NOT NULL, flow STRING NOT NULL, municipio STRING, co_mun STRING NOT NULL, uf STRING NOT NULL,
  sh4 STRING NOT NULL, sh2 STRING NOT NULL, country STRING NOT NULL, kg_liquido INT64 NOT NULL, vl_fob INT64 NOT NULL,
  file_sha256 STRING NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY flow, uf, municipio;
