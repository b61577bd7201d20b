-- Core: PIB at current prices, R$, per municipality and year.
CREATE TABLE IF NOT EXISTS core.fact_pib (
  year INT64 NOT NULL, municipio STRING NOT NULL, pib_brl FLOAT64 NOT NULL, file_sha256 STRING NOT NULL
)
PARTITION BY RANGE_BUCKET(year, GENERATE_ARRAY(1999, 2100, 1))
CLUSTER BY municipio;
