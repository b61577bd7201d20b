-- Landing: Comex Stat EXP_/IMP_ NCM-level rows as typed, the codes as
-- integers checked for digits and width by the loader (as in DuckDB, where
-- that is faster); staging pads them back to text.
CREATE TABLE IF NOT EXISTS landing.comex_ncm (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  flow STRING NOT NULL, co_ano INT64 NOT NULL, co_mes INT64 NOT NULL, co_ncm INT64 NOT NULL, co_unid INT64,
  co_pais INT64 NOT NULL, sg_uf_ncm STRING NOT NULL, co_via INT64, co_urf INT64,
  qt_estat INT64, kg_liquido INT64 NOT NULL, vl_fob INT64 NOT NULL, vl_frete INT64, vl_seguro INT64
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
