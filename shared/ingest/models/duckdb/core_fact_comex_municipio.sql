-- Core: the file replaces its flow's months of municipal trade.
DELETE FROM core.fact_comex_municipio WHERE flow = $flow AND month IN (SELECT period FROM load_scope);
DELETE FROM landing.comex_mun WHERE flow = $flow AND file_sha256 <> $file_sha256
  AND make_date(co_ano::INTEGER, co_mes::INTEGER, 1) IN (SELECT period FROM load_scope);
INSERT INTO core.fact_comex_municipio
SELECT month, flow, municipio, co_mun, uf, sh4, sh2, country, kg_liquido, vl_fob, file_sha256
FROM staging.comex_mun
WHERE file_sha256 = $file_sha256
ORDER BY month, flow, uf, municipio;
