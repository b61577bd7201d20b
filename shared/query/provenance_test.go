package query

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/sources"
	"github.com/mirante/mirante/shared/tenant"
)

// provenanceMarks is a Watermarks that also tells provenance; the
// production one reads PostgreSQL (shared/postgres tests it there).
type provenanceMarks struct{ p sources.Provenance }

func (w *provenanceMarks) Watermark(context.Context, *semantic.Dataset) (string, error) {
	return "2024-12", nil
}

func (w *provenanceMarks) MarkProvenance(context.Context, *semantic.Dataset) (string, string, sources.Provenance, error) {
	return "2024-12", "stamp", w.p, nil
}

// ipcaService is a service over a real DuckDB holding 24 months of the
// IPCA, with the real Redis cache, for an org of its own.
func ipcaService(t *testing.T, marks Watermarks) (*Service, context.Context) {
	t.Helper()
	ctx := context.Background()
	db, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for i := range 24 {
		mo := fmt.Sprintf("%d-%02d", 2023+i/12, i%12+1)
		if _, err := db.SQL().ExecContext(ctx, `insert into marts.ipca_monthly values (cast(? || '-01' as date), ?, ?, 0.5, 4)`, mo, 2023+i/12, 100+i); err != nil {
			t.Fatal(err)
		}
	}
	rc, err := redis.New(redis.Config{URL: redisURL(), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Catalog: cat, Engine: db, Cache: redis.NewQueryCache(rc, 0), Watermarks: marks,
		Entitlements: allEntitled{}, TTL: time.Minute, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	org := tenant.Tenant{Org: tenant.Org{ID: "11111111-2222-4333-8444-" + fmt.Sprintf("%012d", time.Now().UnixNano()%1e12), Isolation: tenant.IsolationRow}, Role: tenant.Viewer}
	return s, tenant.With(ctx, org)
}

func TestRowLimitCutIsTold(t *testing.T) {
	s, ctx := ipcaService(t, fixedWatermarks("2024-12"))
	spec := func(limit int) *semantic.Spec {
		return &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"month"},
			Time: &semantic.TimeRange{From: "2023-01", To: "2024-12"}, Limit: limit}
	}
	for _, tc := range []struct {
		limit, rows int
		truncated   bool
	}{{10, 10, true}, {23, 23, true}, {24, 24, false}, {100, 24, false}} {
		for _, cache := range []string{"miss", "hit"} {
			a, key, err := s.Answer(ctx, spec(tc.limit))
			if err != nil {
				t.Fatal(err)
			}
			if a.Meta.Cache != cache || a.Meta.Rows != tc.rows || a.Rows() != tc.rows || a.Meta.Truncated != tc.truncated {
				t.Fatalf("limit %d (%s): cache %s, %d rows (meta %d), truncated %v; want %d rows, truncated %v",
					tc.limit, cache, a.Meta.Cache, a.Rows(), a.Meta.Rows, a.Meta.Truncated, tc.rows, tc.truncated)
			}
			// A later page of the cached answer reads the same meta and
			// never a row beyond the limit.
			page, err := s.Page(ctx, key, tc.rows-1, 10, nil)
			if err != nil || page.Rows() != 1 || page.Meta.Truncated != tc.truncated {
				t.Fatalf("limit %d: last page %v, %+v", tc.limit, err, page)
			}
		}
	}
}

func TestAnswerTellsProvenance(t *testing.T) {
	marks := &provenanceMarks{p: sources.Provenance{Synthetic: true, Source: &sources.LoadStatus{}}}
	s, ctx := ipcaService(t, marks)
	spec := &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"year"}}
	a, _, err := s.Answer(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Meta.Synthetic || a.Meta.SourceStatus == nil || a.Meta.SourceStatus.LastLoadFailed {
		t.Fatalf("meta = %+v, want synthetic data from a source whose last load did not fail", a.Meta)
	}
	// A load fails afterwards: the cached answer is still served, and says so.
	at := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	marks.p = sources.Provenance{Source: &sources.LoadStatus{LastLoadFailed: true, LastErrorCode: sources.FileRefused, FailedAt: &at}}
	a, _, err = s.Answer(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	st := a.Meta.SourceStatus
	if a.Meta.Cache != "hit" || a.Meta.Synthetic || st == nil || !st.LastLoadFailed || st.LastErrorCode != sources.FileRefused || !st.FailedAt.Equal(at) {
		t.Fatalf("meta = %+v, status %+v; want the failed load told on a cache hit", a.Meta, st)
	}
}

func TestDatasetsTellNonAdditiveDimensions(t *testing.T) {
	s, ctx := ipcaService(t, fixedWatermarks("2024-12"))
	ds, err := s.Datasets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		for _, dim := range d.Dimensions {
			nonAdditive := dim.Additive != nil && !*dim.Additive
			if want := d.ID+"."+dim.ID == "comex_monthly.flow" || d.ID+"."+dim.ID == "tenant_metrics.metric"; nonAdditive != want {
				t.Errorf("%s.%s: additive %v", d.ID, dim.ID, dim.Additive)
			}
			found = found || nonAdditive
		}
	}
	if !found {
		t.Fatal("comex_monthly's flow is not listed as non-additive")
	}
}
