-- Landing: FINBRA rows as typed, with the year and report (annex | table |
-- period) from the metadata lines and the account name the loader built.
CREATE TABLE IF NOT EXISTS landing.siconfi (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  exercicio BIGINT NOT NULL, report VARCHAR NOT NULL,
  instituicao VARCHAR, cod_ibge VARCHAR NOT NULL, uf VARCHAR, poder VARCHAR, populacao BIGINT,
  coluna VARCHAR, conta VARCHAR NOT NULL, account VARCHAR NOT NULL, valor DOUBLE NOT NULL
);
