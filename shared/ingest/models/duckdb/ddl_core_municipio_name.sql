-- Core: normalised municipality names per UF (accents, case and punctuation
-- dropped), for sources that name municipalities instead of coding them.
CREATE TABLE IF NOT EXISTS core.municipio_name (
  uf VARCHAR NOT NULL, name_key VARCHAR NOT NULL, municipio VARCHAR NOT NULL, source VARCHAR NOT NULL
);
