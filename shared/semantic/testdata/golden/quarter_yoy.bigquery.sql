WITH facts AS (
  SELECT
    f.`port` AS g0,
    DATE_TRUNC(f.`month`, QUARTER) AS t,
    CAST(SUM(f.`tonnes`) AS FLOAT64) AS s0,
    CAST(SUM(f.`teu`) AS FLOAT64) AS s1
  FROM marts.antaq_monthly AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE)
    AND f.`direction` = @p2
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 AS m0,
    (cur.s1) - (prev.s1) AS m1
  FROM facts AS cur
  LEFT JOIN facts AS prev ON prev.t = DATE_SUB(cur.t, INTERVAL 12 MONTH) AND prev.g0 = cur.g0
)
SELECT
  g0 AS c0,
  FORMAT_DATE('%Y-Q%Q', t) AS c1,
  m0 AS c2,
  m1 AS c3
FROM shaped
WHERE t >= DATE_TRUNC(CAST(@p3 AS DATE), QUARTER)
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p4
-- params: p0="2022-01-01" p1="2024-12-01" p2="embarque" p3="2023-01-01" p4=1000
