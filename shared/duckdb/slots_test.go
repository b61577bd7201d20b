package duckdb

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/warehouse"
)

// A query waits for a free slot; one whose time runs out while waiting is
// refused as unavailable and gives back nothing it did not take.
func TestQueriesWaitForASlot(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{Path: ":memory:", Threads: 1, QuerySlots: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := cap(db.slots); got != 1 {
		t.Fatalf("%d slots, want 1", got)
	}
	q := warehouse.Compiled{SQL: `select 42 as answer`, Columns: []warehouse.Column{{Name: "answer"}}}

	release, err := db.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expired, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Run(expired, q, warehouse.RunParams{OrgID: "o"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled query waiting for the only slot: %v, want context.Canceled", err)
	}
	waiting, stop := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer stop()
	_, err = db.Run(waiting, q, warehouse.RunParams{OrgID: "o"})
	if !apperr.Is(err, apperr.Unavailable) || !strings.Contains(err.Error(), "busy") {
		t.Fatalf("a query that timed out waiting for the only slot: %v, want unavailable, the warehouse busy", err)
	}
	release()

	res, err := db.Run(ctx, q, warehouse.RunParams{OrgID: "o"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || res.Rows[0][0] != int64(42) {
		t.Errorf("rows %v, want [[42]]", res.Rows)
	}
	if n := len(db.slots); n != 0 {
		t.Errorf("%d slots still taken after every query ended", n)
	}
}

// Every user of a file shares its slots.
func TestSlotsAreTheFilesOwn(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/w.duckdb"
	a, err := Open(ctx, Config{Path: path, QuerySlots: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, Config{Path: path, QuerySlots: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.slots != b.slots {
		t.Error("two handles on one file have slots of their own")
	}
}

func TestDefaultSlotsFollowThreads(t *testing.T) {
	if got := (&Config{Threads: 3}).querySlots(); got != 3 {
		t.Errorf("3 threads: %d slots, want 3", got)
	}
	if got := (&Config{Threads: 3, QuerySlots: 5}).querySlots(); got != 5 {
		t.Errorf("QuerySlots 5: %d slots, want 5", got)
	}
	if err := (&Config{Path: "x", Timeout: 1, QuerySlots: -1}).Validate(); err == nil {
		t.Error("a negative DUCKDB_QUERY_SLOTS was accepted")
	}
}
