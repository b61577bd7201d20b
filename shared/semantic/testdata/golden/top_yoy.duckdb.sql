WITH facts AS (
  SELECT
    f."sh4" AS g0,
    MAX(f."sh4_name") AS l0,
    f."flow" AS g1,
    CAST(date_trunc('quarter', f."month") AS DATE) AS t,
    CAST(SUM(f."vl_fob_usd") AS DOUBLE) AS s0
  FROM marts.comex_municipal_monthly AS f
  WHERE f."month" BETWEEN CAST($p0 AS DATE) AND CAST($p1 AS DATE)
  GROUP BY g0, g1, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.l0,
    cur.g1,
    cur.t,
    ((cur.s0) - (prev.s0)) / NULLIF(ABS(prev.s0), 0) * 100 AS m0
  FROM facts AS cur
  LEFT JOIN facts AS prev ON prev.t = CAST(cur.t - INTERVAL 12 MONTH AS DATE) AND prev.g0 = cur.g0 AND prev.g1 = cur.g1
),
ranked AS (
  SELECT
    g0,
    l0,
    g1,
    t,
    m0,
    ROW_NUMBER() OVER (PARTITION BY g1, t ORDER BY m0 DESC NULLS LAST, g0 ASC) AS rn
  FROM shaped
)
SELECT
  g0 AS c0,
  l0 AS c1,
  g1 AS c2,
  (strftime(t, '%Y') || '-Q' || CAST(quarter(t) AS VARCHAR)) AS c3,
  m0 AS c4
FROM ranked
WHERE rn <= $p2 AND t >= CAST(date_trunc('quarter', CAST($p3 AS DATE)) AS DATE)
ORDER BY c3 ASC NULLS LAST, c0 ASC NULLS LAST, c2 ASC NULLS LAST
LIMIT $p4
-- params: p0="2023-01-01" p1="2024-12-01" p2=3 p3="2024-01-01" p4=1000
