-- Core: HS names from NCM_SH.csv. A full snapshot: it replaces the dimension.
CREATE OR REPLACE TABLE core.dim_sh AS
SELECT co_sh6 AS sh6, no_sh6_por AS sh6_name, co_sh4 AS sh4, no_sh4_por AS sh4_name, co_sh2 AS sh2, no_sh2_por AS sh2_name
FROM landing.comex_aux_ncm_sh
WHERE file_sha256 = @file_sha256;
