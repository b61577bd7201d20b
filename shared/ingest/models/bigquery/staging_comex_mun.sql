-- Staging: this file's municipal rows with CO_MUN mapped to the IBGE code:
-- SECEX's UF prefix replaced by IBGE's for SG_UF_MUN; NULL when the result
-- is not in the territorial table, which the load accepts only for 9999999
-- and 9300000 (the check that follows in the script refuses any other). The
-- codes land as integers and are padded back to their widths first.
CREATE TEMP TABLE staging_comex_mun AS
SELECT l.file_sha256, l.line, l.flow, DATE(l.co_ano, l.co_mes, 1) AS month,
       d.municipio, l.co_mun, UPPER(TRIM(l.sg_uf_mun)) AS uf, l.sh4, LEFT(l.sh4, 2) AS sh2, l.co_pais AS country,
       l.kg_liquido, l.vl_fob
FROM (
  SELECT file_sha256, line, flow, co_ano, co_mes, sg_uf_mun, kg_liquido, vl_fob, LPAD(CAST(co_mun AS STRING), 7, '0') AS co_mun,
         LPAD(CAST(sh4 AS STRING), 4, '0') AS sh4, LPAD(CAST(co_pais AS STRING), 3, '0') AS co_pais
  FROM landing.comex_mun
  WHERE file_sha256 = @file_sha256 AND _PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
) l
LEFT JOIN core.dim_uf u ON u.uf = UPPER(TRIM(l.sg_uf_mun))
LEFT JOIN core.dim_municipio d ON d.municipio = CONCAT(u.uf_code, SUBSTR(l.co_mun, 3)) AND d.uf = u.uf;
