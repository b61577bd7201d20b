WITH facts AS (
  SELECT
    f.`municipio` AS g0,
    MAX(f.`municipio_nome`) AS l0,
    f.`sh4` AS g1,
    MAX(f.`sh4_name`) AS l1,
    DATE_TRUNC(f.`month`, QUARTER) AS t,
    CAST(SUM(f.`vl_fob_usd`) AS FLOAT64) AS s0,
    CAST(SUM(f.`kg_liquido`) AS FLOAT64) AS s1
  FROM marts.comex_municipal_monthly AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE)
    AND f.`flow` = @p2
    AND f.`uf` IN (@p3, @p4)
    AND f.`country` = @p5
  GROUP BY g0, g1, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.l0,
    cur.g1,
    cur.l1,
    cur.t,
    cur.s0 AS m0,
    cur.s1 AS m1
  FROM facts AS cur
)
SELECT
  g0 AS c0,
  l0 AS c1,
  g1 AS c2,
  l1 AS c3,
  FORMAT_DATE('%Y-Q%Q', t) AS c4,
  m0 AS c5,
  m1 AS c6
FROM shaped
ORDER BY c5 DESC NULLS LAST, c4 ASC NULLS LAST, c0 ASC NULLS LAST, c2 ASC NULLS LAST
LIMIT @p6
-- params: p0="2024-01-01" p1="2024-12-01" p2="export" p3="SP" p4="MT" p5="160" p6=50
