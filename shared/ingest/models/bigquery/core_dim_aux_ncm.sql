-- Core: NCM names from NCM.csv. A full snapshot: it replaces the dimension.
CREATE OR REPLACE TABLE core.dim_ncm AS
SELECT co_ncm AS ncm, no_ncm_por AS ncm_name, co_sh6 AS sh6, co_unid AS unid
FROM landing.comex_aux_ncm
WHERE file_sha256 = @file_sha256;
