package semantic_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/warehouse"
)

// A mart's partition column must be a month or year dimension's column:
// the compiler writes its predicates over that dimension.
func TestPartitionColumnIsATimeColumn(t *testing.T) {
	b, err := os.ReadFile("catalog/comex_monthly.json")
	if err != nil {
		t.Fatal(err)
	}
	const ok = `"partition": {"column": "month", "by": "month"}`
	if !strings.Contains(string(b), ok) {
		t.Fatalf("catalog/comex_monthly.json no longer has %s", ok)
	}
	for col, refused := range map[string]bool{"month": false, "year": false, "uf": true, "no_such": true} {
		text := strings.Replace(string(b), ok, `"partition": {"column": "`+col+`", "by": "month"}`, 1)
		_, err := semantic.LoadCatalogFS(fstest.MapFS{"comex_monthly.json": {Data: []byte(text)}})
		if got := err != nil && strings.Contains(err.Error(), "partition column"); got != refused {
			t.Errorf("partition column %q: %v, want refused %v", col, err, refused)
		}
	}
}

// boundParam is the parameter a predicate's bound binds: @p3, $p3,
// CAST(@p3 AS DATE).
var boundParam = regexp.MustCompile(`^(?:CAST\()?[@$](p[0-9]+)`)

// A value picker reads every partition with a predicate on the partition
// column that every row meets (BigQuery's partition-required marts refuse
// a read without one), and DuckDB plans it too.
func TestValuesCarryAPartitionPredicate(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.Open(context.Background(), duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	access := semantic.Access{Entitled: map[string]bool{}}
	for _, ds := range cat.Datasets() {
		access.Entitled[ds.ID] = true
	}
	scope := semantic.TenantScope{OrgID: "9b1f6e2a-8c4d-4e7f-a0b1-c2d3e4f5a6b7"}
	for _, ds := range cat.Datasets() {
		if ds.Partition.Column == "" {
			t.Errorf("%s names no partition column", ds.ID)
			continue
		}
		vq, err := cat.ValidateValues(ds.ID, ds.Dimensions[len(ds.Dimensions)-1].ID, "a", 0, access)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range semantic.Dialects() {
			c, err := vq.Compile(d, scope)
			if err != nil {
				t.Fatalf("%s/%s: %v", ds.ID, d, err)
			}
			q := map[string]string{semantic.DuckDB: `"`, semantic.BigQuery: "`"}[d]
			col := "f." + q + ds.Partition.Column + q + " >= "
			i := strings.Index(c.SQL, col)
			if i < 0 {
				t.Errorf("%s/%s: no predicate %q in\n%s", ds.ID, d, col, c.SQL)
				continue
			}
			var floor any
			if m := boundParam.FindStringSubmatch(c.SQL[i+len(col):]); m != nil {
				for _, p := range c.Params {
					if p.Name == m[1] {
						floor = p.Value
					}
				}
			}
			if floor != "0001-01-01" && floor != int64(1) {
				t.Errorf("%s/%s: the partition predicate's bound is %#v, want the least date or year 1:\n%s", ds.ID, d, floor, c.SQL)
			}
			if d == semantic.DuckDB {
				explain := c
				explain.SQL = "EXPLAIN " + c.SQL
				explain.Columns = []warehouse.Column{{Name: "key"}, {Name: "value"}}
				if _, err := db.Run(context.Background(), explain, warehouse.RunParams{}); err != nil {
					t.Errorf("%s: DuckDB cannot plan the picker: %v", ds.ID, err)
				}
			}
		}
	}
}
