-- Staging: NCM-level rows with a month date, the codes padded back to
-- their widths as text, the UF and the flow as text, and the HS prefixes
-- (codes were checked and UFs upper-cased by the loader). uf_code is the
-- UF's enum, cheaper to group by (sorted as the text).
CREATE OR REPLACE VIEW staging.comex_ncm AS
SELECT file_sha256, load_seq, line, CAST(flow AS VARCHAR) AS flow, make_date(co_ano::INTEGER, co_mes::INTEGER, 1) AS month,
       lpad(co_ncm::VARCHAR, 8, '0') AS ncm, left(lpad(co_ncm::VARCHAR, 8, '0'), 4) AS sh4,
       left(lpad(co_ncm::VARCHAR, 8, '0'), 2) AS sh2, lpad(co_pais::VARCHAR, 3, '0') AS country,
       CAST(sg_uf_ncm AS VARCHAR) AS uf, sg_uf_ncm AS uf_code, lpad(co_via::VARCHAR, 2, '0') AS via, lpad(co_urf::VARCHAR, 7, '0') AS urf,
       lpad(co_unid::VARCHAR, 2, '0') AS unid, co_ncm AS ncm_code, co_pais AS country_code,
       qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro
FROM landing.comex_ncm;
