-- Landing: SIDRA 5938's PIB per municipality (by name and UF) and year, in
-- R$ thousands as published; name_key is the name normalised for matching.
CREATE TABLE IF NOT EXISTS landing.pib (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  nome VARCHAR NOT NULL, uf VARCHAR NOT NULL, name_key VARCHAR NOT NULL, year BIGINT NOT NULL, pib_mil DOUBLE NOT NULL
);
