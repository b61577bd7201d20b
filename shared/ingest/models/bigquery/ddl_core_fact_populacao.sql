-- Core: municipal population by year and where it came from (FINBRA's
-- População column; SIDRA 5938 carries none).
CREATE TABLE IF NOT EXISTS core.fact_populacao (
  year INT64 NOT NULL, municipio STRING NOT NULL, population INT64 NOT NULL, source STRING NOT NULL
)
CLUSTER BY municipio;
