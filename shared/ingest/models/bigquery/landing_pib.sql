-- Landing: SIDRA 5938's PIB per municipality (by name and UF) and year, in
-- R$ thousands as published; name_key is the name normalised for matching.
CREATE TABLE IF NOT EXISTS landing.pib (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  nome STRING NOT NULL, uf STRING NOT NULL, name_key STRING NOT NULL, year INT64 NOT NULL, pib_mil FLOAT64 NOT NULL
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
