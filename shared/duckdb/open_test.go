package duckdb

import (
	"context"
	"testing"
)

// The handle is opened with the configured settings.
func TestOpenAppliesSettings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{Path: ":memory:", Threads: 1, MemoryLimit: "64MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var threads int64
	var limit string
	if err := db.SQL().QueryRowContext(ctx, `select current_setting('threads'), current_setting('memory_limit')`).Scan(&threads, &limit); err != nil {
		t.Fatal(err)
	}
	if threads != 1 || limit != "64.0 MiB" {
		t.Errorf("threads %d, memory_limit %q; want 1 and 64.0 MiB", threads, limit)
	}
}

// openMemory opens a throwaway in-memory warehouse with cfg's settings,
// closed when the test ends.
func openMemory(t *testing.T, cfg Config) *DB {
	t.Helper()
	cfg.Path = ":memory:"
	db, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
