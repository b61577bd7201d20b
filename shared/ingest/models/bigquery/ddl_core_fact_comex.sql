-- Core: Comex Stat trade at the files' grain (month x flow x NCM x country x UF x mode x customs unit x unit).
CREATE TABLE IF NOT EXISTS core.fact_comex (
  month DATE NOT NULL, flow STRING NOT NULL, ncm STRING NOT NULL, sh4 STRING NOT NULL, sh2 STRING NOT NULL,
  country STRING NOT NULL, uf STRING NOT NULL, via STRING, urf STRING, unid STRING,
  qt_estat INT64, kg_liquido INT64 NOT NULL, vl_fob INT64 NOT NULL, vl_frete INT64, vl_seguro INT64,
  file_sha256 STRING NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY flow, uf, sh4;
