-- What a BigQuery compiler writes: CTEs, named parameters, IN UNNEST(@p),
-- window functions with a RANGE frame, MAX_BY, SAFE_DIVIDE, DATE_ADD/DATE_SUB
-- with INTERVAL, DATE_TRUNC to a quarter, FORMAT_DATE, backquoted names,
-- NULLS LAST and a parameterised LIMIT.
WITH facts AS (
  SELECT
    f.`uf` AS g0,
    DATE_TRUNC(f.`month`, QUARTER) AS t,
    CAST(SUM(f.`vl_fob_usd`) AS FLOAT64) AS s0,
    MAX_BY(f.`uf_nome`, f.`month`) AS l0,
    COUNTIF(f.`flow` = @flow) AS n0
  FROM marts.comex_monthly AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND DATE_ADD(CAST(@p0 AS DATE), INTERVAL 12 MONTH)
    AND f.`uf` IN UNNEST(@ufs)
    AND f.`country` NOT IN (@p1, @p2)
    AND STARTS_WITH(f.`ncm`, @p3)
    AND f.`tenant_key` = @org
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.l0,
    SAFE_DIVIDE(cur.s0, SUM(cur.s0) OVER (PARTITION BY cur.t)) AS m0,
    SAFE_DIVIDE(cur.s0 - prev.s0, ABS(prev.s0)) * 100 AS m1,
    SUM(cur.s0) OVER (
      PARTITION BY cur.g0
      ORDER BY EXTRACT(YEAR FROM cur.t) * 12 + EXTRACT(MONTH FROM cur.t)
      RANGE BETWEEN 11 PRECEDING AND CURRENT ROW
    ) AS m2,
    LAG(cur.s0, 4) OVER (PARTITION BY cur.g0 ORDER BY cur.t) AS m3
  FROM facts AS cur
  LEFT JOIN facts AS prev ON prev.t = DATE_SUB(cur.t, INTERVAL 1 YEAR) AND prev.g0 = cur.g0
)
SELECT
  g0 AS c0,
  FORMAT_DATE('%Y-Q%Q', t) AS c1,
  FORMAT_DATE('%Y-%m', t) AS c2,
  l0 AS c3,
  m0 AS c4,
  m1 AS c5,
  m2 AS c6,
  m3 AS c7
FROM shaped
WHERE t >= CAST(@p4 AS DATE)
ORDER BY c4 DESC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p5
-- params: flow="export" p0="2023-01-01" ufs=[]string{"SP", "RS"} p1="063" p2="160" p3="12" org="9b1f6e2a-8c4d-4e7f-a0b1-c2d3e4f5a6b7" p4="2024-01-01" p5=100
