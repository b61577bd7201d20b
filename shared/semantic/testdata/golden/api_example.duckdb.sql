WITH facts AS (
  SELECT
    f."uf" AS g0,
    f."month" AS t,
    CAST(SUM(f."vl_fob_usd") AS DOUBLE) AS s0,
    CAST(SUM(f."kg_liquido") AS DOUBLE) AS s1
  FROM marts.comex_monthly AS f
  WHERE f."month" BETWEEN CAST($p0 AS DATE) AND CAST($p1 AS DATE)
    AND f."flow" = $p2
    AND f."uf" IN ($p3, $p4)
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 AS m0,
    cur.s1 AS m1
  FROM facts AS cur
)
SELECT
  g0 AS c0,
  strftime(t, '%Y-%m') AS c1,
  m0 AS c2,
  m1 AS c3
FROM shaped
ORDER BY c2 DESC NULLS LAST, c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT $p5
-- params: p0="2023-01-01" p1="2023-12-01" p2="export" p3="SP" p4="RS" p5=100
