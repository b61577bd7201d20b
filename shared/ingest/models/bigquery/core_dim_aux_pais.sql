-- Core: country names from PAIS.csv. A full snapshot: it replaces the dimension.
CREATE OR REPLACE TABLE core.dim_pais AS
SELECT co_pais AS country, no_pais AS country_name, co_pais_isoa3 AS iso3
FROM landing.comex_aux_pais
WHERE file_sha256 = @file_sha256;
