package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestViewsPageEveryRowOnce(t *testing.T) {
	b := setupStack(t)
	want := map[string]bool{}
	for i := range 23 {
		vis := "org"
		if i%4 == 0 {
			vis = "private"
		}
		want[b.createView(t, ana, "porto-sul", fmt.Sprintf("visão %02d", i), vis)] = true
	}
	seen := map[string]int{}
	cursor, pages := "", 0
	var first string
	for {
		path := "/v1/orgs/porto-sul/views?limit=5"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Data       []struct{ ID string }
			NextCursor *string `json:"next_cursor"`
		}
		b.want(t, http.StatusOK, ana, "GET", path, nil).json(t, &page)
		pages++
		for _, v := range page.Data {
			seen[v.ID]++
		}
		if page.NextCursor == nil {
			break
		}
		if first == "" {
			first = *page.NextCursor
		}
		cursor = *page.NextCursor
	}
	if pages != 5 || len(seen) != 23 {
		t.Fatalf("%d views over %d pages, want 23 over 5", len(seen), pages)
	}
	for id, n := range seen {
		if n != 1 || !want[id] {
			t.Errorf("view %s seen %d times (ours: %v)", id, n, want[id])
		}
	}

	// A cursor is bound to its list, org, user and filters, and tamper-evident.
	tampered := []byte(first)
	tampered[5] ^= 1
	for _, c := range []struct{ who, path string }{
		{ana, "/v1/orgs/porto-sul/views?cursor=" + url.QueryEscape(string(tampered))},
		{ana, "/v1/orgs/porto-sul/views?cursor=garbage"},
		{ana, "/v1/orgs/porto-sul/views?visibility=org&cursor=" + url.QueryEscape(first)},
		{ana, "/v1/orgs/porto-sul/members?cursor=" + url.QueryEscape(first)},
		{ana, "/v1/orgs/porto-sul/audit?cursor=" + url.QueryEscape(first)},
		{dora, "/v1/orgs/porto-sul/views?cursor=" + url.QueryEscape(first)},
		{dora, "/v1/orgs/agro-nordeste/views?cursor=" + url.QueryEscape(first)},
	} {
		r := b.want(t, http.StatusBadRequest, c.who, "GET", c.path, nil)
		if r.problemField() != "cursor" {
			t.Errorf("%s: field %q, want cursor", c.path, r.problemField())
		}
	}
}

// TestListFieldsMayNameID: every list returns its objects' ids whatever
// fields asks for, and naming id is accepted too.
func TestListFieldsMayNameID(t *testing.T) {
	b := setupStack(t)
	id := b.createView(t, ana, "porto-sul", "Exportações", "org")
	var list struct{ Data []map[string]any }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views?fields=id,name", nil).json(t, &list)
	if len(list.Data) != 1 || len(list.Data[0]) != 2 || list.Data[0]["id"] != id || list.Data[0]["name"] != "Exportações" {
		t.Fatalf("views?fields=id,name = %v", list.Data)
	}
	list.Data = nil
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views?fields=id", nil).json(t, &list)
	if len(list.Data) != 1 || len(list.Data[0]) != 1 || list.Data[0]["id"] != id {
		t.Fatalf("views?fields=id = %v", list.Data)
	}
	for _, path := range []string{"views?fields=id,name", "reports?fields=id,status", "schedules?fields=id,name",
		"uploads?fields=id,status", "invites?fields=id,email", "audit?fields=id,action"} {
		list.Data = nil
		b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/"+path, nil).json(t, &list)
		for _, o := range list.Data {
			if _, ok := o["id"]; !ok {
				t.Errorf("%s: an object without id: %v", path, o)
			}
		}
	}
	r := b.want(t, http.StatusBadRequest, ana, "GET", "/v1/orgs/porto-sul/views?fields=id,secret", nil)
	if r.problemField() != "fields" {
		t.Errorf("fields=id,secret: field %q", r.problemField())
	}
}

func TestViewsSparseFieldsAndInclude(t *testing.T) {
	b := setupStack(t)
	id := b.createView(t, ana, "porto-sul", "Exportações", "org")
	var list struct{ Data []map[string]any }
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/views?fields=name,version", nil).json(t, &list)
	if len(list.Data) != 1 {
		t.Fatalf("views: %v", list.Data)
	}
	keys := []string{}
	for k := range list.Data[0] {
		keys = append(keys, k)
	}
	if len(keys) != 3 || list.Data[0]["name"] != "Exportações" || list.Data[0]["id"] != id || list.Data[0]["version"] != float64(1) {
		t.Fatalf("sparse view = %v", list.Data[0])
	}
	var one map[string]any
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/views/"+id+"?include=owner&fields=owner", nil).json(t, &one)
	owner, _ := one["owner"].(map[string]any)
	if owner["email"] != ana || len(one) != 2 {
		t.Fatalf("view with owner = %v", one)
	}
	for _, bad := range []string{"?fields=name,secret", "?include=org", "?limit=0", "?limit=501", "?limit=ten", "?visibility=public", "?owner=ana"} {
		r := b.want(t, http.StatusBadRequest, dora, "GET", "/v1/orgs/porto-sul/views"+bad, nil)
		field := strings.SplitN(strings.TrimPrefix(bad, "?"), "=", 2)[0]
		if r.problemField() != field {
			t.Errorf("%s: field %q, want %q", bad, r.problemField(), field)
		}
	}
}

