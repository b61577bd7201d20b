-- Marts: the IPCA index and changes, rebuilt from the monthly changes.
--
-- The index chain: with r(m) = ln(1 + mom(m)/100) and C(m) the running sum
-- of r up to m, index(m) = 100 * exp(C(m) - C(1993-12)): the product of
-- (1 + mom/100) since the base month (or its inverse before it), so that
-- Dec 1993 = 100 as IBGE's index.
-- The 12-month change is (prod over m-11..m of (1 + mom/100) - 1) * 100,
-- only where the 12 months are all there.
DELETE FROM marts.ipca_monthly;
INSERT INTO marts.ipca_monthly (month, year, "index", mom_pct, yoy_pct)
WITH obs AS (
  SELECT month, value AS mom FROM core.fact_ipca WHERE variable = 'mom'
),
chain AS (
  SELECT month, mom,
         sum(ln(1 + mom / 100)) OVER (ORDER BY month) AS c,
         sum(ln(1 + mom / 100)) OVER w12 AS c12,
         count(mom) OVER w12 AS n12,
         min(month) OVER w12 AS first12
  FROM obs
  WINDOW w12 AS (ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
),
base AS (
  SELECT c AS c0 FROM chain WHERE month = DATE '1993-12-01'
)
SELECT month, year(month)::INTEGER, 100 * exp(c - c0), mom,
       CASE WHEN n12 = 12 AND first12 = (month - INTERVAL 11 MONTH)::DATE THEN (exp(c12) - 1) * 100 END
FROM chain, base
ORDER BY month;
