-- Marts: the file's months of its flow, rebuilt from core with names.
-- Rows go in ordered by month and the catalog's cluster keys (flow, uf, sh4):
-- the aggregate is sorted while it is narrow (keys and sums), before the
-- names join. Joins keep that order except at a few batch seams, which
-- costs the zone maps nothing and saves a wide sort.
-- The sums group by the integer codes and the UF's enum, and spell them
-- as text afterwards: grouping and sorting integers is cheaper than text.
-- They add DOUBLEs, whose state is cheaper than a BIGINT sum's HUGEINT: a
-- sum of integers stays exact in a DOUBLE while every partial sum is below
-- 2^53 (9e15; a year of Brazil's trade is about 1e12 US$ and 1e12 kg).
DELETE FROM marts.comex_monthly WHERE flow = $flow AND month IN (SELECT period FROM load_scope);
INSERT INTO marts.comex_monthly (month, year, flow, uf, region, ncm, ncm_name, sh4, sh4_name, sh2, sh2_name,
  country, country_name, vl_fob_usd, kg_liquido)
WITH sums AS (
  SELECT month, uf_code, ncm_code, country_code, sum(vl_fob::DOUBLE) AS vl_fob_usd, sum(kg_liquido::DOUBLE) AS kg_liquido
  FROM core.fact_comex
  WHERE flow = $flow AND month IN (SELECT period FROM load_scope)
  GROUP BY month, uf_code, ncm_code, country_code
  ORDER BY month, uf_code, ncm_code
), agg AS (
  SELECT month, CAST(uf_code AS VARCHAR) AS uf, lpad(ncm_code::VARCHAR, 8, '0') AS ncm, lpad(country_code::VARCHAR, 3, '0') AS country, vl_fob_usd, kg_liquido
  FROM sums
)
SELECT a.month, year(a.month)::INTEGER, $flow, a.uf, u.region, a.ncm, n.ncm_name, left(a.ncm, 4), s4.sh4_name,
       left(a.ncm, 2), s2.sh2_name, a.country, p.country_name, a.vl_fob_usd, a.kg_liquido
FROM agg a
LEFT JOIN core.dim_uf u ON u.uf = a.uf
LEFT JOIN core.dim_ncm n ON n.ncm = a.ncm
LEFT JOIN (SELECT sh4, any_value(sh4_name) AS sh4_name FROM core.dim_sh GROUP BY sh4) s4 ON s4.sh4 = left(a.ncm, 4)
LEFT JOIN (SELECT sh2, any_value(sh2_name) AS sh2_name FROM core.dim_sh GROUP BY sh2) s2 ON s2.sh2 = left(a.ncm, 2)
LEFT JOIN core.dim_pais p ON p.country = a.country; -- ncm order is sh4 order: sh4 is its prefix
