package bqfake

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// model reads a BigQuery model of the data spine.
func model(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "ingest", "models", "bigquery", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The heuristic on the SQL our code sends and on the shapes around it:
// the reads of a partition-required table our code sent before it carried
// a predicate (a value picker, a picker with a search, a watermark) are
// refused; the compiler's queries and the models' MERGE and UPDATE pass.
func TestMissingPartitionFilter(t *testing.T) {
	cases := []struct {
		name, sql string
		refused   bool
	}{
		{"picker before the fix", "WITH vals AS (\n  SELECT f.`uf` AS k, NULL AS l\n  FROM marts.comex_monthly AS f\n  GROUP BY k\n)\nSELECT k AS c0, l AS c1\nFROM vals\nWHERE k IS NOT NULL\nORDER BY k ASC\nLIMIT @p0", true},
		{"picker with a search before the fix", "WITH vals AS (\n  SELECT f.`ncm` AS k, MAX(f.`ncm_name`) AS l\n  FROM marts.comex_monthly AS f\n  WHERE (STRPOS(LOWER(CAST(f.`ncm` AS STRING)), @p0) > 0 OR STRPOS(LOWER(f.`ncm_name`), @p0) > 0)\n  GROUP BY k\n)\nSELECT k AS c0, l AS c1\nFROM vals\nWHERE k IS NOT NULL\nORDER BY k ASC\nLIMIT @p1", true},
		{"watermark before the fix", "SELECT FORMAT_DATE('%Y-%m', MAX(month)) FROM marts.antaq_monthly", true},
		{"picker with a floor", "WITH vals AS (\n  SELECT f.`uf` AS k, NULL AS l\n  FROM marts.caged_monthly AS f\n  WHERE f.`month` >= CAST(@p0 AS DATE)\n  GROUP BY k\n)\nSELECT k AS c0 FROM vals WHERE k IS NOT NULL LIMIT @p1", false},
		{"compiled query", "WITH facts AS (SELECT f.`uf` AS g0, f.`month` AS t, SUM(f.`vl_fob_usd`) AS s0 FROM marts.comex_monthly AS f WHERE f.`month` BETWEEN CAST(@p0 AS DATE) AND CAST(@p1 AS DATE) AND f.`uf` IN UNNEST(@ufs) GROUP BY g0, t) SELECT g0 AS c0 FROM facts LIMIT @p2", false},
		{"tenant predicate first", "SELECT 1 FROM marts.comex_monthly AS f WHERE f.tenant_key = @p0 AND f.month <= CAST(@p1 AS DATE)", false},
		{"date literal", "SELECT MAX(month) FROM marts.comex_monthly WHERE month >= DATE '1900-01-01'", false},
		{"constant on the left", "SELECT 1 FROM marts.comex_monthly f WHERE DATE '2020-01-01' <= f.month", false},
		{"IN UNNEST", "DELETE FROM marts.caged_monthly WHERE month IN UNNEST(@periods)", false},
		{"function of a constant", "SELECT 1 FROM marts.comex_monthly WHERE month >= DATE_SUB(CURRENT_DATE(), INTERVAL 12 MONTH)", false},
		{"project and backticks", "SELECT 1 FROM `mirante-test.marts.comex_monthly` AS f WHERE f.month = @m", false},
		{"project and backticks, no filter", "SELECT 1 FROM `mirante-test.marts.comex_monthly`", true},
		{"IS NOT NULL does not count", "SELECT 1 FROM marts.comex_monthly WHERE month IS NOT NULL", true},
		{"a function of the column does not count", "SELECT 1 FROM marts.comex_monthly WHERE EXTRACT(YEAR FROM month) = 2024", true},
		{"a disjunction does not count", "SELECT 1 FROM marts.comex_monthly WHERE uf = 'SP' OR month >= DATE '2020-01-01'", true},
		{"another column does not count", "SELECT 1 FROM core.fact_comex c JOIN marts.comex_monthly m ON m.month = c.month", true},
		{"a subquery does not count", "SELECT 1 FROM marts.comex_monthly WHERE month >= (SELECT MAX(month) FROM core.fact_comex)", true},
		{"another table's column does not count", "SELECT 1 FROM marts.comex_monthly f JOIN marts.ipca_monthly i ON i.month = f.month WHERE i.month >= DATE '2020-01-01'", true},
		{"a join's own ON counts", "SELECT 1 FROM core.dim_uf u JOIN marts.comex_monthly c ON c.uf = u.uf AND c.month >= @from", false},
		{"a comma join", "SELECT 1 FROM core.dim_uf AS u, marts.comex_monthly AS c WHERE c.uf = u.uf", true},
		{"an outer filter over a subquery (BigQuery would accept)", "SELECT * FROM (SELECT * FROM marts.comex_monthly) AS x WHERE x.month >= DATE '2020-01-01'", true},
		{"a filter in a comment", "SELECT 1 FROM marts.comex_monthly -- WHERE month >= DATE '2020-01-01'\n", true},
		{"a filter in a string", "SELECT 'WHERE month >= DATE ''2020''' FROM marts.comex_monthly", true},
		{"a delete without one", "DELETE FROM marts.comex_monthly WHERE flow = @flow", true},
		{"an insert writes", "INSERT INTO marts.comex_monthly (month, uf) SELECT month, uf FROM core.fact_comex", false},
		{"a table created", "CREATE TABLE IF NOT EXISTS marts.comex_monthly (month DATE NOT NULL) PARTITION BY DATE_TRUNC(month, MONTH)", false},
		{"a table that requires none", "SELECT MAX(month) FROM marts.ipca_monthly", false},
		{"a merge without one", "MERGE marts.comex_monthly AS t USING (SELECT * FROM core.fact_comex WHERE month IN UNNEST(@periods)) AS s ON FALSE WHEN NOT MATCHED BY SOURCE AND t.flow = @flow THEN DELETE WHEN NOT MATCHED THEN INSERT (month) VALUES (s.month)", true},
		{"a merge whose ON compares columns", "MERGE INTO marts.comex_monthly t USING core.fact_comex s ON t.month = s.month WHEN MATCHED THEN DELETE", true},
		{"model marts_comex_monthly", model(t, "marts_comex_monthly"), false},
		{"model marts_antaq_monthly", model(t, "marts_antaq_monthly"), false},
		{"model marts_caged_monthly", model(t, "marts_caged_monthly"), false},
		{"model marts_comex_names", model(t, "marts_comex_names"), false},
		{"model marts_refresh_municipio_caged", model(t, "marts_refresh_municipio_caged"), false},
		{"an update without one", "UPDATE marts.caged_monthly AS m SET uf = d.uf FROM core.dim_municipio AS d WHERE d.municipio = m.municipio", true},
		{"the second statement of a script", "DELETE FROM marts.caged_monthly WHERE month IN UNNEST(@periods);\nSELECT COUNT(*) FROM marts.caged_monthly;", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			table, col := missingPartitionFilter(tc.sql, PartitionFilters)
			if got := table != ""; got != tc.refused {
				t.Errorf("refused = %v (table %q, column %q), want %v; tokens:\n%v", got, table, col, tc.refused, lex(tc.sql))
			}
		})
	}
}

