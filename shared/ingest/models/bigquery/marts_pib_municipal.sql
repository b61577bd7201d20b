-- Marts: the file's years, with names and regions from the territorial
-- table and population from core.fact_populacao (NULL where no source has it).
MERGE marts.pib_municipal AS t
USING (
  SELECT f.year, f.municipio, d.municipio_nome, d.regiao_imediata, d.regiao_imediata_nome, d.uf, d.region, f.pib_brl,
         p.population, IF(p.population > 0, f.pib_brl / p.population, NULL) AS pib_per_capita_brl
  FROM core.fact_pib f
  JOIN core.dim_municipio d ON d.municipio = f.municipio
  LEFT JOIN (SELECT year, municipio, ANY_VALUE(population) AS population FROM core.fact_populacao GROUP BY year, municipio) p
    ON p.year = f.year AND p.municipio = f.municipio
  WHERE f.year IN UNNEST(@years)
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.year IN UNNEST(@years) THEN DELETE
WHEN NOT MATCHED THEN INSERT (year, municipio, municipio_nome, regiao_imediata, regiao_imediata_nome, uf, region, pib_brl, population, pib_per_capita_brl)
  VALUES (s.year, s.municipio, s.municipio_nome, s.regiao_imediata, s.regiao_imediata_nome, s.uf, s.region, s.pib_brl, s.population, s.pib_per_capita_brl);
