-- Core: Comex Stat trade at the files' grain (month x flow x NCM x country x
-- UF x mode x customs unit x unit). In DuckDB it is a view: landing keeps
-- exactly the rows in effect (a revised file deletes the ones it replaces),
-- so a copy would only cost time; BigQuery materialises it.
CREATE OR REPLACE VIEW core.fact_comex AS
SELECT month, flow, ncm, sh4, sh2, country, uf, via, urf, unid, qt_estat, kg_liquido, vl_fob, vl_frete, vl_seguro, file_sha256
FROM staging.comex_ncm;
