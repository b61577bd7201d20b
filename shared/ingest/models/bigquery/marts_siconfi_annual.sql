-- Marts: the year rebuilt from every report loaded for it, R$ values only,
-- one row per municipality, account and column, each the one figure a
-- report declared, never a sum: the grain and the choice of
-- ../duckdb/marts_siconfi_annual.sql.
MERGE marts.siconfi_annual AS t
USING (
  SELECT year, municipio, municipio_nome, uf, region, account, coluna, value AS value_brl
  FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY municipio, account, coluna ORDER BY period_end DESC, report, line IS NULL, line) AS pick
    FROM (
      SELECT f.year, f.municipio, d.municipio_nome, d.uf, d.region,
             IF(ENDS_WITH(f.account, CONCAT(' — ', f.coluna)), LEFT(f.account, LENGTH(f.account) - LENGTH(f.coluna) - 3), f.account) AS account,
             f.coluna, f.value, f.report, f.line,
             COALESCE(COALESCE(SAFE_CAST(REGEXP_EXTRACT(f.report, r'(\d+)[^|\d]*$') AS INT64), 1)
               * CASE REGEXP_EXTRACT(LOWER(f.report), r'(bimestre|trimestre|quadrimestre|semestre)[^|]*$')
                   WHEN 'bimestre' THEN 2 WHEN 'trimestre' THEN 3 WHEN 'quadrimestre' THEN 4 WHEN 'semestre' THEN 6 END, 12) AS period_end
      FROM core.fact_siconfi f
      JOIN core.dim_municipio d ON d.municipio = f.municipio
      WHERE f.year = @year AND NOT f.is_percent
    )
  )
  WHERE pick = 1
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.year = @year THEN DELETE
WHEN NOT MATCHED THEN INSERT (year, municipio, municipio_nome, uf, region, account, coluna, value_brl)
  VALUES (s.year, s.municipio, s.municipio_nome, s.uf, s.region, s.account, s.coluna, s.value_brl);
