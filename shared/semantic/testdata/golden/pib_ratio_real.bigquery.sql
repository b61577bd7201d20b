WITH base AS (
  SELECT i0.`index` AS b FROM marts.ipca_monthly AS i0 WHERE i0.month = CAST(@p2 AS DATE)
),
facts AS (
  SELECT
    f.`region` AS g0,
    f.`year` AS t,
    CAST(SUM(f.`pib_brl` * base.b / ipca.deflator) AS FLOAT64) AS s0,
    CAST(SUM(f.`population`) AS FLOAT64) AS s1
  FROM marts.pib_municipal AS f
  CROSS JOIN base
  LEFT JOIN (SELECT year AS k, AVG(`index`) AS deflator FROM marts.ipca_monthly GROUP BY year) AS ipca ON ipca.k = f.year
  WHERE f.`year` BETWEEN @p0 AND @p1
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 / NULLIF(cur.s1, 0) AS m0,
    ((cur.s0) - (prev.s0)) / NULLIF(ABS(prev.s0), 0) * 100 AS m1
  FROM facts AS cur
  LEFT JOIN facts AS prev ON prev.t = cur.t - 1 AND prev.g0 = cur.g0
)
SELECT
  g0 AS c0,
  CAST(t AS STRING) AS c1,
  m0 AS c2,
  m1 AS c3
FROM shaped
WHERE t >= @p3
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p4
-- params: p0=2014 p1=2021 p2="2023-12-01" p3=2015 p4=1000
