-- Marts: population (and so PIB per capita) of the scope's years from
-- core.fact_populacao.
UPDATE marts.pib_municipal AS m
SET population = p.population,
    pib_per_capita_brl = IF(p.population > 0, m.pib_brl / p.population, NULL)
FROM core.fact_populacao AS p
WHERE p.year = m.year AND p.municipio = m.municipio AND m.year IN UNNEST(@years);
