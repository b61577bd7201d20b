WITH base AS (
  SELECT i0.`index` AS b FROM marts.ipca_monthly AS i0 WHERE i0.month = CAST(@p4 AS DATE)
),
facts AS (
  SELECT
    f.`uf` AS g0,
    f.`year` AS t,
    CAST(SUM(f.`value_brl` * base.b / ipca.deflator) AS FLOAT64) AS s0
  FROM marts.siconfi_annual AS f
  CROSS JOIN base
  LEFT JOIN (SELECT year AS k, AVG(`index`) AS deflator FROM marts.ipca_monthly GROUP BY year) AS ipca ON ipca.k = f.year
  WHERE f.`year` BETWEEN @p0 AND @p1
    AND f.`account` = @p2
    AND f.`coluna` = @p3
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 AS m0
  FROM facts AS cur
)
SELECT
  g0 AS c0,
  CAST(t AS STRING) AS c1,
  m0 AS c2
FROM shaped
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p5
-- params: p0=2018 p1=2023 p2="RECEITA CORRENTE LÍQUIDA - RCL" p3="Até o 3º Quadrimestre" p4="2024-06-01" p5=1000
