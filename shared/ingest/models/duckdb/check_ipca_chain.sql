-- The IPCA chain check: the first and last month of the monthly changes
-- and their count, which the loader holds to a chain with no hole reaching
-- back to December 1993.
SELECT min(month), max(month), count(*) FROM core.fact_ipca WHERE variable = 'mom';
