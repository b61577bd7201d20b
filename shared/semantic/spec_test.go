package semantic

import (
	"testing"

	"github.com/mirante/mirante/shared/apperr"
)

func mustCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCatalogHasTheMinimumDatasets(t *testing.T) {
	c := mustCatalog(t)
	want := map[string]struct{ dims, measures []string }{
		"comex_monthly": {[]string{"month", "year", "flow", "uf", "ncm", "sh4", "sh2", "country"}, []string{"vl_fob_usd", "kg_liquido"}},
		"comex_municipal_monthly": {[]string{"month", "quarter", "year", "flow", "uf", "region", "municipio", "regiao_imediata", "sh4", "sh2", "country"},
			[]string{"vl_fob_usd", "kg_liquido"}},
		"antaq_monthly":  {[]string{"month", "year", "port", "uf", "nav_type", "cargo_nature", "direction"}, []string{"tonnes", "teu", "berthings"}},
		"caged_monthly":  {[]string{"month", "year", "municipio", "uf", "cnae_section"}, []string{"admissions", "separations", "net"}},
		"pib_municipal":  {[]string{"year", "municipio", "uf", "region"}, []string{"pib_brl", "population", "pib_per_capita_brl"}},
		"ipca_monthly":   {[]string{"month", "year"}, []string{"index", "mom_pct", "yoy_pct"}},
		"siconfi_annual": {[]string{"year", "municipio", "uf", "account", "coluna"}, []string{"value_brl"}},
		"tenant_metrics": {[]string{"month", "municipio", "uf", "metric"}, []string{"value"}},
	}
	for id, w := range want {
		d, ok := c.Dataset(id)
		if !ok {
			t.Errorf("catalog lacks %s", id)
			continue
		}
		for _, dim := range w.dims {
			if _, ok := d.Dimension(dim); !ok {
				t.Errorf("%s lacks dimension %s", id, dim)
			}
		}
		for _, m := range w.measures {
			if _, ok := d.Measure(m); !ok {
				t.Errorf("%s lacks measure %s", id, m)
			}
		}
	}
	if d, _ := c.Dataset("tenant_metrics"); d.Scope != Tenant {
		t.Error("tenant_metrics must be a tenant mart")
	}
	if len(c.Version()) != 12 {
		t.Errorf("catalog version %q", c.Version())
	}
}

var all = Access{Entitled: map[string]bool{"comex_monthly": true, "comex_municipal_monthly": true, "antaq_monthly": true, "caged_monthly": true, "pib_municipal": true, "ipca_monthly": true, "siconfi_annual": true}}

func TestValidateAcceptsTheAPIExample(t *testing.T) {
	c := mustCatalog(t)
	s, err := ParseSpec([]byte(`{
	  "dataset": "comex_monthly",
	  "measures": ["vl_fob_usd", "kg_liquido"],
	  "dimensions": ["uf", "month"],
	  "filters": [{"field": "flow", "op": "eq", "value": "export"},
	              {"field": "uf", "op": "in", "value": ["SP", "RS"]}],
	  "time": {"from": "2023-01", "to": "2023-12", "grain": "month"},
	  "order": [{"field": "vl_fob_usd", "dir": "desc"}],
	  "limit": 100
	}`))
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.Validate(s, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Dimensions) != 2 || q.From != "2023-01" || q.To != "2023-12" || q.Limit != 100 || len(q.Filters) != 2 || q.Filters[1].Values[1] != "RS" {
		t.Fatalf("query = %+v", q)
	}
}

func TestValidateNamesTheOffendingField(t *testing.T) {
	c := mustCatalog(t)
	cases := []struct {
		name, spec, field string
		code              apperr.Code
	}{
		{"unknown dataset", `{"dataset":"secrets","measures":["x"]}`, "dataset", apperr.Invalid},
		{"not entitled", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`, "dataset", apperr.Forbidden},
		{"unknown measure", `{"dataset":"ipca_monthly","measures":["index","drop table"]}`, "measures[1]", apperr.Invalid},
		{"unknown transform", `{"dataset":"ipca_monthly","measures":["index.explode"]}`, "measures[0]", apperr.Invalid},
		{"unknown dimension", `{"dataset":"ipca_monthly","measures":["index"],"dimensions":["uf"]}`, "dimensions[0]", apperr.Invalid},
		{"too many dimensions", `{"dataset":"ipca_monthly","measures":["index"],"dimensions":["month","year"]}`, "dimensions", apperr.Invalid},
		{"bad operator", `{"dataset":"pib_municipal","measures":["pib_brl"],"filters":[{"field":"uf","op":"like","value":"S%"}]}`, "filters[0].op", apperr.Invalid},
		{"bad uf", `{"dataset":"pib_municipal","measures":["pib_brl"],"filters":[{"field":"uf","op":"in","value":["SP","XX"]}]}`, "filters[0].value[1]", apperr.Invalid},
		{"quote in code", `{"dataset":"pib_municipal","measures":["pib_brl"],"filters":[{"field":"municipio","op":"eq","value":"3550308' OR '1'='1"}]}`, "filters[0].value", apperr.Invalid},
		{"object as value", `{"dataset":"pib_municipal","measures":["pib_brl"],"filters":[{"field":"uf","op":"eq","value":{"a":1}}]}`, "filters[0].value", apperr.Invalid},
		{"oversize range", `{"dataset":"pib_municipal","measures":["pib_brl"],"time":{"from":"1900","to":"2023"}}`, "time", apperr.Invalid},
		{"reversed range", `{"dataset":"pib_municipal","measures":["pib_brl"],"time":{"from":"2023","to":"2020"}}`, "time.to", apperr.Invalid},
		{"oversize limit", `{"dataset":"ipca_monthly","measures":["index"],"limit":1000000}`, "limit", apperr.Invalid},
		{"order on unknown", `{"dataset":"ipca_monthly","measures":["index"],"order":[{"field":"population"}]}`, "order[0].field", apperr.Invalid},
		{"real without BRL", `{"dataset":"ipca_monthly","measures":["index"],"real":{"base":"2024-01"}}`, "real", apperr.Invalid},
		{"yoy without time", `{"dataset":"pib_municipal","measures":["pib_brl.yoy_pct"],"dimensions":["uf"]}`, "measures[0]", apperr.Invalid},
	}
	access := Access{Entitled: map[string]bool{"pib_municipal": true, "ipca_monthly": true}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSpec([]byte(tc.spec))
			if err == nil {
				_, err = c.Validate(s, access)
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != tc.code || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Fatalf("got %v (fields %+v), want %s naming %s", err, e, tc.code, tc.field)
			}
		})
	}
}

func TestParseSpecIsStrict(t *testing.T) {
	cases := map[string]string{
		`{"dataset":"x","measures":["a"],"sql":"select 1"}`: "sql",
		`{"dataset":"x","measures":"a"}`:                    "measures",
		`{"dataset":"x"} {"dataset":"y"}`:                   "body",
		`{"dataset":`:                                       "body",
		``:                                                  "body",
	}
	for in, field := range cases {
		_, err := ParseSpec([]byte(in))
		e, ok := apperr.As(err)
		if !ok || e.Fields[0].Field != field {
			t.Errorf("ParseSpec(%q) = %v, want the field %q named", in, err, field)
		}
	}
}
