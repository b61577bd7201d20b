-- DuckDB SQL is not BigQuery SQL: in BigQuery a double-quoted "uf" is a
-- string, so f."uf" does not parse (line 6, column 31). The NULLS LAST before
-- it on the same line checks that reported columns survive its workaround.
SELECT f.`uf` AS c0
FROM marts.comex_monthly AS f
ORDER BY c0 ASC NULLS LAST, f."uf"
