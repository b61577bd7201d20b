-- Staging: this file's NCM-level rows with a month date, the codes padded
-- back to their widths as text, and the HS prefixes (codes were checked and
-- UFs upper-cased by the loader).
CREATE TEMP TABLE staging_comex_ncm AS
SELECT file_sha256, line, flow, DATE(co_ano, co_mes, 1) AS month,
       LPAD(CAST(co_ncm AS STRING), 8, '0') AS ncm, LEFT(LPAD(CAST(co_ncm AS STRING), 8, '0'), 4) AS sh4,
       LEFT(LPAD(CAST(co_ncm AS STRING), 8, '0'), 2) AS sh2, LPAD(CAST(co_pais AS STRING), 3, '0') AS country,
       sg_uf_ncm AS uf, LPAD(CAST(co_via AS STRING), 2, '0') AS via, LPAD(CAST(co_urf AS STRING), 7, '0') AS urf,
       LPAD(CAST(co_unid AS STRING), 2, '0') AS unid,
       qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro
FROM landing.comex_ncm
WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
