package query

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/warehouse"
)

// nameOnly is an engine that is never asked to run anything.
type nameOnly string

func (n nameOnly) Name() string { return string(n) }
func (nameOnly) Run(context.Context, warehouse.Compiled, warehouse.RunParams) (*warehouse.Result, error) {
	return nil, fmt.Errorf("not here")
}
func (nameOnly) Estimate(context.Context, warehouse.Compiled, warehouse.RunParams) (int64, error) {
	return 0, nil
}
func (nameOnly) Close() error { return nil }

// A remembered plan is found again only for the same spec, org, tenant
// dataset and watermark: never another org's SQL or key.
func TestPlansAreRememberedPerTenantAndData(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Catalog: cat, Engine: nameOnly("duckdb"), Watermarks: fixedWatermarks("2024-12")}
	ctx := context.Background()
	ds, _ := cat.Dataset("tenant_metrics")
	access := semantic.Access{Entitled: map[string]bool{"comex_monthly": true}}
	spec := &semantic.Spec{Dataset: "tenant_metrics", Measures: []string{"value"}, Dimensions: []string{"metric"}}
	orgA := semantic.TenantScope{OrgID: "aaaaaaaa-0000-4000-8000-000000000001"}
	orgB := semantic.TenantScope{OrgID: "bbbbbbbb-0000-4000-8000-000000000002"}

	a1, err := s.plan(ctx, spec, ds, "2024-12", "", access, "comex_monthly", orgA)
	if err != nil {
		t.Fatal(err)
	}
	if a2, _ := s.plan(ctx, spec, ds, "2024-12", "", access, "comex_monthly", orgA); a2 != a1 {
		t.Error("the same spec, org and data compiled again instead of being remembered")
	}
	b, err := s.plan(ctx, spec, ds, "2024-12", "", access, "comex_monthly", orgB)
	if err != nil {
		t.Fatal(err)
	}
	if b == a1 || b.key == a1.key || !strings.HasPrefix(b.key, CacheKeyPrefix(orgB.OrgID)) {
		t.Fatalf("org B got org A's plan or key: %s vs %s", b.key, a1.key)
	}
	orgParam := func(p *plan) bool {
		for _, prm := range p.compiled.Params {
			if prm.Value == orgB.OrgID {
				return true
			}
		}
		return false
	}
	if orgParam(a1) || !orgParam(b) {
		t.Errorf("the tenant predicate's org: A's plan binds B's id %v, B's plan binds it %v", orgParam(a1), orgParam(b))
	}
	dsMode := semantic.TenantScope{OrgID: orgA.OrgID, Dataset: "tenant_org_a"}
	if d, err := s.plan(ctx, spec, ds, "2024-12", "", access, "comex_monthly", dsMode); err != nil || d == a1 || d.key == a1.key {
		t.Errorf("dataset mode shared row mode's plan: %v", err)
	}
	newer, err := s.plan(ctx, spec, ds, "2025-01", "", access, "comex_monthly", orgA)
	if err != nil || newer == a1 || newer.key == a1.key || newer.meta.Watermark != "2025-01" {
		t.Errorf("a new watermark kept the old plan: %+v %v", newer, err)
	}
	// The same watermark over another load (a corrected file, a new
	// territorial table) is another answer.
	reloaded, err := s.plan(ctx, spec, ds, "2024-12", "comex@sha2@2026-12-06", access, "comex_monthly", orgA)
	if err != nil || reloaded == a1 || reloaded.key == a1.key || reloaded.meta.Watermark != "2024-12" {
		t.Errorf("a new load with the same watermark kept the old plan or key: %+v %v", reloaded, err)
	}
	other := &semantic.Spec{Dataset: "tenant_metrics", Measures: []string{"value"}, Dimensions: []string{"metric"}}
	if o, _ := s.plan(ctx, other, ds, "2024-12", "", access, "comex_monthly", orgA); o == a1 || o.key != a1.key {
		t.Errorf("an equal spec parsed anew should compile to the same key in a plan of its own")
	}
}
