-- Core: IPCA observations by month and variable (mom, yoy, index), from
-- the file that last covered each month.
CREATE TABLE IF NOT EXISTS core.fact_ipca (
  month DATE NOT NULL, variable STRING NOT NULL, value FLOAT64 NOT NULL, file_sha256 STRING NOT NULL
)
PARTITION BY DATE_TRUNC(month, YEAR);
