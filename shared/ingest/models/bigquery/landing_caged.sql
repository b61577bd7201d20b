-- Landing: Novo CAGED already aggregated in the loader (LGPD): movements per
-- competência of the movement x 6-digit município x CNAE section. No person-level row.
CREATE TABLE IF NOT EXISTS landing.caged (
  file_sha256 STRING NOT NULL, line INT64 NOT NULL,
  kind STRING NOT NULL, file_competencia DATE NOT NULL, competencia_mov DATE NOT NULL,
  municipio6 STRING NOT NULL, secao STRING NOT NULL,
  admissions INT64 NOT NULL, separations INT64 NOT NULL, movements INT64 NOT NULL
)
PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256 OPTIONS (partition_expiration_days = 35);
