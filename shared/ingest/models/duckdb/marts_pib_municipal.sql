-- Marts: the file's years, with names and regions from the territorial
-- table and population from core.fact_populacao (NULL where no source has
-- it: SIDRA 5938 carries none). Ordered by year, then uf, municipio.
DELETE FROM marts.pib_municipal WHERE year IN (SELECT year FROM load_scope);
INSERT INTO marts.pib_municipal (year, municipio, municipio_nome, regiao_imediata, regiao_imediata_nome, uf, region,
  pib_brl, population, pib_per_capita_brl)
SELECT f.year, f.municipio, d.municipio_nome, d.regiao_imediata, d.regiao_imediata_nome, d.uf, d.region, f.pib_brl,
       p.population, CASE WHEN p.population > 0 THEN f.pib_brl / p.population END
FROM core.fact_pib f
JOIN core.dim_municipio d ON d.municipio = f.municipio
LEFT JOIN (SELECT year, municipio, any_value(population) AS population FROM core.fact_populacao GROUP BY year, municipio) p
  ON p.year = f.year AND p.municipio = f.municipio
WHERE f.year IN (SELECT year FROM load_scope)
ORDER BY f.year, d.uf, f.municipio;
