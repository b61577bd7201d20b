-- Core: Comex Stat trade at the files' grain (month x flow x NCM x country x
-- UF x mode x customs unit x unit). In DuckDB it is a view: landing keeps
-- the rows in effect (a revised file deletes the ones it replaces), so a
-- copy would only cost time; BigQuery materialises it. A load commits its
-- landed rows before its models run (see ddl_ingest_files): its rows show
-- here once the ingest log names its load_seq, in the transaction that
-- rebuilds the marts, so a load that fails after landing leaves rows nobody
-- reads, which the next load of their months deletes. ncm_code and
-- country_code are the integer codes and uf_code the UF's enum, cheaper to
-- group by than the text (DuckDB only; the marts spell the sums' keys).
CREATE OR REPLACE VIEW core.fact_comex AS
SELECT month, flow, ncm, sh4, sh2, country, uf, via, urf, unid, qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro, file_sha256,
       ncm_code, country_code, uf_code
FROM staging.comex_ncm
WHERE load_seq IS NULL OR load_seq IN (SELECT load_seq FROM landing.ingest_files WHERE load_seq IS NOT NULL);
