-- Core: CAGED cells per file kind (mov, for, exc) and file competência.
CREATE TABLE IF NOT EXISTS core.fact_caged (
  kind STRING NOT NULL, file_competencia DATE NOT NULL, month DATE NOT NULL,
  municipio STRING, municipio6 STRING NOT NULL, cnae_section STRING NOT NULL,
  admissions INT64 NOT NULL, separations INT64 NOT NULL, movements INT64 NOT NULL,
  file_sha256 STRING NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY kind, municipio;
