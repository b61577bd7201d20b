WITH facts AS (
  SELECT
    f.`sh4` AS g0,
    MAX(f.`sh4_name`) AS l0,
    CAST(SUM(f.`vl_fob_usd`) AS FLOAT64) AS s0
  FROM marts.comex_monthly AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE)
    AND STARTS_WITH(f.`ncm`, @p2)
    AND f.`country` NOT IN (@p3)
    AND f.`flow` = @p4
  GROUP BY g0
),
shaped AS (
  SELECT
    cur.g0,
    cur.l0,
    cur.s0 AS m0
  FROM facts AS cur
)
SELECT
  g0 AS c0,
  l0 AS c1,
  m0 AS c2
FROM shaped
ORDER BY c2 DESC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p5
-- params: p0="2024-01-01" p1="2024-12-01" p2="12" p3="063" p4="export" p5=20
