package worker

import (
	"testing"

	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/semantic"
)

// A report of an org's own data is marked synthetic when any of its
// answers says so (a demo upload); public sources are marked from the
// source catalog instead.
func TestAnySynthetic(t *testing.T) {
	real := &query.Result{Meta: query.Meta{Dataset: "tenant_metrics"}}
	demo := &query.Result{Meta: query.Meta{Dataset: "tenant_metrics", Synthetic: true}}
	for _, c := range []struct {
		results map[string]*query.Result
		want    bool
	}{
		{map[string]*query.Result{}, false},
		{map[string]*query.Result{"main": real, "by_uf": nil}, false},
		{map[string]*query.Result{"main": real, "by_uf": demo}, true},
	} {
		if got := anySynthetic(c.results); got != c.want {
			t.Errorf("%v: %v, want %v", c.results, got, c.want)
		}
	}
}

// The view's top N follows into the plans that group by its field and no
// other: a plan that would rank by a dimension it does not group by would
// be refused and its chart left out.
func TestStandardPlansKeepTopOnlyWhereItApplies(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := cat.Dataset("comex_monthly")
	spec := &semantic.Spec{Dataset: ds.ID, Measures: []string{"vl_fob_usd"}, Dimensions: []string{"uf", "month"},
		Filters: []semantic.Filter{{Field: "flow", Op: "eq", Value: []byte(`"export"`)}}, Top: &semantic.Top{Field: "uf", N: 5}}
	access := semantic.Access{Entitled: map[string]bool{ds.ID: true}}
	withTop := map[string]bool{}
	for _, p := range standardPlans(ds, spec) {
		if _, err := cat.Validate(p.spec, access); err != nil {
			t.Errorf("plan %s is refused: %v", p.id, err)
		}
		withTop[p.id] = p.spec.Top != nil
	}
	want := map[string]bool{"trend": false, "comparison": false, "composition": true, "summary": false, "detail": true}
	for id, top := range want {
		if withTop[id] != top {
			t.Errorf("plan %s: top %v, want %v", id, withTop[id], top)
		}
	}
}