// A script's CREATE TABLE statements teach the fake its tables; temporary
// tables and CREATE TABLE ... AS do not.
func TestCreatedTables(t *testing.T) {
	script := "-- model ddl_ingest_files\n" + model(t, "ddl_ingest_files") + "\n\n-- model landing_caged\n" + model(t, "landing_caged") +
		"\nCREATE TEMP TABLE scope (month DATE);\nCREATE OR REPLACE TABLE core.copy AS SELECT 1 AS a;\nCREATE TABLE `mirante-test.core.q` (`index` FLOAT64, b ARRAY<STRING>, c NUMERIC(10, 2) NOT NULL);"
	got := createdTables(script)
	want := map[string][]Column{
		"landing.ingest_files": {
			{"source", "STRING", true}, {"layout", "STRING", true}, {"scope", "STRING", true}, {"file_name", "STRING", true},
			{"file_sha256", "STRING", true}, {"content_sha256", "STRING", true}, {"bytes", "INT64", true}, {"rows_read", "INT64", true},
			{"rows_loaded", "INT64", true}, {"periods", "STRING", true}, {"watermark", "STRING", false}, {"loaded_at", "TIMESTAMP", true},
			{"seq", "INT64", true},
			{"rows_published", "INT64", false}, {"rows_skipped", "INT64", false}, {"skipped_why", "STRING", false}, {"deps_sha256", "STRING", false},
		},
		"landing.caged": {
			{"file_sha256", "STRING", true}, {"line", "INT64", true}, {"kind", "STRING", true}, {"file_competencia", "DATE", true},
			{"competencia_mov", "DATE", true}, {"municipio6", "STRING", true}, {"secao", "STRING", true}, {"admissions", "INT64", true},
			{"separations", "INT64", true}, {"movements", "INT64", true},
		},
		"core.q": {{"index", "FLOAT64", false}, {"b", "ARRAY", false}, {"c", "NUMERIC", true}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}
