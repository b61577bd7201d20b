WITH facts AS (
  SELECT
    f."municipio" AS g0,
    MAX(f."municipio_nome") AS l0,
    f."year" AS t,
    CAST(SUM(f."net") AS DOUBLE) AS s0,
    CAST(SUM(f."admissions") AS DOUBLE) AS s1
  FROM marts.caged_monthly AS f
  WHERE f."month" BETWEEN CAST($p0 AS DATE) AND CAST($p1 AS DATE)
    AND f."uf" IN ($p2, $p3)
  GROUP BY g0, t
),
pop AS (
  SELECT p."municipio" AS g0, p.year AS py, CAST(SUM(p.population) AS DOUBLE) AS pop
  FROM marts.pib_municipal AS p
  WHERE p."uf" IN ($p4, $p5)
  GROUP BY g0, py
),
latest AS (
  SELECT MAX(p2.year) AS y FROM marts.pib_municipal AS p2 WHERE p2.population IS NOT NULL
),
shaped AS (
  SELECT
    cur.g0,
    cur.l0,
    cur.t,
    (cur.s0) / NULLIF(pop.pop, 0) AS m0,
    (cur.s1) / NULLIF(pop.pop, 0) AS m1
  FROM facts AS cur
  CROSS JOIN latest
  LEFT JOIN pop ON pop.g0 = cur.g0 AND pop.py = LEAST(cur.t, latest.y)
)
SELECT
  g0 AS c0,
  l0 AS c1,
  CAST(t AS VARCHAR) AS c2,
  m0 AS c3,
  m1 AS c4
FROM shaped
ORDER BY c2 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT $p6
-- params: p0="2022-01-01" p1="2024-06-01" p2="BA" p3="PE" p4="BA" p5="PE" p6=1000
