-- Marts: ipca_monthly, declared here only: shared/duckdb creates it with the
-- warehouse, and a load runs this again (idempotent) so the models stand
-- alone. DuckDB has no partitions or clustering: the models insert rows
-- ordered by the catalog's partition and cluster keys.
CREATE TABLE IF NOT EXISTS marts.ipca_monthly (
  month   DATE    NOT NULL,
  year    INTEGER NOT NULL,
  "index" DOUBLE  NOT NULL, -- Dec 1993 = 100
  mom_pct DOUBLE,
  yoy_pct DOUBLE
);
