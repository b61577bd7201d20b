package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/httpapi"
)

func TestStrictJSONRefusesWhatDecodersWouldLetThrough(t *testing.T) {
	b := setupStack(t)
	spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`
	deep := strings.Repeat("[", 40) + strings.Repeat("]", 40)
	many := `["` + strings.Repeat(`vl_fob_usd","`, 1200) + `vl_fob_usd"]`
	cases := []struct {
		name, path, body, field string
	}{
		{"duplicate key", "/views", `{"name":"a","name":"b","config":` + spec + `}`, "name"},
		{"nested duplicate key", "/views", `{"name":"a","config":{"dataset":"comex_monthly","dataset":"caged_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`, "config.dataset"},
		{"duplicate key in a query", "/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"limit":5,"limit":5000}`, "limit"},
		{"deep nesting", "/views", `{"name":"a","config":` + spec + `,"x":` + deep + `}`, "body"},
		{"huge array", "/query", `{"dataset":"comex_monthly","measures":` + many + `}`, "measures"},
		{"invalid UTF-8", "/views", "{\"name\":\"caf\xe9\",\"config\":" + spec + "}", "body"},
		{"unknown field", "/views", `{"name":"a","config":` + spec + `,"owner_id":"x"}`, "owner_id"},
		{"two values", "/views", `{"name":"a","config":` + spec + `}{}`, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.do(t, ana, "POST", "/v1/orgs/porto-sul"+c.path, c.body)
			if r.status != http.StatusBadRequest || r.problemField() != c.field {
				t.Errorf("status %d, field %q, want 400 naming %q: %s", r.status, r.problemField(), c.field, r.body)
			}
			assertProblem(t, r)
		})
	}
	var n int
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select count(*) from views where name in ('a', 'b', 'café')`).Scan(&n)
	})
	if n != 0 {
		t.Errorf("%d views were stored from refused bodies", n)
	}
}

func TestSecurityHeadersAndCORS(t *testing.T) {
	b := setupStack(t)
	for _, path := range []string{"/healthz", "/v1/me"} {
		r := b.do(t, ana, "GET", path, nil)
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if r.header.Get(k) != want {
				t.Errorf("%s: %s = %q", path, k, r.header.Get(k))
			}
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || r.header.Get("Strict-Transport-Security") == "" {
			t.Errorf("%s: CSP %q, HSTS %q", path, r.header.Get("Content-Security-Policy"), r.header.Get("Strict-Transport-Security"))
		}
	}
	if cc := b.do(t, ana, "GET", "/v1/orgs/porto-sul/views", nil).header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("tenant data may be cached: Cache-Control %q", cc)
	}

	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, b.srv.URL+"/v1/orgs/porto-sul/query", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := preflight("http://127.0.0.1:5173"); r.StatusCode != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:5173" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from the SPA: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("https://evil.example"); r.StatusCode != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", r.StatusCode, r.Header)
	}
	r := b.do(t, ana, "GET", "/v1/orgs/porto-sul/views", nil, "Origin", "https://evil.example")
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin may read answers: %v", r.header)
	}
	r = b.do(t, ana, "GET", "/v1/orgs/porto-sul/views", nil, "Origin", "http://localhost:5173")
	if r.header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "RateLimit-Remaining") {
		t.Errorf("the SPA's origin: %v", r.header)
	}
}

// TestMalformedRequestsNeverFailTheServer drives every route of the OpenAPI
// document with malformed input as a member of the org: each answer must be
// a 4xx problem, never a 5xx.
func TestMalformedRequestsNeverFailTheServer(t *testing.T) {
	b := setupStack(t)
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00", "..%2F..%2Fetc", strings.Repeat("9", 3000), "'%20OR%201=1--"}
	queries := []string{"", "?limit=-1", "?limit=abc", "?limit=999999", "?cursor=garbage", "?cursor=" + strings.Repeat("A", 5000),
		"?fields=;;;", "?include=everything", "?field=", "?field=uf&q=" + strings.Repeat("%FF", 10), "?page_size=0"}
	bodies := []struct{ ct, body string }{
		{"application/json", `{`},
		{"application/json", `[]`},
		{"application/json", `null`},
		{"application/json", `{"name":1,"config":"x","format":{},"email":[],"role":7,"datasets":"all","cron":null}`},
		{"application/json", `{"a":1,"a":2}`},
		{"text/plain", `hello`},
		{"application/json", strings.Repeat(" ", 2<<20) + "{}"},
		{"text/csv", "month;uf;metric;value\n2025-13;XX;;abc\n"},
	}
	tok := b.token(t, otavio) // owner: every route's handler is reached
	tried, fives := 0, map[string]int{}
	send := func(method, path, ct, body string) {
		req, err := http.NewRequest(method, b.srv.URL+path, bytes.NewReader([]byte(body)))
		if err != nil {
			return // a path Go itself refuses to build is not sent
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		req.Header.Set("If-Match", `"garbage"`)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		var p map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		tried++
		if resp.StatusCode >= 500 {
			fives[method+" "+path+" ("+ct+")"] = resp.StatusCode
		}
		if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d without problem+json", method, path, resp.StatusCode)
		}
	}
	paths := doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, tmpl := range keys {
		for method := range paths[tmpl].Operations() {
			for _, id := range ids {
				p := strings.NewReplacer("{org}", "porto-sul", "{id}", id, "{user}", id).Replace(tmpl)
				if !strings.Contains(tmpl, "{id}") && !strings.Contains(tmpl, "{user}") && id != ids[0] {
					continue
				}
				for _, q := range queries {
					if method == http.MethodGet {
						send(method, p+q, "", "")
					}
				}
				if method != http.MethodGet {
					for _, bd := range bodies {
						send(method, p, bd.ct, bd.body)
					}
				}
			}
		}
	}
	if len(fives) > 0 {
		t.Errorf("%d of %d malformed requests failed the server: %v", len(fives), tried, fives)
	}
	t.Logf("%d malformed requests, %d answered 5xx", tried, len(fives))
}

// A client that goes away mid-request is not a server error: the answer
// nobody reads is logged 499, not 5xx (alerts count those) nor 401.
func TestClientDisconnectIsNotAServerError(t *testing.T) {
	b := setupStack(t)
	tok := b.token(t, ana)
	for _, path := range []string{"/v1/me", "/v1/orgs/porto-sul/views", "/v1/orgs/porto-sul/datasets"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // gone before the server could answer
		req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		b.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code != httpapi.StatusClientClosed {
			t.Errorf("%s with the client gone: %d, want 499", path, rec.Code)
		}
	}
}
