WITH facts AS (
  SELECT
    f.`year` AS t,
    MAX_BY(f.`index`, f.`month`) AS s0,
    ROUND((EXP(SUM(LN(1 + f.`mom_pct` / 100))) - 1) * 100, 10) AS s1,
    MAX_BY(f.`yoy_pct`, f.`month`) AS s2
  FROM marts.ipca_monthly AS f
  WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE)
  GROUP BY t
),
shaped AS (
  SELECT
    cur.t,
    cur.s0 AS m0,
    cur.s1 AS m1,
    cur.s2 AS m2
  FROM facts AS cur
)
SELECT
  CAST(t AS STRING) AS c0,
  m0 AS c1,
  m1 AS c2,
  m2 AS c3
FROM shaped
ORDER BY c0 ASC NULLS LAST
LIMIT @p2
-- params: p0="2015-01-01" p1="2024-12-01" p2=1000
