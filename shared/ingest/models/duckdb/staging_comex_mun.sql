-- Staging: municipal rows with CO_MUN mapped to the IBGE code: SECEX's UF
-- prefix (the first two digits) replaced by IBGE's for SG_UF_MUN; NULL when
-- the result is not in the territorial table, which the load accepts only
-- for 9999999 and 9300000 (published without a municipality; comex.go's
-- checkComexMunMapped refuses any other). The codes land as integers and
-- are padded back to their widths first.
CREATE OR REPLACE VIEW staging.comex_mun AS
SELECT l.file_sha256, l.line, l.flow, make_date(l.co_ano::INTEGER, l.co_mes::INTEGER, 1) AS month,
       d.municipio, l.co_mun, upper(trim(l.sg_uf_mun)) AS uf, l.sh4, left(l.sh4, 2) AS sh2, l.co_pais AS country,
       l.kg_liquido, l.vl_fob
FROM (
  SELECT file_sha256, line, flow, co_ano, co_mes, sg_uf_mun, kg_liquido, vl_fob, lpad(co_mun::VARCHAR, 7, '0') AS co_mun,
         lpad(sh4::VARCHAR, 4, '0') AS sh4, lpad(co_pais::VARCHAR, 3, '0') AS co_pais
  FROM landing.comex_mun
) l
LEFT JOIN core.dim_uf u ON u.uf = upper(trim(l.sg_uf_mun))
LEFT JOIN core.dim_municipio d ON d.municipio = u.uf_code || substr(l.co_mun, 3) AND d.uf = u.uf;
