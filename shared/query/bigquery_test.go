package query

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/apperr"
	mbq "github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// entitled is a fixed list of entitlements.
type entitled []string

func (e entitled) FindEntitlements(context.Context) ([]string, error) { return e, nil }

// bigQueryBed is the query service on the BigQuery engine over the strict
// fake, with the byte budget of an org on the free plan (10 GiB a day, at
// most 1 GiB per query) in PostgreSQL.
type bigQueryBed struct {
	*budgetBed
	fake *bqfake.Server
	s    *Service
	as   context.Context
	// bytes is what the fake says every query processes.
	bytes atomic.Int64
}

func newBigQueryBed(t *testing.T, wm string) *bigQueryBed {
	t.Helper()
	bed := &bigQueryBed{budgetBed: newBudgetBed(t, "on-bigquery"), fake: bqfake.New(t)}
	bed.bytes.Store(200 << 20)
	bed.fake.Bytes = func(string) int64 { return bed.bytes.Load() }
	bed.fake.Answer = func(string, []any) bqfake.Answer {
		return bqfake.Answer{Schema: []bqfake.Field{{Name: "c0", Type: "STRING"}, {Name: "c1", Type: "STRING"}}, Rows: [][]any{{"RS", nil}, {"SP", nil}}}
	}
	wh, err := mbq.New(context.Background(), mbq.Config{Project: bqfake.Project, Location: bqfake.Location, MaxBytesBilled: 10 << 30,
		Timeout: 20 * time.Second, Endpoint: bed.fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	bed.s = &Service{Catalog: bed.cat, Engine: wh, Watermarks: fixedWatermarks(wm),
		Entitlements: entitled{"comex_monthly", "antaq_monthly", "caged_monthly"}, Usage: bed.usage,
		Budgets: postgres.NewBudgetService(bed.db, postgres.NewPlanService(bed.db), bed.usage), TTL: time.Minute, Log: bed.log}
	bed.as = tenant.With(context.Background(), tenant.Tenant{Org: bed.orgs[0], Role: tenant.Viewer})
	t.Cleanup(func() { bed.usage.Close(context.Background()) }) //nolint:errcheck
	return bed
}

// dryRuns and reads split the fake's calls: dry runs (jobs.insert with
// dryRun) and reads (jobs.query).
func (b *bigQueryBed) dryRuns() []string {
	var out []string
	for _, c := range b.fake.Jobs() {
		cfg, _ := c.Body["configuration"].(map[string]any)
		if dry, _ := cfg["dryRun"].(bool); dry {
			q, _ := cfg["query"].(map[string]any)
			out = append(out, q["query"].(string))
		}
	}
	return out
}

// Value pickers on the marts that require a partition filter reach
// BigQuery with one, and are paid for like queries: dry-run against what
// is left of the org's budget, capped at its plan's bytes per query, and
// counted in its usage. Before, the picker sent no partition predicate
// (BigQuery refused it) and no dry run.
func TestValuePickersOnBigQuery(t *testing.T) {
	bed := newBigQueryBed(t, "2024-12")
	const gib = int64(1) << 30
	pickers := []struct{ dataset, field string }{
		{"comex_monthly", "uf"}, {"antaq_monthly", "port"}, {"caged_monthly", "cnae_section"},
	}
	for i, p := range pickers {
		res, err := bed.s.Values(bed.as, p.dataset, p.field, "", 0)
		if err != nil {
			t.Fatalf("%s.%s: %v", p.dataset, p.field, err)
		}
		if diff := cmp.Diff([][]any{{"RS", nil}, {"SP", nil}}, res.Rows); diff != "" {
			t.Errorf("%s.%s rows (-want +got):\n%s", p.dataset, p.field, diff)
		}
		reads := bed.fake.Queries()
		if len(reads) != i+1 || len(bed.dryRuns()) != i+1 {
			t.Fatalf("after %d pickers: %d reads, %d dry runs; want one each per picker", i+1, len(reads), len(bed.dryRuns()))
		}
		body := reads[i].Body
		if body["maximumBytesBilled"] != "1073741824" || body["location"] != bqfake.Location {
			t.Errorf("%s.%s: maximumBytesBilled %v, location %v; want the plan's 1 GiB per query, %s",
				p.dataset, p.field, body["maximumBytesBilled"], body["location"], bqfake.Location)
		}
		if sql := body["query"].(string); !strings.Contains(sql, "FROM marts."+p.dataset) || !strings.Contains(sql, "f.`month` BETWEEN CAST(@") {
			t.Errorf("%s.%s SQL has no partition predicate:\n%s", p.dataset, p.field, sql)
		}
	}
	b, err := bed.s.Budgets.ByteBudget(bed.as)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * bed.bytes.Load(); b.Used != want {
		t.Errorf("the budget counts %d bytes used, want the three pickers' %d", b.Used, want)
	}

	// A picker over the plan's bytes per query is refused before it runs.
	bed.bytes.Store(2 * gib)
	_, err = bed.s.Values(bed.as, "comex_monthly", "country", "", 0)
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("a 2 GiB picker on a 1 GiB-per-query plan: %v, want invalid", err)
	}
	// So is one past what is left of the day's budget.
	bed.bytes.Store(200 << 20)
	bed.usage.RecordQuery(bed.as, 10*gib, false)
	_, err = bed.s.Values(bed.as, "comex_monthly", "sh4", "", 0)
	if apperr.CodeOf(err) != apperr.RateLimited {
		t.Errorf("a picker with the day's budget spent: %v, want rate_limited", err)
	}
	if n := len(bed.fake.Queries()); n != len(pickers) {
		t.Errorf("%d reads reached BigQuery, want only the %d pickers within budget", n, len(pickers))
	}
}

// A query on a partition-required mart with no time range (nothing loaded
// yet, so no watermark to default from) reads every partition with a
// predicate BigQuery accepts; with a watermark, the default range is the
// predicate.
func TestOpenQueryOnBigQuery(t *testing.T) {
	for _, wm := range []string{"", "2024-12"} {
		bed := newBigQueryBed(t, wm)
		bed.fake.Answer = nil
		spec := &semantic.Spec{Dataset: "caged_monthly", Measures: []string{"net"}, Dimensions: []string{"uf"}}
		if _, _, err := bed.s.Run(bed.as, spec); err != nil {
			t.Errorf("watermark %q: %v", wm, err)
			continue
		}
		if n, m := len(bed.dryRuns()), len(bed.fake.Queries()); n != 1 || m != 1 {
			t.Errorf("watermark %q: %d dry runs and %d reads, want one each", wm, n, m)
		}
	}
}

// gatedEngine holds every run until each of n callers has either reached
// the warehouse or been refused: a check-then-record budget lets them all
// through then, a reservation only those that fit.
type gatedEngine struct {
	warehouse.Engine
	arrive func()
	all    <-chan struct{}
}

func (e *gatedEngine) Run(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (*warehouse.Result, error) {
	e.arrive()
	<-e.all
	return e.Engine.Run(ctx, q, p)
}

// Uncached queries started at once never spend more than is left: each
// holds its dry-run estimate in PostgreSQL before it runs, so with room for
// two of eight, two reach BigQuery, six are refused with 429, and once
// they have run the day counts exactly the bytes they billed, with nothing
// left reserved.
func TestConcurrentQueriesCannotOverspendTheBudget(t *testing.T) {
	bed := newBigQueryBed(t, "2024-12")
	bed.fake.Answer = nil
	const gib, est, n = int64(1) << 30, int64(900) << 20, 8
	bed.bytes.Store(est)
	spent := 10*gib - 2*est - est/2 // room for two queries, not three
	bed.usage.RecordQuery(bed.as, spent, false)
	if err := bed.usage.Flush(bed.as); err != nil {
		t.Fatal(err)
	}
	var arrived atomic.Int32
	all := make(chan struct{})
	arrive := func() {
		if arrived.Add(1) == n {
			close(all)
		}
	}
	bed.s.Engine = &gatedEngine{Engine: bed.s.Engine, arrive: arrive, all: all}

	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Distinct specs: no two share a run or a cache entry.
			spec := &semantic.Spec{Dataset: "comex_monthly", Measures: []string{"vl_fob_usd"}, Dimensions: []string{"uf"},
				Filters: []semantic.Filter{{Field: "flow", Op: "eq", Value: []byte(`"export"`)}},
				Time:    &semantic.TimeRange{From: fmt.Sprintf("2024-%02d", i+1), To: "2024-12"}}
			<-start
			if _, _, errs[i] = bed.s.Run(bed.as, spec); errs[i] != nil {
				arrive()
			}
		}()
	}
	close(start)
	wg.Wait()
	ran, refused := 0, 0
	for i, err := range errs {
		switch apperr.CodeOf(err) {
		case "":
			ran++
		case apperr.RateLimited:
			refused++
		default:
			t.Errorf("query %d: %v", i, err)
		}
	}
	if ran != 2 || refused != n-2 || len(bed.fake.Queries()) != 2 {
		t.Fatalf("%d ran, %d refused, %d reached BigQuery; want 2, %d, 2", ran, refused, len(bed.fake.Queries()), n-2)
	}
	b, err := bed.s.Budgets.ByteBudget(bed.as)
	if err != nil {
		t.Fatal(err)
	}
	if want := spent + 2*est; b.Used != want {
		t.Errorf("the day counts %d bytes, want %d (what was spent and the two queries billed)", b.Used, want)
	}
}
