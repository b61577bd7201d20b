-- Staging: NCM-level rows with a month date and the HS prefixes (codes
-- were checked and zero-padded, UFs upper-cased, by the loader).
CREATE OR REPLACE VIEW staging.comex_ncm AS
SELECT file_sha256, line, flow, make_date(co_ano::INTEGER, co_mes::INTEGER, 1) AS month,
       co_ncm AS ncm, left(co_ncm, 4) AS sh4, left(co_ncm, 2) AS sh2, co_pais AS country,
       sg_uf_ncm AS uf, co_via AS via, co_urf AS urf, co_unid AS unid,
       qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro
FROM landing.comex_ncm;
