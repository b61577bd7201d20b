-- Core: municipal population by year and where it came from. SIDRA 5938
-- (PIB dos Municípios) carries none; FINBRA's População column (the IBGE
-- estimate each entity declares) is the source we have.
CREATE TABLE IF NOT EXISTS core.fact_populacao (
  year INTEGER NOT NULL, municipio VARCHAR NOT NULL, population BIGINT NOT NULL, source VARCHAR NOT NULL
);
