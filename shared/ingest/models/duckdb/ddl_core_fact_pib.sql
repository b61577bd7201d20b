-- Core: PIB at current prices, R$, per municipality and year.
CREATE TABLE IF NOT EXISTS core.fact_pib (
  year INTEGER NOT NULL, municipio VARCHAR NOT NULL, pib_brl DOUBLE NOT NULL, file_sha256 VARCHAR NOT NULL
);
