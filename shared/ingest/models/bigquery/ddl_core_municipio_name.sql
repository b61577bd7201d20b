-- Core: normalised municipality names per UF (accents, case and punctuation
-- dropped), for sources that name municipalities instead of coding them.
CREATE TABLE IF NOT EXISTS core.municipio_name (
  uf STRING NOT NULL, name_key STRING NOT NULL, municipio STRING NOT NULL, source STRING NOT NULL
);
