WITH facts AS (
  SELECT
    f.`metric` AS g0,
    CAST(SUM(f.`value`) AS FLOAT64) AS s0
  FROM tenant_banco_regional.tenant_metrics AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE)
  GROUP BY g0
),
shaped AS (
  SELECT
    cur.g0,
    cur.s0 AS m0
  FROM facts AS cur
)
SELECT
  g0 AS c0,
  m0 AS c1
FROM shaped
ORDER BY c0 ASC NULLS LAST
LIMIT @p2
-- params: p0="2024-01-01" p1="2024-06-01" p2=1000
