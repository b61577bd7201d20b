-- Landing: one row per month and variable of an IPCA file (NULL where SIDRA
-- writes "..."), whatever its layout.
CREATE TABLE IF NOT EXISTS landing.ipca (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  variable STRING NOT NULL, month DATE NOT NULL, value FLOAT64
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
