WITH facts AS (
  SELECT
    f.`metric` AS g0,
    f.`month` AS t,
    CAST(SUM(f.`value`) AS FLOAT64) AS s0
  FROM marts.tenant_metrics AS f
  WHERE f.tenant_key = @p0
    AND f.`month` BETWEEN CAST(@p1 AS DATE) AND CAST(@p2 AS DATE)
    AND f.`uf` = @p3
  GROUP BY g0, t
),
shaped AS (
  SELECT
    cur.g0,
    cur.t,
    cur.s0 AS m0
  FROM facts AS cur
)
SELECT
  g0 AS c0,
  FORMAT_DATE('%Y-%m', t) AS c1,
  m0 AS c2
FROM shaped
ORDER BY c1 ASC NULLS LAST, c0 ASC NULLS LAST
LIMIT @p4
-- params: p0="9b1f6e2a-8c4d-4e7f-a0b1-c2d3e4f5a6b7" p1="2024-01-01" p2="2024-06-01" p3="PE" p4=1000
