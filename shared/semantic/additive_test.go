package semantic

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mirante/mirante/shared/apperr"
)

// TestNonAdditiveDimensionsAreMarked pins which dimensions of the catalog
// may not be summed across their values, and that every other one may.
func TestNonAdditiveDimensionsAreMarked(t *testing.T) {
	c := mustCatalog(t)
	want := map[string]bool{"comex_monthly.flow": true, "comex_municipal_monthly.flow": true,
		"siconfi_annual.account": true, "siconfi_annual.coluna": true, "tenant_metrics.metric": true}
	for _, d := range c.Datasets() {
		for _, dim := range d.Dimensions {
			id := d.ID + "." + dim.ID
			if got := !dim.IsAdditive(); got != want[id] {
				t.Errorf("%s: non-additive = %v, want %v", id, got, want[id])
			}
		}
	}
}

func TestNonAdditiveDimensionIsGroupedOrFilteredToOneValue(t *testing.T) {
	c := mustCatalog(t)
	all := Access{Entitled: map[string]bool{"comex_monthly": true, "comex_municipal_monthly": true, "siconfi_annual": true}}
	const comex = `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf"]`
	cases := []struct {
		name, spec, refused string // refused: the dimension named, or "" when admitted
	}{
		{"no flow", comex + `}`, "flow"},
		{"flow in two values", comex + `,"filters":[{"field":"flow","op":"in","value":["export","import"]}]}`, "flow"},
		{"flow neq", comex + `,"filters":[{"field":"flow","op":"neq","value":"export"}]}`, "flow"},
		{"flow not_in", comex + `,"filters":[{"field":"flow","op":"not_in","value":["import"]}]}`, "flow"},
		{"flow eq", comex + `,"filters":[{"field":"flow","op":"eq","value":"export"}]}`, ""},
		{"flow in one value", comex + `,"filters":[{"field":"flow","op":"in","value":["import"]}]}`, ""},
		{"grouped by flow", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","flow"]}`, ""},
		{"municipal without flow", `{"dataset":"comex_municipal_monthly","measures":["kg_liquido"]}`, "flow"},
		{"siconfi without coluna", `{"dataset":"siconfi_annual","measures":["value_brl"],"filters":[{"field":"account","op":"eq","value":"RCL"}]}`, "coluna"},
		{"siconfi without account", `{"dataset":"siconfi_annual","measures":["value_brl"],"dimensions":["coluna"]}`, "account"},
		{"siconfi pinned", `{"dataset":"siconfi_annual","measures":["value_brl"],"dimensions":["account"],"filters":[{"field":"coluna","op":"eq","value":"x"}]}`, ""},
		{"metrics summed", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["uf"]}`, "metric"},
		{"metrics by metric", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric","uf"]}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSpec([]byte(tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Validate(s, all)
			if tc.refused == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "dimensions" ||
				!strings.HasPrefix(e.Fields[0].Reason, tc.refused+": ") || e.Details["non_additive"] != tc.refused {
				t.Fatalf("got %v (%+v), want a refusal naming %s", err, e, tc.refused)
			}
		})
	}
}

// TestSavedSpecsAreRefusedToo: views and reports validate through
// ValidateSpec, which names the field under the document's own.
func TestSavedSpecsAreRefusedToo(t *testing.T) {
	c := mustCatalog(t)
	err := c.ValidateConfig([]byte(`{"dataset":"comex_monthly","measures":["vl_fob_usd"]}`), map[string]bool{"comex_monthly": true})
	e, ok := apperr.As(err)
	if !ok || e.Fields[0].Field != "config.dimensions" || e.Details["non_additive"] != "flow" {
		t.Fatalf("got %v, want config.dimensions refused for flow", err)
	}
}

func TestOtherFaultsAreNamedBeforeAdditivity(t *testing.T) {
	c := mustCatalog(t)
	s, _ := ParseSpec([]byte(`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"limit":999999}`))
	_, err := c.Validate(s, Access{Entitled: map[string]bool{"comex_monthly": true}})
	if e, ok := apperr.As(err); !ok || e.Fields[0].Field != "limit" {
		t.Fatalf("got %v, want limit named", err)
	}
}

func TestTopIsValidated(t *testing.T) {
	c := mustCatalog(t)
	access := Access{Entitled: map[string]bool{"pib_municipal": true}}
	const base = `{"dataset":"pib_municipal","measures":["pib_brl"],"dimensions":["uf","year"]`
	cases := map[string]string{
		base + `,"top":{"field":"region","n":3}}`: "top.field",
		base + `,"top":{"field":"nope","n":3}}`:   "top.field",
		base + `,"top":{"field":"year","n":3}}`:   "top.field",
		base + `,"top":{"field":"uf","n":0}}`:     "top.n",
		base + `,"top":{"field":"uf","n":101}}`:   "top.n",
		base + `,"top":{"field":"uf"}}`:           "top.n",
		base + `,"top":{"field":"uf","n":"3"}}`:   "top.n",
	}
	for spec, field := range cases {
		s, err := ParseSpec([]byte(spec))
		if err == nil {
			_, err = c.Validate(s, access)
		}
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.Fields[0].Field != field {
			t.Errorf("%s: got %v, want %s named", spec, err, field)
		}
	}
	s, _ := ParseSpec([]byte(base + `,"top":{"field":"uf","n":100}}`))
	q, err := c.Validate(s, access)
	if err != nil || q.TopDim == nil || q.TopDim.ID != "uf" || q.TopN != 100 {
		t.Fatalf("top 100 by uf: %v %+v", err, q)
	}
}

func TestCatalogRefusesAMalformedAdditiveFlag(t *testing.T) {
	const ok = `{"id":"x","version":"1","title":{"pt-BR":"x","en":"x"},"description":{},"source":"s","scope":"public","grain":"month","time":"month",
		"tables":{"duckdb":"marts.x","bigquery":"marts.x"},"limits":{"max_dimensions":2,"max_span_months":12,"max_rows":10},
		"measures":[{"id":"v","agg":"sum","column":"v","unit":"","format":"number","title":{"pt-BR":"v","en":"v"}}],
		"dimensions":[{"id":"month","type":"month","column":"month","title":{"pt-BR":"m","en":"m"}},DIM]}`
	cases := map[string]string{
		`{"id":"k","type":"string","column":"k","title":{"pt-BR":"k","en":"k"},"additive":false}`:    "",
		`{"id":"k","type":"string","column":"k","title":{"pt-BR":"k","en":"k"},"additive":true}`:     "only written as false",
		`{"id":"k","type":"string","column":"k","title":{"pt-BR":"k","en":"k"},"additive":"no"}`:     "cannot unmarshal",
		`{"id":"k","type":"year","column":"k","title":{"pt-BR":"k","en":"k"},"additive":false}`:      "time dimension",
		`{"id":"k","type":"string","column":"k","title":{"pt-BR":"k","en":"k"},"non_additive":true}`: "unknown field",
	}
	for dim, want := range cases {
		_, err := LoadCatalogFS(fstest.MapFS{"x.json": {Data: []byte(strings.Replace(ok, "DIM", dim, 1))}})
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", dim, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error saying %q", dim, err, want)
		}
	}
}
