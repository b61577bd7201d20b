-- Core: the file replaces its flow's months. core.fact_comex is a view over
-- landing (see ddl_core_fact_comex), so replacing means dropping the landed
-- rows of earlier files for those months.
DELETE FROM landing.comex_ncm WHERE flow = $flow AND file_sha256 <> $file_sha256
  AND make_date(co_ano::INTEGER, co_mes::INTEGER, 1) IN (SELECT period FROM load_scope);
