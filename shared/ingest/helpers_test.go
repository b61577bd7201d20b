package ingest_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
)

// dataDir is ../shared/data beside the checkout: walk up from the package
// to the folder holding go.mod, then to its parent.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
	d := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("the shared data folder %s is absent", d)
	}
	return d
}

func dataFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(dataDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("sample %s: %v", rel, err)
	}
	return p
}

// warehouse opens a fresh DuckDB warehouse with the marts' schema.
func warehouse(t testing.TB) *sql.DB {
	t.Helper()
	w, err := duckdb.Open(context.Background(), duckdb.Config{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w.SQL()
}

// sqlQuerier is what the assertions need of a warehouse.
type sqlQuerier interface {
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
}
