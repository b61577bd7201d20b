-- Marts: the year rebuilt from every report loaded for it, R$ values only,
-- one row per municipality, account and column (Coluna, the file's label of
-- the figure's date or span), each the one figure a report declared, never
-- a sum. A figure declared by several reports of the year (the previous
-- year's balance in every period's report, a column repeated by a later
-- period, the RCL in several annexes) is the one of the report whose period
-- ends last (bimestre n ends in month 2n, trimestre 3n, quadrimestre 4n,
-- semestre 6n, a report with no such period in month 12), then of the first
-- report by name; an account a municipality repeats within a report's
-- column is its first line's figure. Core accounts that carry their column
-- after " — " are read without it.
DELETE FROM marts.siconfi_annual WHERE year = $year;
INSERT INTO marts.siconfi_annual (year, municipio, municipio_nome, uf, region, account, coluna, value_brl)
SELECT year, municipio, municipio_nome, uf, region, account, coluna, value
FROM (
  SELECT *, row_number() OVER (PARTITION BY municipio, account, coluna ORDER BY period_end DESC, report, line IS NULL, line) AS pick
  FROM (
    SELECT f.year, f.municipio, d.municipio_nome, d.uf, d.region,
           CASE WHEN ends_with(f.account, ' — ' || f.coluna) THEN left(f.account, length(f.account) - length(f.coluna) - 3) ELSE f.account END AS account,
           f.coluna, f.value, f.report, f.line,
           coalesce(coalesce(TRY_CAST(regexp_extract(f.report, '(\d+)[^|\d]*$', 1) AS INTEGER), 1)
             * CASE regexp_extract(lower(f.report), '(bimestre|trimestre|quadrimestre|semestre)[^|]*$', 1)
                 WHEN 'bimestre' THEN 2 WHEN 'trimestre' THEN 3 WHEN 'quadrimestre' THEN 4 WHEN 'semestre' THEN 6 END, 12) AS period_end
    FROM core.fact_siconfi f
    JOIN core.dim_municipio d ON d.municipio = f.municipio
    WHERE f.year = $year AND NOT f.is_percent
  )
)
WHERE pick = 1
ORDER BY year, uf, municipio, account, coluna;
