package worker

import (
	"testing"

	"github.com/mirante/mirante/shared/query"
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
