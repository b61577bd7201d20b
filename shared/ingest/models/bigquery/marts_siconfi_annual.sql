-- Marts: the year rebuilt from every report loaded for it; R$ values only.
MERGE marts.siconfi_annual AS t
USING (
  SELECT f.year, f.municipio, ANY_VALUE(d.municipio_nome) AS municipio_nome, ANY_VALUE(d.uf) AS uf,
         ANY_VALUE(d.region) AS region, f.account, SUM(f.value) AS value_brl
  FROM core.fact_siconfi f
  JOIN core.dim_municipio d ON d.municipio = f.municipio
  WHERE f.year = @year AND NOT f.is_percent
  GROUP BY f.year, f.municipio, f.account
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.year = @year THEN DELETE
WHEN NOT MATCHED THEN INSERT (year, municipio, municipio_nome, uf, region, account, value_brl)
  VALUES (s.year, s.municipio, s.municipio_nome, s.uf, s.region, s.account, s.value_brl);
