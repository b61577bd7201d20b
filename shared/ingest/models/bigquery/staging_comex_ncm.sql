-- Staging: this file's NCM-level rows with a month date and the HS prefixes
-- (codes were checked and zero-padded, UFs upper-cased, by the loader).
CREATE TEMP TABLE staging_comex_ncm AS
SELECT file_sha256, line, flow, DATE(co_ano, co_mes, 1) AS month,
       co_ncm AS ncm, LEFT(co_ncm, 4) AS sh4, LEFT(co_ncm, 2) AS sh2, co_pais AS country,
       sg_uf_ncm AS uf, co_via AS via, co_urf AS urf, co_unid AS unid,
       qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro
FROM landing.comex_ncm
WHERE file_sha256 = @file_sha256;
