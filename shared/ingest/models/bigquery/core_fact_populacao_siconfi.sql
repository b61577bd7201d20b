-- Core: the populations this FINBRA file declares replace the ones FINBRA
-- gave before for the same year and municipalities.
MERGE core.fact_populacao AS t
USING (
  SELECT year, municipio, MAX(populacao) AS population
  FROM staging_siconfi
  WHERE municipio IS NOT NULL AND populacao IS NOT NULL
  GROUP BY year, municipio
) AS s
ON t.source = 'siconfi' AND t.year = s.year AND t.municipio = s.municipio
WHEN MATCHED THEN UPDATE SET population = s.population
WHEN NOT MATCHED THEN INSERT (year, municipio, population, source) VALUES (s.year, s.municipio, s.population, 'siconfi');
