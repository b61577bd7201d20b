-- Core: FINBRA values per year, report, municipality, account and column,
-- each with the line of its file.
CREATE TABLE IF NOT EXISTS core.fact_siconfi (
  year INT64 NOT NULL, report STRING NOT NULL, municipio STRING, cod_ibge STRING NOT NULL, poder STRING,
  coluna STRING, conta STRING NOT NULL, account STRING NOT NULL, value FLOAT64 NOT NULL, is_percent BOOL NOT NULL,
  file_sha256 STRING NOT NULL, line INT64
)
PARTITION BY RANGE_BUCKET(year, GENERATE_ARRAY(2000, 2100, 1))
CLUSTER BY report, municipio;
