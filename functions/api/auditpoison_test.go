package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A member cannot silence the audit log: a viewer's requests with NUL or
// invalid UTF-8 in the path or query string are refused with 400
// problem+json (never 500), and neither they nor a query string whose
// summary passes 2 KB only in jsonb's text keep any entry of the same
// batch from being stored. Every action of the admin, interleaved with
// them, is in GET /audit.
func TestPoisonedRequestsCannotSilenceTheAuditLog(t *testing.T) {
	// One flush interval longer than the test: the entries share batches.
	b := setupStack(t, "AUDIT_FLUSH_INTERVAL=5s")
	var near strings.Builder
	for i := range 180 {
		fmt.Fprintf(&near, "&p%03d=v", i)
	}
	poisoned := []struct {
		path   string
		status int
	}{
		{"/v1/orgs/porto-sul/views?x=%00", http.StatusBadRequest},
		{"/v1/orgs/porto-sul/views/%FF%FE", http.StatusBadRequest},
		{"/v1/orgs/%00/views", http.StatusBadRequest},
		{"/v1/orgs/porto-sul/datasets?q=%C3%28", http.StatusBadRequest},
		{"/v1/orgs/porto-sul/members/%00", http.StatusBadRequest},
		{"/v1/orgs/porto-sul/views?visibility=org" + near.String(), http.StatusOK},
		{"/v1/orgs/porto-sul/audit?%00=x", http.StatusBadRequest},
	}
	admin := []struct{ method, path, body string }{
		{"GET", "/v1/orgs/porto-sul", ""},
		{"GET", "/v1/orgs/porto-sul/views", ""},
		{"POST", "/v1/orgs/porto-sul/views", `{"name":"depois do veneno","visibility":"org","config":` + comexConfig + `}`},
		{"GET", "/v1/orgs/porto-sul/members", ""},
		{"GET", "/v1/orgs/porto-sul/views/00000000-0000-4000-8000-000000000000", ""},
		{"GET", "/v1/orgs/porto-sul/datasets", ""},
		{"GET", "/v1/orgs/porto-sul/audit?action=views.list", ""},
	}
	trace := func(i int) string { return fmt.Sprintf("%032x", 0xa0d17+i) }
	for i, a := range admin {
		p := poisoned[i%len(poisoned)]
		r := b.do(t, dora, "GET", p.path, nil)
		if r.status != p.status {
			t.Errorf("GET %s as the viewer: %d, want %d: %.200s", p.path, r.status, p.status, r.body)
		} else if p.status >= 400 {
			assertProblem(t, r)
		}
		var body any
		if a.body != "" {
			body = a.body
		}
		if r := b.do(t, ana, a.method, a.path, body, "traceparent", "00-"+trace(i)+"-00f067aa0ba902b7-01"); r.status >= 500 {
			t.Fatalf("%s %s as the admin: %d", a.method, a.path, r.status)
		}
	}
	b.close() // flushes what is queued, as SIGTERM does
	b2 := reopen(t, b)
	anaID, doraID := b2.userID(t, ana), b2.userID(t, dora)
	seen := map[string]bool{}
	var page struct {
		Data []struct {
			TraceID string `json:"trace_id"`
			Action  string
			Summary map[string]any
		}
	}
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/audit?limit=500&user="+url.QueryEscape(anaID), nil).json(t, &page)
	for _, e := range page.Data {
		seen[e.TraceID] = true
	}
	for i, a := range admin {
		if !seen[trace(i)] {
			t.Errorf("the admin's %s %s is not in the audit log", a.method, a.path)
		}
	}
	// The viewer's long query string is recorded too, its summary cut to
	// a note that fits.
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/audit?action=views.list&user="+url.QueryEscape(doraID), nil).json(t, &page)
	if len(page.Data) != 1 || page.Data[0].Summary["truncated"] != true {
		t.Errorf("the viewer's views.list entries: %+v", page.Data)
	}
}
