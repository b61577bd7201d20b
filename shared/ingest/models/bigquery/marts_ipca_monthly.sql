-- Marts: the IPCA index and changes, rebuilt from the monthly changes.
--
-- The index chain: with r(m) = ln(1 + mom(m)/100) and C(m) the running sum
-- of r up to m, index(m) = 100 * exp(C(m) - C(1993-12)), so that
-- Dec 1993 = 100 as IBGE's index. The 12-month change is
-- (prod over m-11..m of (1 + mom/100) - 1) * 100 where the 12 months are there.
MERGE marts.ipca_monthly AS t
USING (
  WITH chain AS (
    SELECT month, value AS mom,
           SUM(LN(1 + value / 100)) OVER (ORDER BY month) AS c,
           SUM(LN(1 + value / 100)) OVER w12 AS c12,
           COUNT(value) OVER w12 AS n12,
           MIN(month) OVER w12 AS first12
    FROM core.fact_ipca
    WHERE variable = 'mom'
    WINDOW w12 AS (ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
  ),
  base AS (SELECT c AS c0 FROM chain WHERE month = DATE '1993-12-01')
  SELECT month, EXTRACT(YEAR FROM month) AS year, 100 * EXP(c - c0) AS idx, mom AS mom_pct,
         IF(n12 = 12 AND first12 = DATE_SUB(month, INTERVAL 11 MONTH), (EXP(c12) - 1) * 100, NULL) AS yoy_pct
  FROM chain CROSS JOIN base
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.month >= DATE '1900-01-01' THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, year, `index`, mom_pct, yoy_pct) VALUES (s.month, s.year, s.idx, s.mom_pct, s.yoy_pct);
