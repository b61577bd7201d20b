-- Core: UFs and pseudo-UFs from UF.csv. A full snapshot: it replaces the dimension.
CREATE OR REPLACE TABLE core.dim_comex_uf AS
SELECT co_uf AS uf_code, UPPER(TRIM(sg_uf)) AS uf, no_uf AS uf_nome, no_regiao AS region_comex
FROM landing.comex_aux_uf
WHERE file_sha256 = @file_sha256;
