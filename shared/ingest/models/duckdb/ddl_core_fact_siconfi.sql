-- Core: FINBRA values per year, report, municipality, account and column,
-- each with the line of its file.
CREATE TABLE IF NOT EXISTS core.fact_siconfi (
  year INTEGER NOT NULL, report VARCHAR NOT NULL, municipio VARCHAR, cod_ibge VARCHAR NOT NULL, poder VARCHAR,
  coluna VARCHAR, conta VARCHAR NOT NULL, account VARCHAR NOT NULL, value DOUBLE NOT NULL, is_percent BOOLEAN NOT NULL,
  file_sha256 VARCHAR NOT NULL, line BIGINT
);
ALTER TABLE core.fact_siconfi ADD COLUMN IF NOT EXISTS line BIGINT;
