package worker

import (
	"testing"

	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/warehouse"
)

func comex(t *testing.T) *semantic.Dataset {
	t.Helper()
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ds, ok := cat.Dataset("comex_monthly")
	if !ok {
		t.Fatal("no comex_monthly in the catalog")
	}
	return ds
}

// Reports show names, not codes: the flow's value in each language, the
// period as people write it; the cached result is left as it was.
func TestReportsShowLabelsNotCodes(t *testing.T) {
	ds := comex(t)
	res := &query.Result{
		Columns: []warehouse.Column{{Name: "flow", Kind: "dimension", Type: "string"}, {Name: "vl_fob_usd", Kind: "measure", Type: "number"}},
		Rows:    [][]any{{"export", 10.0}, {"import", 5.0}},
	}
	pt := withEnumLabels(res, ds, "pt-BR")
	if pt.Rows[0][0] != "Exportação" || pt.Rows[1][0] != "Importação" {
		t.Fatalf("pt-BR rows %v", pt.Rows)
	}
	if en := withEnumLabels(res, ds, "en"); en.Rows[0][0] != "Export" {
		t.Fatalf("en rows %v", en.Rows)
	}
	if res.Rows[0][0] != "export" {
		t.Fatalf("the source result was changed: %v", res.Rows)
	}
	if got := displayValue(ds, "flow", "export", "pt-BR", nil); got != "Exportação" {
		t.Errorf("flow filter: %q", got)
	}
	spec := &semantic.Spec{Dataset: "comex_monthly", Time: &semantic.TimeRange{From: "2024-01", To: "2024-12"}}
	fs := filtersOf(ds, spec, columnTitles(ds, "pt-BR"), "pt-BR", nil)
	if len(fs) != 1 || fs[0].Label != "Período" || fs[0].Value != "jan.\u00a02024 – dez.\u00a02024" {
		t.Errorf("period filter: %+v", fs)
	}
	fs = filtersOf(ds, spec, columnTitles(ds, "en"), "en", nil)
	if fs[0].Value != "Jan\u00a02024 – Dec\u00a02024" {
		t.Errorf("en period filter: %+v", fs)
	}
}

// A dimension with a name column is titled as a code, its name column with
// the dimension's title.
func TestLabelColumnsTakeTheDimensionsTitle(t *testing.T) {
	ds := comex(t)
	titles := columnTitles(ds, "pt-BR")
	for _, d := range ds.Dimensions {
		if d.Label == "" {
			continue
		}
		if titles[d.Label] != d.Title["pt-BR"] || titles[d.ID] != d.Title["pt-BR"]+" (código)" {
			t.Errorf("%s: code %q, name %q", d.ID, titles[d.ID], titles[d.Label])
		}
		return
	}
	t.Fatal("comex_monthly has no dimension with a name column")
}

// A filter on a code names each value through the label column: the NCM's
// name beside its code, under the dimension's own title; a code without a
// name stays a code.
func TestCodeFiltersShowTheirNames(t *testing.T) {
	ds := comex(t)
	names := map[string]string{"02013000": "Carnes desossadas de bovino, frescas ou refrigeradas"}
	var asked []string
	name := func(field, code string) string {
		asked = append(asked, field+"="+code)
		return names[code]
	}
	spec := &semantic.Spec{Dataset: "comex_monthly", Filters: []semantic.Filter{{Field: "ncm", Op: "in", Value: []byte(`["02013000","99999999"]`)}}}
	fs := filtersOf(ds, spec, columnTitles(ds, "pt-BR"), "pt-BR", name)
	if len(fs) != 1 || fs[0].Label != "NCM" || fs[0].Value != "02013000 – Carnes desossadas de bovino, frescas ou refrigeradas, 99999999" {
		t.Fatalf("filters %+v", fs)
	}
	if len(asked) != 2 || asked[0] != "ncm=02013000" {
		t.Fatalf("lookups %v", asked)
	}
}
