package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
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

// A steady stream is written in full batches: the entries that arrive
// while a batch is written wait for the next full batch (or the ticker),
// rather than going out as a transaction of their own once it commits.
func TestAuditLogWritesAStreamInFullBatches(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	const batch = 10
	log := postgres.NewAuditLog(openApp(t, b.db), postgres.AuditParams{FlushEvery: time.Hour, Batch: batch, Wait: time.Minute})
	owner := connect(t, b.db.OwnerURL)
	record := func(from, n int) {
		for i := range n {
			log.Record(ctx, audit.Entry{OrgID: b.orgA, UserID: b.userA, Action: "query.run", Resource: fmt.Sprintf("/stream/%d", from+i), Status: 200})
		}
	}
	stored := func() (rows int, sizes []int) {
		tx := begin(t, owner, b.orgA)
		defer tx.Rollback(ctx) //nolint:errcheck
		r, err := tx.Query(ctx, `select count(*) from audit_log where resource like '/stream/%' group by xmin::text`)
		if err != nil {
			t.Fatal(err)
		}
		sizes, err = pgx.CollectRows(r, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range sizes {
			rows += n
		}
		return rows, sizes
	}
	waitFor := func(what string, done func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !done(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	// Hold the org's row: the writer's first batch waits on it while more
	// entries arrive.
	lock := begin(t, owner, b.orgA)
	mustExec(t, lock, `select from orgs where id = $1 for update`, b.orgA)
	record(0, batch)
	waitFor("the writer never took the first batch", func() bool { n, _ := log.Queued(); return n == 0 })
	record(batch, batch+3)
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor("the two full batches were never stored", func() bool { n, _ := stored(); return n >= 2*batch })
	record(2*batch+3, batch-3) // completes the third batch
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := log.Close(cctx); err != nil {
		t.Fatal(err)
	}
	rows, sizes := stored()
	if rows != 3*batch {
		t.Fatalf("%d of %d entries stored", rows, 3*batch)
	}
	for _, n := range sizes {
		if n != batch {
			t.Errorf("entries went out in transactions of %v; want every one of %d", sizes, batch)
			break
		}
	}
}

// A flush by the ticker writes what waited when it began: the entries that
// arrive while it writes wait for the next tick, rather than being chased
// one small transaction after another for as long as they keep coming.
func TestAuditLogTickWritesWhatWaited(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	log := postgres.NewAuditLog(openApp(t, b.db), postgres.AuditParams{FlushEvery: time.Hour, Batch: 100, Wait: time.Minute})
	defer log.Close(ctx) //nolint:errcheck
	owner := connect(t, b.db.OwnerURL)
	record := func(n int) {
		for range n {
			log.Record(ctx, audit.Entry{OrgID: b.orgA, UserID: b.userA, Action: "query.run", Resource: "/tick", Status: 200})
		}
	}
	lock := begin(t, owner, b.orgA)
	mustExec(t, lock, `select from orgs where id = $1 for update`, b.orgA)
	record(5)
	flushed := make(chan struct{})
	go func() { log.FlushQueued(); close(flushed) }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if n, _ := log.Queued(); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the flush never took the waiting entries")
		}
	}
	record(7) // while the flush's batch waits on the lock
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	<-flushed
	if n, _ := log.Queued(); n != 7 {
		t.Errorf("after the flush %d entries wait; want the 7 that came during it", n)
	}
}

// An entry the audit table refuses costs no other entry its place: a batch
// that holds NUL and invalid UTF-8 in its text, a summary jsonb refuses, a
// summary whose jsonb text passes 2 KB although its compact JSON does not,
// and an entry whose user was deleted before the flush is stored whole, and
// each odd entry is stored in the form the table takes.
func TestAuditBatchWithRefusedEntriesLosesNothing(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	log := postgres.NewAuditLog(openApp(t, b.db), postgres.AuditParams{FlushEvery: time.Hour, Batch: 1000})
	nearBound := map[string]string{}
	for i := 0; len(mustJSON(t, nearBound)) < audit.MaxSummaryBytes-20; i++ {
		nearBound[fmt.Sprintf("k%03d", i)] = "v"
	}
	gone := "00000000-0000-4000-8000-00000000dead"
	odd := []audit.Entry{
		{Resource: "/v1/orgs/a/views/\x00", Action: "views.read"},
		{Resource: "/v1/orgs/a/views/\xff\xfe", Action: "views.read"},
		{Resource: "/odd/summary-nul", Summary: json.RawMessage(`{"query":{"x":"\u0000","y":"\ud800"}}`)},
		{Resource: "/odd/summary-bytes", Summary: json.RawMessage("{\"query\":{\"x\":\"\xff\"}}")},
		{Resource: "/odd/summary-near-bound", Summary: mustJSON(t, map[string]any{"query": nearBound})},
		{Resource: "/odd/summary-huge-number", Summary: json.RawMessage(`{"n":1e999}`)},
		{Resource: "/odd/summary-not-json", Summary: json.RawMessage(`{"x":`)},
		{Resource: "/odd/deleted-user", UserID: gone},
	}
	const good = 20
	for i := range good {
		log.Record(ctx, audit.Entry{OrgID: b.orgA, UserID: b.userA, Action: "views.list", Resource: fmt.Sprintf("/good/%d", i), Status: 200})
		if i < len(odd) {
			e := odd[i]
			e.OrgID, e.Status = b.orgA, 400
			if e.UserID == "" {
				e.UserID = b.userB
			}
			if e.Action == "" {
				e.Action = "odd"
			}
			log.Record(ctx, e)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := log.Close(cctx); err != nil {
		t.Fatal(err)
	}
	owner, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	tx := begin(t, owner, b.orgA)
	defer tx.Rollback(ctx) //nolint:errcheck
	var goods, odds int
	if err := tx.QueryRow(ctx, `select count(*) filter (where resource like '/good/%'), count(*) filter (where action = 'odd' or resource like '/v1/%')
		from audit_log`).Scan(&goods, &odds); err != nil {
		t.Fatal(err)
	}
	if goods != good || odds != len(odd) {
		t.Fatalf("stored %d of %d entries and %d of %d odd ones", goods, good, odds, len(odd))
	}
	var resource string
	if err := tx.QueryRow(ctx, `select resource from audit_log where resource like '/v1/orgs/a/views/%' order by id limit 1`).Scan(&resource); err != nil {
		t.Fatal(err)
	}
	if resource != "/v1/orgs/a/views/\uFFFD" {
		t.Errorf("a NUL in the path is stored as %q", resource)
	}
	var user *string
	if err := tx.QueryRow(ctx, `select user_id::text from audit_log where resource = '/odd/deleted-user'`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	if user != nil {
		t.Errorf("the deleted user's entry names user %s", *user)
	}
	var nearSize int
	var truncated bool
	if err := tx.QueryRow(ctx, `select octet_length(summary::text), summary ? 'truncated' from audit_log where resource = '/odd/summary-near-bound'`).Scan(&nearSize, &truncated); err != nil {
		t.Fatal(err)
	}
	if !truncated || nearSize > audit.MaxSummaryBytes {
		t.Errorf("the summary past the bound in jsonb is stored as %d bytes (truncated: %v)", nearSize, truncated)
	}
}

// Summaries are measured as the table's bound measures them,
// octet_length(summary::text): for every value, audit.StoredSize agrees
// with PostgreSQL, and what audit.Summarise returns is accepted by jsonb
// and within the bound.
func TestAuditSummarySizeIsTheDatabases(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	values := []string{
		`0`, `-0`, `-0.00`, `1e3`, `1E+2`, `1.50e-3`, `123.456e1`, `0.000001`, `1e-7`, `-12.5e-10`, `100e-2`,
		`0e5`, `0.000e2`, `1e1000`, `1e-1000`, `5e-324`, `1e21`, `-7`, `3.14159`, `12345678901234567890`,
		`true`, `false`, `null`, `""`, `{}`, `[]`, `[[]]`, `{"a":{}}`,
		`"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u0001\u001f\u007f"`, `"<>&\u003c\u2028"`, `"ação 日本 😀"`,
		`{"a":1,"a":"longer value"}`, `{"b":[1,2,{"c":null}],"a":true}`, `[1, 2 ,3]`,
		`{"query":{"visibility":"org","limit":"5"}}`,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		values = append(values, string(mustJSON(t, randomJSON(rng, 3))))
	}
	for _, v := range values {
		tree := decodeNumbers(t, v)
		var dbSize *int
		err := conn.QueryRow(ctx, `select octet_length($1::jsonb::text)`, v).Scan(&dbSize)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if got := audit.StoredSize(tree); got != *dbSize {
			t.Errorf("%s: measured %d bytes, PostgreSQL says %d", v, got, *dbSize)
		}
		var ok bool
		s := audit.Summarise(json.RawMessage(v))
		if err := conn.QueryRow(ctx, `select octet_length($1::jsonb::text) <= $2`, string(s), audit.MaxSummaryBytes).Scan(&ok); err != nil || !ok {
			t.Errorf("%s: the summary %s is refused or too long (%v)", v, s, err)
		}
	}
	// Past numeric's range jsonb refuses the number; it measures past the
	// bound, and its summary is a note.
	for _, v := range []string{`1e200000`, `1e-20000`, `{"n":-1e99999999999}`} {
		if _, err := conn.Exec(ctx, `select $1::jsonb`, v); err == nil {
			t.Fatalf("PostgreSQL took %s", v)
		}
		if got := audit.StoredSize(decodeNumbers(t, v)); got <= audit.MaxSummaryBytes {
			t.Errorf("%s measures %d bytes", v, got)
		}
		if s := string(audit.Summarise(json.RawMessage(v))); !strings.Contains(s, `"truncated":true`) {
			t.Errorf("%s: summary %s", v, s)
		}
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeNumbers(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// randomJSON builds a value of objects, arrays, strings with characters
// jsonb escapes differently from encoding/json, and numbers in every form.
func randomJSON(rng *rand.Rand, depth int) any {
	pick := rng.IntN(7)
	if depth == 0 {
		pick = 2 + rng.IntN(5)
	}
	switch pick {
	case 0:
		m := map[string]any{}
		for range rng.IntN(5) {
			m[randomString(rng)] = randomJSON(rng, depth-1)
		}
		return m
	case 1:
		a := []any{}
		for range rng.IntN(5) {
			a = append(a, randomJSON(rng, depth-1))
		}
		return a
	case 2, 3:
		return randomString(rng)
	case 4:
		lits := []string{"0", "-1", "2.50", "1e5", "-3.2E-4", "0.0", "7e+2", "123456.789e-3"}
		return json.Number(lits[rng.IntN(len(lits))])
	case 5:
		return rng.Float64() * math.Pow(10, float64(rng.IntN(60)-30))
	}
	return rng.IntN(2) == 0
}

func randomString(rng *rand.Rand) string {
	alphabet := []string{"a", "Z", "9", " ", `"`, `\`, "/", "\n", "\t", "\x01", "\x1f", "\x7f", "<", ">", "&", "é", "日", "😀", "\u2028"}
	var sb strings.Builder
	for range rng.IntN(12) {
		sb.WriteString(alphabet[rng.IntN(len(alphabet))])
	}
	return sb.String()
}