func TestViewsConcurrencyWithETags(t *testing.T) {
	b := setupStack(t)
	id := b.createView(t, ana, "porto-sul", "Original", "org")
	path := "/v1/orgs/porto-sul/views/" + id
	r := b.want(t, http.StatusOK, ana, "GET", path, nil)
	tag := r.header.Get("ETag")
	if tag != `"1"` {
		t.Fatalf("ETag = %q", tag)
	}
	r = b.want(t, http.StatusOK, ana, "PATCH", path, `{"name":"Renomeada"}`, "If-Match", tag)
	if r.header.Get("ETag") != `"2"` {
		t.Fatalf("ETag after PATCH = %q", r.header.Get("ETag"))
	}
	// otavio (owner) saw version 1 and is too late.
	b.want(t, http.StatusPreconditionFailed, otavio, "PATCH", path, `{"name":"Outra"}`, "If-Match", tag)
	b.want(t, http.StatusPreconditionFailed, otavio, "DELETE", path, nil, "If-Match", tag)
	b.want(t, http.StatusPreconditionFailed, otavio, "DELETE", path, nil, "If-Match", `W/"2"`)
	var v struct{ Name string }
	b.want(t, http.StatusOK, ana, "GET", path, nil).json(t, &v)
	if v.Name != "Renomeada" {
		t.Fatalf("name = %q", v.Name)
	}
	b.want(t, http.StatusNoContent, otavio, "DELETE", path, nil, "If-Match", `"2"`)
	b.want(t, http.StatusNotFound, ana, "GET", path, nil)
}

func TestViewsRefuseBadInputNamingIt(t *testing.T) {
	b := setupStack(t)
	views := "/v1/orgs/porto-sul/views"
	b.createView(t, ana, "porto-sul", "Única", "org")
	cases := []struct {
		name, body, field string
		status            int
		headers           []string
	}{
		{"malformed", `{"name":"x",`, "body", 400, nil},
		{"not an object", `[1,2]`, "body", 400, nil},
		{"trailing data", `{"name":"x","config":` + comexConfig + `} {}`, "body", 400, nil},
		{"unknown field", `{"name":"x","config":` + comexConfig + `,"owner_id":"me"}`, "owner_id", 400, nil},
		{"wrong type", `{"name":7,"config":` + comexConfig + `}`, "name", 400, nil},
		{"no name", `{"config":` + comexConfig + `}`, "name", 400, nil},
		{"no config", `{"name":"x"}`, "config", 400, nil},
		{"config not an object", `{"name":"x","config":"select 1"}`, "config", 400, nil},
		{"unknown dataset", `{"name":"x","config":{"dataset":"salaries","measures":["x"]}}`, "config.dataset", 400, nil},
		{"unknown measure", `{"name":"x","config":{"dataset":"comex_monthly","measures":["vl_fob_usd","1;drop table views"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`, "config.measures[1]", 400, nil},
		{"bad visibility", `{"name":"x","visibility":"public","config":` + comexConfig + `}`, "visibility", 400, nil},
		{"duplicate name", `{"name":"Única","config":` + comexConfig + `}`, "name", 409, nil},
		{"wrong content type", `{"name":"x","config":` + comexConfig + `}`, "", 415, []string{"Content-Type", "text/plain"}},
		{"too large", `{"name":"` + strings.Repeat("x", 2<<20) + `","config":{}}`, "", 413, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.want(t, c.status, ana, "POST", views, c.body, c.headers...)
			assertProblem(t, r)
			if c.field != "" && r.problemField() != c.field {
				t.Errorf("field %q, want %q: %s", r.problemField(), c.field, r.body)
			}
		})
	}
	// banco-regional is not entitled to comex_monthly: 403 naming the dataset.
	r := b.want(t, http.StatusForbidden, "oscar@banco-regional.demo", "POST", "/v1/orgs/banco-regional/views", `{"name":"x","config":`+comexConfig+`}`)
	if r.problemField() != "config.dataset" {
		t.Errorf("field %q", r.problemField())
	}
	// Nothing was half written.
	var list struct{ Data []json.RawMessage }
	b.want(t, http.StatusOK, ana, "GET", views, nil).json(t, &list)
	if len(list.Data) != 1 {
		t.Fatalf("%d views after refused writes, want 1", len(list.Data))
	}
	b.want(t, http.StatusBadRequest, ana, "PATCH", views+"/"+"00000000-0000-4000-8000-000000000000", `{}`)
}
