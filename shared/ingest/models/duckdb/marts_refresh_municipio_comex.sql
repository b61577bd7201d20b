-- Marts: a new territorial table renames and regroups municipalities in
-- marts.comex_municipal_monthly (names, UF and regions are denormalised there).
UPDATE marts.comex_municipal_monthly AS m
SET municipio_nome = d.municipio_nome, uf = d.uf, region = d.region, regiao_imediata = d.regiao_imediata, regiao_imediata_nome = d.regiao_imediata_nome
FROM core.dim_municipio AS d
WHERE d.municipio = m.municipio;
