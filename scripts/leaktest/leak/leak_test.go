package leak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// miniAPI is a toy of the API's shape, just enough for the suite to run:
// orgs with views, reports and schedules. With leaky set, a view is served
// to any member of any org that asks for its id — the classic broken
// object-level authorisation the suite exists to catch.
type miniAPI struct {
	leaky bool
	mu    sync.Mutex
	next  int
	views map[string]struct{ org, name string }
}

func (m *miniAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	org := map[string]string{"token-a": "org-a", "token-b": "org-b"}[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if org == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if !utf8.ValidString(r.URL.Path+r.URL.RawQuery) || strings.ContainsRune(r.URL.Path, 0) || !cleanQuery(r.URL.Query()) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"type":"urn:mirante:problem:invalid","title":"Bad Request","status":400,"detail":"not clean text"}`))
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // v1 orgs {org} kind {id}
	if len(parts) < 3 || parts[2] != org && parts[2] != "id-"+org {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	newID := func() string { m.next++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", m.next) }
	switch {
	case len(parts) == 3:
		reply(200, map[string]string{"id": "id-" + org, "role": "analyst"})
	case len(parts) == 4 && parts[3] == "views" && r.Method == "POST":
		var v struct{ Name string }
		_ = json.NewDecoder(r.Body).Decode(&v)
		id := newID()
		m.views[id] = struct{ org, name string }{org, v.Name}
		reply(201, map[string]string{"id": id})
	case len(parts) == 5 && parts[3] == "views" && r.Method == "GET":
		v, ok := m.views[parts[4]]
		if !ok || (v.org != org && !m.leaky) {
			reply(404, map[string]string{"detail": "view not found"})
			return
		}
		reply(200, map[string]string{"id": parts[4], "name": v.name})
	case len(parts) == 4 && parts[3] == "reports" && r.Method == "POST":
		var o struct {
			ViewID string `json:"view_id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&o)
		if v, ok := m.views[o.ViewID]; !ok || v.org != org {
			reply(400, map[string]string{"detail": "view_id: not found"})
			return
		}
		reply(202, map[string]string{"id": newID(), "status": "succeeded"})
	case r.URL.Query().Get("cursor") != "":
		reply(400, map[string]string{"detail": "invalid cursor"})
	case len(parts) == 4 && (parts[3] == "views" || parts[3] == "reports" || parts[3] == "audit") && r.Method == "GET":
		reply(200, map[string]any{"data": []any{}, "next_cursor": nil})
	default:
		reply(404, map[string]string{"detail": "not found"})
	}
}

// cleanQuery says whether every name and value decodes to UTF-8 without NUL.
func cleanQuery(q url.Values) bool {
	for k, vs := range q {
		for _, v := range append(vs, k) {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return false
			}
		}
	}
	return true
}

func TestTheSuiteFindsAPlantedLeakAndOnlyThen(t *testing.T) {
	for _, leaky := range []bool{false, true} {
		api := &miniAPI{leaky: leaky, views: map[string]struct{ org, name string }{}}
		srv := httptest.NewServer(api)
		res, err := Run(context.Background(), Config{BaseURL: srv.URL, Tenants: []Tenant{{Org: "org-a", Token: "token-a"}, {Org: "org-b", Token: "token-b"}}})
		srv.Close()
		if err != nil {
			t.Fatalf("leaky=%v: %v", leaky, err)
		}
		if res.Probes < 100 {
			t.Errorf("leaky=%v: only %d probes", leaky, res.Probes)
		}
		if leaky && len(res.Leaks) == 0 {
			t.Error("a view served across orgs went unnoticed")
		}
		if !leaky && len(res.Leaks) != 0 {
			t.Errorf("leaks reported against a correct server: %v", res.Leaks)
		}
	}
}
