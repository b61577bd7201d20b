WITH facts AS (
  SELECT
    f."port" AS g0,
    CAST(date_trunc('quarter', f."month") AS DATE) AS t,
    CAST(SUM(f."tonnes") AS DOUBLE) AS s0,
    CAST(SUM(f."teu") AS DOUBLE) AS s1
  FROM marts.antaq_monthly AS f
  WHERE f."month" BETWEEN CAST($p0 AS DATE) AND CAST($p1 AS DATE)
    AND f."direction" = $p2
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 AS m0,
    (cur.s1) - (prev.s1) AS m1
  FROM facts AS cur
  LEFT JOIN facts AS prev ON prev.t = CAST(cur.t - INTERVAL 12 MONTH AS DATE) AND prev.g0 = cur.g0
)
SELECT
  g0 AS c0,
  (strftime(t, '%Y') || '-Q' || CAST(quarter(t) AS VARCHAR)) AS c1,
  m0 AS c2,
  m1 AS c3
FROM shaped
WHERE t >= CAST(date_trunc('quarter', CAST($p3 AS DATE)) AS DATE)
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT $p4
-- params: p0="2022-01-01" p1="2024-12-01" p2="embarque" p3="2023-01-01" p4=1000
