-- Marts: the scope's months: tonnes and TEU of handled cargo with a
-- direction, and each berthing once, in its primary line's cell.
MERGE marts.antaq_monthly AS t
USING (
  SELECT f.month, EXTRACT(YEAR FROM f.month) AS year, f.port, f.uf, ANY_VALUE(u.region) AS region, f.nav_type, f.cargo_nature,
         f.direction, SUM(f.tonnes) AS tonnes, SUM(f.teu) AS teu, COUNTIF(f.is_primary) AS berthings
  FROM core.fact_antaq_carga f
  LEFT JOIN core.dim_uf u ON u.uf = f.uf
  WHERE f.handled AND f.direction IS NOT NULL AND f.month IN UNNEST(@periods)
  GROUP BY f.month, f.port, f.uf, f.nav_type, f.cargo_nature, f.direction
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, year, port, uf, region, nav_type, cargo_nature, direction, tonnes, teu, berthings)
  VALUES (s.month, s.year, s.port, s.uf, s.region, s.nav_type, s.cargo_nature, s.direction, s.tonnes, s.teu, s.berthings);
