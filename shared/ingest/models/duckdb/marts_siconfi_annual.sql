-- Marts: the year rebuilt from every report loaded for it; R$ values only.
DELETE FROM marts.siconfi_annual WHERE year = $year;
INSERT INTO marts.siconfi_annual (year, municipio, municipio_nome, uf, region, account, value_brl)
SELECT f.year, f.municipio, any_value(d.municipio_nome), any_value(d.uf), any_value(d.region), f.account, sum(f.value)
FROM core.fact_siconfi f
JOIN core.dim_municipio d ON d.municipio = f.municipio
WHERE f.year = $year AND NOT f.is_percent
GROUP BY f.year, f.municipio, f.account
ORDER BY f.year, any_value(d.uf), f.municipio, f.account;
