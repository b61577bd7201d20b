package dashboards

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
)

const viewID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"

// field is the field an Invalid error names, "" for nil.
func field(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid || len(e.Fields) != 1 {
		t.Fatalf("not an Invalid error naming one field: %v", err)
	}
	return e.Fields[0].Field
}

func TestCheckPanels(t *testing.T) {
	many := make([]Panel, MaxPanels+1)
	cases := []struct {
		name string
		ps   []Panel
		want string
	}{
		{"none", nil, ""},
		{"full width", []Panel{{ViewID: viewID, X: 0, W: 12, H: 12, Title: "Exportações"}}, ""},
		{"right edge", []Panel{{ViewID: viewID, X: 11, W: 1, H: 1}}, ""},
		{"past the edge", []Panel{{ViewID: viewID, W: 6, H: 1}, {ViewID: viewID, X: 7, W: 6, H: 1}}, "panels[1].w"},
		{"x out of grid", []Panel{{ViewID: viewID, X: 12, W: 1, H: 1}}, "panels[0].x"},
		{"negative y", []Panel{{ViewID: viewID, Y: -1, W: 1, H: 1}}, "panels[0].y"},
		{"zero width", []Panel{{ViewID: viewID, W: 0, H: 1}}, "panels[0].w"},
		{"too tall", []Panel{{ViewID: viewID, W: 1, H: 13}}, "panels[0].h"},
		{"not a uuid", []Panel{{ViewID: "1 or 1=1", W: 1, H: 1}}, "panels[0].view_id"},
		{"two-line title", []Panel{{ViewID: viewID, W: 1, H: 1, Title: "a\nb"}}, "panels[0].title"},
		{"long title", []Panel{{ViewID: viewID, W: 1, H: 1, Title: strings.Repeat("é", 201)}}, "panels[0].title"},
		{"too many", many, "panels"},
	}
	for _, c := range cases {
		if got := field(t, CheckPanels(c.ps)); got != c.want {
			t.Errorf("%s: field %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCheckFilters(t *testing.T) {
	f := func(field, op, value string) []SharedFilter {
		return []SharedFilter{{Field: field, Op: op, Value: json.RawMessage(value)}}
	}
	cases := []struct {
		name string
		fs   []SharedFilter
		want string
	}{
		{"eq", f("uf", "eq", `"SP"`), ""},
		{"in", f("uf", "in", `["SP","RS"]`), ""},
		{"between", f("month", "between", `["2023-01","2023-12"]`), ""},
		{"prefix", f("ncm", "prefix", `"0901"`), ""},
		{"unknown op", f("uf", "like", `"S%"`), "filters[0].op"},
		{"list for eq", f("uf", "eq", `["SP"]`), "filters[0].value"},
		{"string for in", f("uf", "in", `"SP"`), "filters[0].value"},
		{"empty in", f("uf", "not_in", `[]`), "filters[0].value"},
		{"between of three", f("month", "between", `["a","b","c"]`), "filters[0].value"},
		{"number", f("uf", "gte", `7`), "filters[0].value"},
		{"field with SQL", f("uf; drop", "eq", `"SP"`), "filters[0].field"},
		{"upper-case field", f("UF", "eq", `"SP"`), "filters[0].field"},
		{"too many", make([]SharedFilter, MaxFilters+1), "filters"},
	}
	for _, c := range cases {
		if got := field(t, CheckFilters(c.fs)); got != c.want {
			t.Errorf("%s: field %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCheckTime(t *testing.T) {
	cases := []struct {
		from, to, want string
	}{
		{"", "", ""},
		{"2023", "", ""},
		{"", "2024-06", ""},
		{"2023", "2023", ""},
		{"2023-12", "2023", ""},
		{"2024", "2023-12", "time.to"},
		{"2023-02", "2023-01", "time.to"},
		{"2023-13", "", "time.from"},
		{"23", "", "time.from"},
		{"", "2023-1", "time.to"},
	}
	for _, c := range cases {
		if got := field(t, CheckTime(&TimeRange{From: c.from, To: c.to})); got != c.want {
			t.Errorf("%q..%q: field %q, want %q", c.from, c.to, got, c.want)
		}
	}
	if CheckTime(nil) != nil {
		t.Error("no range refused")
	}
	if got := field(t, CheckDescription(strings.Repeat("a", MaxDescription+1))); got != "description" {
		t.Errorf("long description: field %q", got)
	}
}
