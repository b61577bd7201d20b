-- Landing: FINBRA rows as typed, with the year and report (annex | table |
-- period) from the metadata lines and the account name the loader built.
CREATE TABLE IF NOT EXISTS landing.siconfi (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  exercicio INT64 NOT NULL, report STRING NOT NULL,
  instituicao STRING, cod_ibge STRING NOT NULL, uf STRING, poder STRING, populacao INT64,
  coluna STRING, conta STRING NOT NULL, account STRING NOT NULL, valor FLOAT64 NOT NULL
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
