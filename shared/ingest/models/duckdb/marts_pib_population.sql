-- Marts: population (and so PIB per capita) of the scope's years from
-- core.fact_populacao, whichever source loaded last.
UPDATE marts.pib_municipal AS m
SET population = p.population,
    pib_per_capita_brl = CASE WHEN p.population > 0 THEN m.pib_brl / p.population END
FROM core.fact_populacao AS p
WHERE p.year = m.year AND p.municipio = m.municipio AND m.year IN (SELECT year FROM load_scope);
