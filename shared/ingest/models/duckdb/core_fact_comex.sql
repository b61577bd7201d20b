-- Core: the load replaces its flow's months. core.fact_comex is a view over
-- landing (see ddl_core_fact_comex), so replacing means dropping every
-- other load's landed rows for those months: the rows in effect until now,
-- and any a failed load left unpublished.
DELETE FROM landing.comex_ncm WHERE flow = $flow AND load_seq IS DISTINCT FROM $load_seq
  AND make_date(co_ano::INTEGER, co_mes::INTEGER, 1) IN (SELECT period FROM load_scope);
