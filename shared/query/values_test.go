package query

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
)

// A value picker reads the periods a query of the dataset reads by default
// (a monthly mart's last 12 months up to the watermark), not every
// partition: a state seen only in older months is not listed, one seen in
// the window is, and the answer's meta names the window.
func TestValuePickersReadTheDefaultWindow(t *testing.T) {
	ctx := context.Background()
	wh, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	for _, row := range []struct{ month, uf string }{
		{"2019-06-01", "AC"}, // years before the window
		{"2023-12-01", "AL"}, // the month before it
		{"2024-01-01", "RS"}, // its first month
		{"2024-12-01", "SP"}, // the watermark
	} {
		if _, err := wh.SQL().ExecContext(ctx, `insert into marts.comex_monthly (month, year, flow, uf, ncm, sh4, sh2, country, vl_fob_usd, kg_liquido)
			values (cast(? as date), 0, 'export', ?, '01012100', '0101', '01', '160', 1, 1)`, row.month, row.uf); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Catalog: cat, Engine: wh, Watermarks: fixedWatermarks("2024-12"), Entitlements: allEntitled{},
		TTL: time.Minute, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	as := tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: "11111111-2222-4333-8444-555555555555", Isolation: tenant.IsolationRow}, Role: tenant.Viewer})
	res, err := s.Values(as, "comex_monthly", "uf", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []any
	for _, r := range res.Rows {
		got = append(got, r[0])
	}
	if diff := cmp.Diff([]any{"RS", "SP"}, got); diff != "" {
		t.Errorf("picker values (-want +got):\n%s", diff)
	}
	if res.Meta.From != "2024-01" || res.Meta.To != "2024-12" {
		t.Errorf("picker window %s to %s, want 2024-01 to 2024-12", res.Meta.From, res.Meta.To)
	}
}
