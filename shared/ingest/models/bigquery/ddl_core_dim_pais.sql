-- Core: Comex Stat countries (PAIS.csv; CO_PAIS is SECEX's code, not ISO).
CREATE TABLE IF NOT EXISTS core.dim_pais (
  country STRING, country_name STRING, iso3 STRING
);
