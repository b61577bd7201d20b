-- Marts: the scope's months: tonnes and TEU of handled cargo with a
-- direction, and each berthing once, in its primary line's cell. Ordered by
-- month, then the cluster keys (port, uf).
DELETE FROM marts.antaq_monthly WHERE month IN (SELECT period FROM load_scope);
INSERT INTO marts.antaq_monthly (month, year, port, uf, region, nav_type, cargo_nature, direction, tonnes, teu, berthings)
SELECT f.month, year(f.month)::INTEGER, f.port, f.uf, any_value(u.region), f.nav_type, f.cargo_nature, f.direction,
       sum(f.tonnes), sum(f.teu), count(*) FILTER (WHERE f.is_primary)
FROM core.fact_antaq_carga f
LEFT JOIN core.dim_uf u ON u.uf = f.uf
WHERE f.handled AND f.direction IS NOT NULL AND f.month IN (SELECT period FROM load_scope)
GROUP BY f.month, f.port, f.uf, f.nav_type, f.cargo_nature, f.direction
ORDER BY f.month, f.port, f.uf;
