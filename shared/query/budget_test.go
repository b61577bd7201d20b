package query

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// dryRunEngine stands in for BigQuery's dry run over a real DuckDB: it
// estimates a fixed number of bytes per query, bills them when it runs, and
// records the cap it was given.
type dryRunEngine struct {
	warehouse.Engine
	estimate int64
	runs     int
	capped   int64
}

func (e *dryRunEngine) Estimate(context.Context, warehouse.Compiled, warehouse.RunParams) (int64, error) {
	return e.estimate, nil
}

func (e *dryRunEngine) Run(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (*warehouse.Result, error) {
	e.runs++
	e.capped = p.MaxBytes
	r, err := e.Engine.Run(ctx, q, p)
	if err == nil {
		r.BytesProcessed = e.estimate
	}
	return r, err
}

// budgetBed is what the byte-budget tests share: orgs on the free plan
// (10 GiB a day, at most 1 GiB per query), the app role's pool, a usage
// log flushed only on Close (so the pending bytes count too), an
// in-memory DuckDB and the catalog.
type budgetBed struct {
	orgs  []tenant.Org
	db    *postgres.DB
	usage *postgres.UsageLog
	wh    *duckdb.DB
	cat   *semantic.Catalog
	log   *slog.Logger
}

func newBudgetBed(t *testing.T, slugs ...string) *budgetBed {
	t.Helper()
	ctx := context.Background()
	pg := pgtest.New(t)
	admin, err := postgres.NewAdmin(ctx, pg.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	bed := &budgetBed{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, slug := range slugs {
		o, err := admin.EnsureOrg(ctx, tenant.Org{Slug: slug, Name: slug, Plan: "free", Isolation: tenant.IsolationRow})
		if err != nil {
			t.Fatal(err)
		}
		bed.orgs = append(bed.orgs, o)
	}
	if bed.db, err = postgres.New(ctx, postgres.Config{URL: pg.AppURL, MaxConns: 4, ConnectTimeout: 5 * time.Second, StatementTimeout: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bed.db.Close)
	bed.usage = postgres.NewUsageLog(bed.db, time.Hour, bed.log)
	if bed.wh, err = duckdb.Open(ctx, duckdb.Config{Path: ":memory:"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bed.wh.Close() })
	if bed.cat, err = semantic.LoadCatalog(); err != nil {
		t.Fatal(err)
	}
	return bed
}

// TestByteBudgetRefusesBeforeRunning: with the plan's daily budget in
// PostgreSQL and the usage the service itself records, a query whose
// estimate exceeds what is left never reaches the warehouse, and the
// refusal says how much is left; another org's budget is its own.
func TestByteBudgetRefusesBeforeRunning(t *testing.T) {
	ctx := context.Background()
	bed := newBudgetBed(t, "budget-a", "budget-b")
	a, b, db, usage, wh, cat, log := bed.orgs[0], bed.orgs[1], bed.db, bed.usage, bed.wh, bed.cat, bed.log
	const gib = int64(1) << 30
	engine := &dryRunEngine{Engine: wh, estimate: 900 << 20} // 900 MiB a query
	s := &Service{Catalog: cat, Engine: engine, Watermarks: fixedWatermarks("2024-12"), Entitlements: allEntitled{},
		Usage: usage, Budgets: postgres.NewBudgetService(db, postgres.NewPlanService(db), usage), TTL: time.Minute, Log: log}
	as := tenant.With(ctx, tenant.Tenant{Org: a, Role: tenant.Viewer})
	// No cache: every run is a miss and asks the warehouse.
	spec := func() *semantic.Spec {
		return &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"month"},
			Time: &semantic.TimeRange{From: "2024-01", To: "2024-12"}}
	}

	// Eleven queries of 900 MiB fit in 10 GiB; the twelfth does not.
	for i := range 11 {
		if _, _, err := s.Run(as, spec()); err != nil {
			t.Fatalf("query %d: %v", i+1, err)
		}
		if engine.capped <= 0 || engine.capped > gib {
			t.Fatalf("query %d ran with a billing cap of %d, want at most the plan's 1 GiB per query", i+1, engine.capped)
		}
	}
	runs := engine.runs
	_, _, err := s.Run(as, spec())
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.RateLimited {
		t.Fatalf("the query past the budget: %v", err)
	}
	left := 10*gib - 11*(900<<20)
	if ae.Details["bytes_left"] != left || ae.Details["bytes_estimated"] != int64(900<<20) || ae.Details["retry_after_s"].(int) <= 0 {
		t.Errorf("refusal details = %v, want %d bytes left", ae.Details, left)
	}
	if engine.runs != runs {
		t.Error("the refused query reached the warehouse")
	}

	// A query larger than one query may be is refused as such.
	engine.estimate = 2 * gib
	if _, _, err := s.Run(tenant.With(ctx, tenant.Tenant{Org: b, Role: tenant.Viewer}), spec()); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("a 2 GiB query on a 1 GiB-per-query plan: %v", err)
	}
	// Org B's budget is untouched by A's spending.
	engine.estimate = 900 << 20
	if _, _, err := s.Run(tenant.With(ctx, tenant.Tenant{Org: b, Role: tenant.Viewer}), spec()); err != nil {
		t.Errorf("org B was refused after org A spent its budget: %v", err)
	}
	if err := usage.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// unbilledEngine is a real DuckDB (which bills nothing) that says when its
// first run starts.
type unbilledEngine struct {
	*duckdb.DB
	once    sync.Once
	started chan struct{}
}

func (e *unbilledEngine) Run(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (*warehouse.Result, error) {
	e.once.Do(func() { close(e.started) })
	return e.DB.Run(ctx, q, p)
}

// budgetWhileRunning reads the real budget only once the query runs.
type budgetWhileRunning struct {
	billing.ByteBudgets
	started <-chan struct{}
}

func (b budgetWhileRunning) ByteBudget(ctx context.Context) (billing.ByteBudget, error) {
	select {
	case <-b.started:
		return b.ByteBudgets.ByteBudget(ctx)
	case <-time.After(10 * time.Second):
		return billing.ByteBudget{}, errors.New("the budget was read before the query started, not while it ran")
	}
}

// On an engine that bills nothing the byte budget is read while the query
// runs (its round trip to PostgreSQL does not come first), and a spent
// budget still refuses the answer.
func TestUnbilledEngineReadsTheBudgetWhileTheQueryRuns(t *testing.T) {
	ctx := context.Background()
	bed := newBudgetBed(t, "unbilled")
	org, db, usage, wh, cat, log := bed.orgs[0], bed.db, bed.usage, bed.wh, bed.cat, bed.log
	defer usage.Close(ctx) //nolint:errcheck
	engine := &unbilledEngine{DB: wh, started: make(chan struct{})}
	budgets := budgetWhileRunning{ByteBudgets: postgres.NewBudgetService(db, postgres.NewPlanService(db), usage), started: engine.started}
	s := &Service{Catalog: cat, Engine: engine, Watermarks: fixedWatermarks("2024-12"), Entitlements: allEntitled{},
		Usage: usage, Budgets: budgets, TTL: time.Minute, Log: log}
	as := tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	spec := &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"month"},
		Time: &semantic.TimeRange{From: "2024-01", To: "2024-12"}}
	if _, _, err := s.Run(as, spec); err != nil {
		t.Fatalf("with a budget left: %v", err)
	}
	// The free plan's 10 GiB, spent (as BigQuery queries would have).
	usage.RecordQuery(as, 10<<30, false)
	if _, _, err := s.Run(as, spec); apperr.CodeOf(err) != apperr.RateLimited {
		t.Fatalf("with the day's budget spent: %v, want rate_limited", err)
	}
}
