package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mirante/mirante/shared/tenant"
)

// A path or query string that decodes to NUL or invalid UTF-8 is refused
// with 400 problem+json naming which of the two, before any route (the
// test server has no tenant resolver: a route reached would panic into a
// 500); clean text, percent-encoded or not, passes.
func TestPathsAndQueriesMustBeCleanText(t *testing.T) {
	h := newTestServer(fakeUsers{membershipsFunc: func(context.Context) ([]tenant.Membership, error) { return nil, nil }}, io.Discard)
	cases := []struct {
		target, rawQuery string
		status           int
		field            string
	}{
		{"/v1/orgs/%00/views", "", http.StatusBadRequest, "path"},
		{"/v1/orgs/porto-sul/views/%FF%FE", "", http.StatusBadRequest, "path"},
		{"/v1/orgs/porto-sul/views/a%C3", "", http.StatusBadRequest, "path"},
		{"/v1/me?x=%00", "", http.StatusBadRequest, "query"},
		{"/v1/me?%00=x", "", http.StatusBadRequest, "query"},
		{"/v1/me?a=1&b=%C3%28", "", http.StatusBadRequest, "query"},
		{"/v1/me?a=1;b=%ff", "", http.StatusBadRequest, "query"},
		{"/v1/me", "x=\xff", http.StatusBadRequest, "query"},
		{"/v1/me", "x=\x00", http.StatusBadRequest, "query"},
		{"/healthz?x=%00", "", http.StatusBadRequest, "query"},
		{"/v1/orgs/%00/views", "", http.StatusBadRequest, "path"}, // with no token: still 400, before authentication
		{"/v1/me?q=a%C3%A7%C3%A3o+%E6%97%A5", "", http.StatusOK, ""},
		{"/v1/me?q=%zz", "", http.StatusOK, ""},
		{"/healthz", "", http.StatusOK, ""},
	}
	for i, c := range cases {
		req := httptest.NewRequest("GET", c.target, nil)
		if c.rawQuery != "" {
			req.URL.RawQuery = c.rawQuery
		}
		if i != 10 {
			req.Header.Set("Authorization", "Bearer good")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s %q: status %d, want %d: %s", c.target, c.rawQuery, rec.Code, c.status, rec.Body)
			continue
		}
		if c.status != http.StatusBadRequest {
			continue
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", c.target, ct)
		}
		if f := problemFieldOf(rec.Body.Bytes()); f != c.field {
			t.Errorf("%s %q: field %q, want %q", c.target, c.rawQuery, f, c.field)
		}
	}
}

func problemFieldOf(body []byte) string {
	var p struct {
		Errors []struct{ Field string }
	}
	_ = json.Unmarshal(body, &p)
	if len(p.Errors) == 0 {
		return ""
	}
	return p.Errors[0].Field
}
