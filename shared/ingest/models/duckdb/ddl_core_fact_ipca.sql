-- Core: IPCA observations by month and variable (mom, yoy, index), from
-- the file that last covered each month.
CREATE TABLE IF NOT EXISTS core.fact_ipca (
  month DATE NOT NULL, variable VARCHAR NOT NULL, value DOUBLE NOT NULL, file_sha256 VARCHAR NOT NULL
);
