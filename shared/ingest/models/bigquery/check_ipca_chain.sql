-- The IPCA chain check, after core: the monthly changes have no hole and
-- reach back to December 1993, where the index is anchored (= 100). One
-- SELECT whose CASE calls ERROR() for a broken chain: SELECT is among the
-- statements BigQuery documents inside a transaction, and CASE evaluates
-- only its chosen branch, so ERROR() fails the script (and rolls the
-- transaction back) only when the chain is broken.
SELECT CASE
  WHEN COUNT(*) = 0 THEN ERROR('mirante-contract: no monthly changes (Variação mensal) are loaded: the index (Dec 1993 = 100) needs them; load the monthly series first :end-contract')
  WHEN DATE_DIFF(MAX(month), MIN(month), MONTH) + 1 - COUNT(*) <> 0 THEN ERROR(FORMAT('mirante-contract: the monthly changes from %s to %s miss %d months: the index chain needs every month :end-contract',
    FORMAT_DATE('%Y-%m', MIN(month)), FORMAT_DATE('%Y-%m', MAX(month)), DATE_DIFF(MAX(month), MIN(month), MONTH) + 1 - COUNT(*)))
  WHEN MIN(month) > DATE '1993-12-01' THEN ERROR(FORMAT('mirante-contract: the monthly changes start in %s: the index (Dec 1993 = 100) needs them from Dec 1993 or earlier; load the full series first :end-contract',
    FORMAT_DATE('%Y-%m', MIN(month))))
  ELSE 'chain complete'
END AS ipca_chain
FROM core.fact_ipca WHERE variable = 'mom';
