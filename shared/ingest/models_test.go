package ingest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/semantic/sqlcheck"
)

// Every model exists in both dialects.
func TestModelsExistForBothDialects(t *testing.T) {
	duck, err := ingest.Models("duckdb")
	if err != nil {
		t.Fatal(err)
	}
	bq, err := ingest.Models("bigquery")
	if err != nil {
		t.Fatal(err)
	}
	if len(duck) < 40 {
		t.Fatalf("only %d DuckDB models", len(duck))
	}
	for _, m := range duck {
		if !slices.Contains(bq, m) {
			t.Errorf("model %s has no BigQuery version", m)
		}
	}
	for _, m := range bq {
		if !slices.Contains(duck, m) {
			t.Errorf("model %s has no DuckDB version", m)
		}
	}
}

// Every model the loaders run is embedded: the names in the Go source
// resolve in both dialects.
func TestModelsNamedByLoadersExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`"((?:ddl|ref|landing|staging|core|marts|check)_[a-z0-9_]*[a-z0-9])"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllStringSubmatch(string(src), -1) {
			seen++
			for _, d := range []string{"duckdb", "bigquery"} {
				if _, err := ingest.Model(d, m[1]); err != nil {
					t.Errorf("%s names %s: %v", f, m[1], err)
				}
			}
		}
	}
	if seen < 30 {
		t.Fatalf("found only %d model names in the loaders", seen)
	}
}

// Each BigQuery model is one statement that sql-parser-cst parses in its
// BigQuery dialect, with the parameters the BigQuery runner binds.
func TestBigQueryModelsParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("models", "bigquery", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no BigQuery models: %v", err)
	}
	params := regexp.MustCompile(`@([a-z_][a-z0-9_]*)`)
	known := []string{"file_sha256", "flow", "periods", "years", "variable", "kind", "file_competencia", "year", "report"}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range params.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(known, p[1]) {
				t.Errorf("%s: parameter @%s is not one the runner binds (%v)", f, p[1], known)
			}
		}
	}
	sqlcheck.ParseBigQuery(t, files...)
}

// The marts' BigQuery DDL partitions and clusters them as the semantic
// catalog says.
func TestBigQueryMartsPartitionAndClusterAsTheCatalog(t *testing.T) {
	cats, err := filepath.Glob(filepath.Join("..", "semantic", "catalog", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range cats {
		raw, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		var cat struct {
			ID        string `json:"id"`
			Scope     string `json:"scope"`
			Partition struct {
				Column string `json:"column"`
				By     string `json:"by"`
			} `json:"partition"`
			Cluster []string `json:"cluster"`
		}
		if err := json.Unmarshal(raw, &cat); err != nil {
			t.Fatal(err)
		}
		if cat.Scope != "public" {
			continue
		}
		sql, err := ingest.Model("bigquery", "ddl_marts_"+cat.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wantPart string
		switch {
		case cat.Partition.Column == "year":
			wantPart = "PARTITION BY RANGE_BUCKET(year, GENERATE_ARRAY("
		default:
			wantPart = "PARTITION BY DATE_TRUNC(" + cat.Partition.Column + ", " + strings.ToUpper(cat.Partition.By) + ")"
		}
		if !strings.Contains(sql, wantPart) {
			t.Errorf("%s: no %q", cat.ID, wantPart)
		}
		cluster := regexp.MustCompile(`CLUSTER BY ([a-z0-9_, ]+)`).FindStringSubmatch(sql)
		got := []string{}
		if cluster != nil {
			for _, k := range strings.Split(cluster[1], ",") {
				got = append(got, strings.TrimSpace(k))
			}
		}
		if !slices.Equal(got, cat.Cluster) {
			t.Errorf("%s: clustered by %v, the catalog says %v", cat.ID, got, cat.Cluster)
		}
		checked++
	}
	if checked != 7 {
		t.Fatalf("checked %d marts, want 7", checked)
	}
}

// On BigQuery every landing table is partitioned by ingestion day,
// clustered by file and expires, and every read of one is bounded to the
// partitions a load can have written (bigquery.RecentLanding): without both,
// each load would be billed for every row ever landed.
func TestBigQueryLandingReadsArePartitionBounded(t *testing.T) {
	names, err := ingest.Models("bigquery")
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`(?i)(?:FROM|JOIN)\s+landing\.([a-z0-9_]+)(?:\s+(?:AS\s+)?([a-z][a-z0-9_]*))?`)
	tables, reads := 0, 0
	for _, name := range names {
		sql, err := ingest.Model("bigquery", name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "landing_") {
			tables++
			for _, want := range []string{"PARTITION BY _PARTITIONDATE", "CLUSTER BY file_sha256", "partition_expiration_days = 35"} {
				if !strings.Contains(sql, want) {
					t.Errorf("%s: no %q", name, want)
				}
			}
		}
		for _, m := range ref.FindAllStringSubmatch(sql, -1) {
			if m[1] == "ingest_files" {
				continue // the ingest log is kept whole
			}
			reads++
			want := bigquery.RecentLanding
			if alias := m[2]; alias != "" && !slices.Contains([]string{"where", "join", "left", "on", "group", "order"}, strings.ToLower(alias)) {
				want = alias + "." + bigquery.RecentLanding
			}
			if !strings.Contains(sql, want) {
				t.Errorf("%s reads landing.%s without %q", name, m[1], want)
			}
		}
	}
	if tables < 15 || reads < 15 {
		t.Fatalf("checked %d landing tables and %d reads; the models have more", tables, reads)
	}
}

// The check models refuse as the loaders do: BigQuery's names the
// loader's column, and the Comex Stat municipal check's models leave out
// exactly the codes the loader publishes without a municipality, with the
// loader's message.
func TestCheckModelsAreTheLoaders(t *testing.T) {
	for model, column := range ingest.CheckColumns {
		bq, err := ingest.Model("bigquery", model)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(bq, `ERROR(FORMAT('`+ingest.ContractMark+`line %d, column "`+column+`": `) ||
			!strings.Contains(bq, ingest.ContractEnd+`',`) {
			t.Errorf("%s does not refuse naming column %q:\n%s", model, column, bq)
		}
	}
	for _, d := range []string{"duckdb", "bigquery"} {
		text, err := ingest.Model(d, "check_comex_mun_mapped")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "co_mun NOT IN ("+ingest.ComexMunWithoutSQL+")") {
			t.Errorf("%s check_comex_mun_mapped does not leave out %s:\n%s", d, ingest.ComexMunWithoutSQL, text)
		}
	}
	if bq, _ := ingest.Model("bigquery", "check_comex_mun_mapped"); !strings.Contains(bq, ingest.ComexMunUnmapped) {
		t.Errorf("check_comex_mun_mapped does not refuse with %q", ingest.ComexMunUnmapped)
	}
}
