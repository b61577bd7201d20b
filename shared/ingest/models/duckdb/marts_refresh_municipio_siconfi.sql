-- Marts: a new territorial table renames and regroups municipalities in
-- marts.siconfi_annual (names, UF and regions are denormalised there).
UPDATE marts.siconfi_annual AS m
SET municipio_nome = d.municipio_nome, uf = d.uf, region = d.region
FROM core.dim_municipio AS d
WHERE d.municipio = m.municipio;
