-- Core: CAGED cells per file kind (mov, for, exc) and file competência.
CREATE TABLE IF NOT EXISTS core.fact_caged (
  kind VARCHAR NOT NULL, file_competencia DATE NOT NULL, month DATE NOT NULL,
  municipio VARCHAR, municipio6 VARCHAR NOT NULL, cnae_section VARCHAR NOT NULL,
  admissions BIGINT NOT NULL, separations BIGINT NOT NULL, movements BIGINT NOT NULL,
  file_sha256 VARCHAR NOT NULL
);
