-- Core: Comex Stat countries (PAIS.csv; CO_PAIS is SECEX's code, not ISO).
CREATE TABLE IF NOT EXISTS core.dim_pais (
  country VARCHAR, country_name VARCHAR, iso3 VARCHAR
);
