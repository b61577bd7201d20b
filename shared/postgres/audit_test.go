package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/postgres"
)

// When the database falls behind the requests, Record waits for room in
// the queue instead of writing each entry in a transaction of its own
// (which, at a few thousand requests a second, is what kept a busy
// database busy): the entries recorded while audit_log was locked are all
// stored, in about one transaction per batch.
func TestAuditLogWaitsForRoomWhenTheDatabaseFallsBehind(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	const n, batch = 200, 10
	log := postgres.NewAuditLog(openApp(t, b.db), postgres.AuditParams{FlushEvery: 10 * time.Millisecond, Batch: batch, Buffer: batch, Wait: time.Minute})
	owner, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	// Hold the table as a long lock or a stalled disk would.
	lock, err := owner.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, lock, `lock table audit_log in exclusive mode`)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Record(ctx, audit.Entry{OrgID: b.orgA, UserID: b.userA, Action: "query.run", Resource: fmt.Sprintf("/backlog/%d", i), Status: 200})
		}()
	}
	// The writer is stuck on the lock with a batch, and the queue is full.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int
		if err := lock.QueryRow(ctx, `select count(*) from pg_locks where not granted and relation = 'audit_log'::regclass`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if q, c := log.Queued(); q == c && waiting >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the audit writer never filled its queue behind the lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := lock.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := log.Close(cctx); err != nil {
		t.Fatal(err)
	}
	tx := begin(t, owner, b.orgA)
	defer tx.Rollback(ctx) //nolint:errcheck
	var rows, txs int
	if err := tx.QueryRow(ctx, `select count(*), count(distinct xmin::text) from audit_log where resource like '/backlog/%'`).Scan(&rows, &txs); err != nil {
		t.Fatal(err)
	}
	if rows != n {
		t.Fatalf("%d of %d entries stored", rows, n)
	}
	// n/batch transactions when every batch is full; inline writes would
	// have taken one each for all but the first couple of batches.
	if txs > n/4 {
		t.Fatalf("%d entries took %d transactions; want about %d (one per batch of %d)", n, txs, n/batch, batch)
	}
	t.Logf("%d entries in %d transactions", rows, txs)
}
