WITH facts AS (
  SELECT
    f.`uf` AS g0,
    f.`month` AS t,
    CAST(SUM(f.`vl_fob_usd`) AS FLOAT64) AS s0
  FROM marts.comex_monthly AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE)
    AND f.`flow` = @p2
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    (cur.s0) / NULLIF(SUM(cur.s0) OVER (PARTITION BY cur.t), 0) AS m0,
    ((cur.s0) - (prev.s0)) / NULLIF(ABS(prev.s0), 0) * 100 AS m1,
    SUM(cur.s0) OVER (PARTITION BY cur.g0 ORDER BY EXTRACT(YEAR FROM cur.t) * 12 + EXTRACT(MONTH FROM cur.t) RANGE BETWEEN 11 PRECEDING AND CURRENT ROW) AS m2
  FROM facts AS cur
  LEFT JOIN facts AS prev ON prev.t = DATE_SUB(cur.t, INTERVAL 12 MONTH) AND prev.g0 = cur.g0
)
SELECT
  g0 AS c0,
  FORMAT_DATE('%Y-%m', t) AS c1,
  m0 AS c2,
  m1 AS c3,
  m2 AS c4
FROM shaped
WHERE t >= CAST(@p3 AS DATE)
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p4
-- params: p0="2023-01-01" p1="2024-12-01" p2="export" p3="2024-01-01" p4=1000
