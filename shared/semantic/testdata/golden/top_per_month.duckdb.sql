WITH facts AS (
  SELECT
    f."uf" AS g0,
    f."month" AS t,
    CAST(SUM(f."vl_fob_usd") AS DOUBLE) AS s0,
    CAST(SUM(f."kg_liquido") AS DOUBLE) AS s1
  FROM marts.comex_monthly AS f
  WHERE f."month" BETWEEN CAST($p0 AS DATE) AND CAST($p1 AS DATE)
    AND f."flow" = $p2
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 AS m0,
    cur.s1 AS m1
  FROM facts AS cur
),
ranked AS (
  SELECT
    g0,
    t,
    m0,
    m1,
    ROW_NUMBER() OVER (PARTITION BY t ORDER BY m0 DESC NULLS LAST, g0 ASC) AS rn
  FROM shaped
)
SELECT
  g0 AS c0,
  strftime(t, '%Y-%m') AS c1,
  m0 AS c2,
  m1 AS c3
FROM ranked
WHERE rn <= $p3
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT $p4
-- params: p0="2024-01-01" p1="2024-12-01" p2="import" p3=5 p4=1000
