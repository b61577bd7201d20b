-- Core: country names from PAIS.csv. A full snapshot: it replaces the dimension.
-- (A MERGE, not CREATE OR REPLACE: it runs inside the load's transaction.)
MERGE core.dim_pais AS t
USING (
  SELECT co_pais AS country, no_pais AS country_name, co_pais_isoa3 AS iso3
  FROM landing.comex_aux_pais
  WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE THEN DELETE
WHEN NOT MATCHED THEN INSERT (country, country_name, iso3) VALUES (s.country, s.country_name, s.iso3);
