-- Core: customs units from URF.csv. A full snapshot: it replaces the dimension.
CREATE OR REPLACE TABLE core.dim_urf AS
SELECT co_urf AS urf, no_urf AS urf_name
FROM landing.comex_aux_urf
WHERE file_sha256 = @file_sha256;
