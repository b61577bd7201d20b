package duckdb

import (
	"context"
	"errors"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/warehouse"
)

// A query waits for a free slot; one whose time runs out while waiting is
// refused as unavailable and gives back nothing it did not take.
func TestQueriesWaitForASlot(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t, Config{Threads: 1, QuerySlots: 1})
	if got := db.slots.n; got != 1 {
		t.Fatalf("%d slots, want 1", got)
	}
	q := warehouse.Compiled{SQL: `select 42 as answer`, Columns: []warehouse.Column{{Name: "answer"}}}

	release, err := db.slots.acquire(ctx, "o")
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
	if n, w := db.slots.running, db.slots.waiting(); n != 0 || w != 0 {
		t.Errorf("%d slots taken and %d queries waiting after every query ended", n, w)
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

// A freed slot goes to the orgs in turn: one org's burst waits behind
// another org's single query, each org's own in arrival order.
func TestSlotsTakeOrgsInTurn(t *testing.T) {
	ctx := context.Background()
	s := newSlots(1)
	release, err := s.acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	type grant struct {
		name    string
		release func()
	}
	granted := make(chan grant)
	for i, w := range []struct{ name, org string }{{"a1", "a"}, {"a2", "a"}, {"a3", "a"}, {"b1", "b"}} {
		go func() {
			rel, err := s.acquire(ctx, w.org)
			if err != nil {
				t.Error(err)
				return
			}
			granted <- grant{w.name, rel}
		}()
		for s.waiting() < i+1 {
			runtime.Gosched()
		}
	}
	var order []string
	release()
	for range 4 {
		g := <-granted
		order = append(order, g.name)
		g.release()
	}
	if got := strings.Join(order, " "); got != "a1 b1 a2 a3" {
		t.Errorf("served %s, want a1 b1 a2 a3", got)
	}
	if s.running != 0 || s.waiting() != 0 {
		t.Errorf("%d running and %d waiting at the end", s.running, s.waiting())
	}
}

// A waiter that gives up leaves the queue, and its org's turn with it.
func TestSlotsForgetAWaiterThatGaveUp(t *testing.T) {
	ctx := context.Background()
	s := newSlots(1)
	release, err := s.acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	gaveUp, cancel := context.WithCancel(ctx)
	errs := make(chan error)
	go func() {
		_, err := s.acquire(gaveUp, "b")
		errs <- err
	}()
	for s.waiting() < 1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("the waiter that gave up: %v, want context.Canceled", err)
	}
	if w, turns := s.waiting(), len(s.turns); w != 0 || turns != 0 {
		t.Fatalf("%d waiting, %d orgs with a turn after the only waiter gave up", w, turns)
	}
	release()
	if s.running != 0 {
		t.Errorf("%d running after the only query ended", s.running)
	}
	again, err := s.acquire(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	again()
}

// The query's span says how long it waited for its slot: at least as long
// as the slot stayed taken after the query queued; the wait histogram has
// it under the org.
func TestSpanSaysTheWaitForASlot(t *testing.T) {
	ctx := context.Background()
	cfg := telemetry.Config{Level: "info", Exporter: "none", SampleRatio: 1, MetricInterval: time.Minute}
	if err := telemetry.Setup(ctx, cfg, "test"); err != nil {
		t.Fatal(err)
	}
	rec := tracetest.NewSpanRecorder()
	telemetry.TracerProvider().RegisterSpanProcessor(rec)
	defer telemetry.TracerProvider().UnregisterSpanProcessor(rec)
	db := openMemory(t, Config{Threads: 1, QuerySlots: 1})
	release, err := db.slots.acquire(ctx, "o")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := db.Run(ctx, warehouse.Compiled{SQL: `select 1 as one`, Columns: []warehouse.Column{{Name: "one"}}}, warehouse.RunParams{OrgID: "org-that-waits"})
		done <- err
	}()
	for db.slots.waiting() < 1 {
		runtime.Gosched()
	}
	queued := time.Now()
	for time.Since(queued) < time.Millisecond {
		runtime.Gosched()
	}
	held := time.Since(queued)
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var wait float64
	found := false
	for _, s := range rec.Ended() {
		for _, a := range s.Attributes() {
			if s.Name() == "duckdb.query" && a.Key == "mirante.warehouse.wait_ms" {
				wait, found = a.Value.AsFloat64(), true
			}
		}
	}
	if !found {
		t.Fatal("no duckdb.query span with mirante.warehouse.wait_ms")
	}
	if min := float64(held) / float64(time.Millisecond); wait < min {
		t.Errorf("wait_ms %.3f, want at least the %.3f ms the slot stayed taken after the query queued", wait, min)
	}
	exposition := httptest.NewRecorder()
	telemetry.MetricsHandler().ServeHTTP(exposition, httptest.NewRequest("GET", "/debug/metrics", nil))
	if want := regexp.MustCompile(`(?m)^mirante_warehouse_wait_seconds_count\{org_id="org-that-waits"\} [1-9]`); !want.MatchString(exposition.Body.String()) {
		t.Errorf("the metrics lack the org's wait:\n%s", exposition.Body.String())
	}
}

// waiting is how many queries wait for a slot.
func (s *slots) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.queues {
		n += len(q)
	}
	return n
}
