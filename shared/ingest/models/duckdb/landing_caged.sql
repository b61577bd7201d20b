-- Landing: Novo CAGED already aggregated in the loader (LGPD): movements per
-- competência of the movement x 6-digit município x CNAE section; line is
-- the first line of the file that fell in the cell. No person-level row.
CREATE TABLE IF NOT EXISTS landing.caged (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  kind VARCHAR NOT NULL, file_competencia DATE NOT NULL, competencia_mov DATE NOT NULL,
  municipio6 VARCHAR NOT NULL, secao VARCHAR NOT NULL,
  admissions BIGINT NOT NULL, separations BIGINT NOT NULL, movements BIGINT NOT NULL
);
