package api

import (
	"net/http"
	"strings"
	"testing"
)

// A sum across a non-additive dimension's values is refused wherever a
// spec is accepted for running: a query, a saved view, a report's inline
// query (a report of a view runs a view that could not be saved so). The
// value picker of that very dimension stays open.
func TestNonAdditiveSumsAreRefusedEverywhere(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	const noFlow = `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf"],"time":{"from":"2024-01","to":"2024-06"}}`
	for _, c := range []struct{ path, body, field string }{
		{"/query", noFlow, "dimensions"},
		{"/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"in","value":["export","import"]}]}`, "dimensions"},
		{"/query", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["uf"]}`, "dimensions"},
		{"/views", `{"name":"soma","config":` + noFlow + `}`, "config.dimensions"},
		{"/reports", `{"format":"html","query":` + noFlow + `}`, "query.dimensions"},
	} {
		r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul"+c.path, c.body)
		if r.problemField() != c.field || !strings.Contains(string(r.body), "group by") || !strings.Contains(string(r.body), `"non_additive":`) ||
			r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST %s %s: field %q, %s", c.path, c.body, r.problemField(), r.body)
		}
	}
	r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/query", noFlow)
	if !strings.Contains(string(r.body), `"non_additive":"flow"`) || !strings.Contains(string(r.body), "flow: export and import cannot be added together") {
		t.Errorf("the refusal does not name flow: %s", r.body)
	}
	var v struct{ Data []struct{ Value string } }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/datasets/comex_monthly/values?field=flow", nil).json(t, &v)
	if len(v.Data) != 1 || v.Data[0].Value != "export" {
		t.Errorf("flow's picker: %+v", v.Data)
	}
	// Pinned to one value, or grouped by, it answers.
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","flow"]}`)
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/views", `{"name":"exportações","config":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"in","value":["export"]}]}}`)
}

type metaAnswer struct {
	Data []map[string]any
	Meta struct {
		Rows         int
		Truncated    *bool
		Synthetic    *bool
		SourceStatus *struct {
			LastLoadFailed bool `json:"last_load_failed"`
		} `json:"source_status"`
	}
}

// Top N per series keeps the largest UFs of each month; meta says when the
// row limit cut the answer, whether the data is synthetic, and the
// source's last load.
func TestTopNAndTruncationThroughTheAPI(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	const spec = `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","month"],"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2024-01","to":"2024-06"}`
	var a metaAnswer
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec+`,"top":{"field":"uf","n":2}}`).json(t, &a)
	perMonth := map[string][]string{}
	for _, row := range a.Data {
		perMonth[row["month"].(string)] = append(perMonth[row["month"].(string)], row["uf"].(string))
	}
	if len(perMonth) != 6 || len(a.Data) != 12 {
		t.Fatalf("top 2 of 3 UFs over 6 months: %d rows, %v", len(a.Data), perMonth)
	}
	for m, ufs := range perMonth {
		if strings.Join(ufs, ",") != "MT,PR" {
			t.Errorf("%s: %v, want MT and PR (SP exports least)", m, ufs)
		}
	}
	if a.Meta.Truncated == nil || *a.Meta.Truncated || a.Meta.Synthetic == nil || *a.Meta.Synthetic || a.Meta.SourceStatus == nil || a.Meta.SourceStatus.LastLoadFailed {
		t.Errorf("meta: %+v", a.Meta)
	}
	r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/query", spec+`,"top":{"field":"ncm","n":2}}`)
	if r.problemField() != "top.field" {
		t.Errorf("top over a dimension not grouped: field %q", r.problemField())
	}
	for _, c := range []struct {
		limit     string
		rows      int
		truncated bool
	}{{"5", 5, true}, {"17", 17, true}, {"18", 18, false}} {
		var a metaAnswer
		b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec+`,"limit":`+c.limit+`}`).json(t, &a)
		if len(a.Data) != c.rows || a.Meta.Rows != c.rows || a.Meta.Truncated == nil || *a.Meta.Truncated != c.truncated {
			t.Errorf("limit %s: %d rows (meta %d), truncated %v; want %d, %v", c.limit, len(a.Data), a.Meta.Rows, a.Meta.Truncated, c.rows, c.truncated)
		}
	}
}
