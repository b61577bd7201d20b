-- Marts: the file's months of its flow by municipality, rebuilt from core with
-- names. Only rows with a municipality: the codes Comex Stat publishes without
-- one (municipio NULL in core) are in Brazil's totals, never in this mart.
-- UF and regions come from the territorial table (the staging join made the
-- municipality's UF the file's SG_UF_MUN; core's uf stands in for a code the
-- table has since dropped). Ordered by month, then the catalog's cluster keys.
DELETE FROM marts.comex_municipal_monthly WHERE flow = $flow AND month IN (SELECT period FROM load_scope);
INSERT INTO marts.comex_municipal_monthly (month, year, flow, uf, region, municipio, municipio_nome, regiao_imediata,
  regiao_imediata_nome, sh4, sh4_name, sh2, sh2_name, country, country_name, vl_fob_usd, kg_liquido)
WITH agg AS (
  SELECT month, uf, municipio, sh4, sh2, country, sum(vl_fob)::DOUBLE AS vl_fob_usd, sum(kg_liquido)::DOUBLE AS kg_liquido
  FROM core.fact_comex_municipio
  WHERE flow = $flow AND month IN (SELECT period FROM load_scope) AND municipio IS NOT NULL
  GROUP BY month, uf, municipio, sh4, sh2, country
)
SELECT a.month, year(a.month)::INTEGER, $flow, coalesce(d.uf, a.uf), coalesce(d.region, u.region), a.municipio,
       d.municipio_nome, d.regiao_imediata, d.regiao_imediata_nome, a.sh4, s4.sh4_name, a.sh2, s2.sh2_name,
       a.country, p.country_name, a.vl_fob_usd, a.kg_liquido
FROM agg a
LEFT JOIN core.dim_municipio d ON d.municipio = a.municipio
LEFT JOIN core.dim_uf u ON u.uf = a.uf
LEFT JOIN (SELECT sh4, any_value(sh4_name) AS sh4_name FROM core.dim_sh GROUP BY sh4) s4 ON s4.sh4 = a.sh4
LEFT JOIN (SELECT sh2, any_value(sh2_name) AS sh2_name FROM core.dim_sh GROUP BY sh2) s2 ON s2.sh2 = a.sh2
LEFT JOIN (SELECT country, any_value(country_name) AS country_name FROM core.dim_pais GROUP BY country) p ON p.country = a.country
ORDER BY a.month, coalesce(d.uf, a.uf), a.municipio, a.sh4, a.country;
