package api

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/telemetry/telemetrytest"
)

// LGPD: whatever a client puts in a request (its token, e-mail addresses in
// the body, the query string or headers), the lines the api's logger writes
// hold neither. Requests that fail (401, 400) are included: error paths are
// where a raw value tends to end up in a log.
func TestLogsHoldNoTokenNorEmail(t *testing.T) {
	b := setupStack(t)
	const mail = "ana@porto-sul.demo"
	tok := b.token(t, ana)
	forged := tok[:len(tok)-2] + "xx"

	var mu sync.Mutex
	var lines [][]byte
	remove := telemetry.AddLogTap(func(line []byte) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, bytes.Clone(line))
	})
	defer remove()

	q := url.Values{"email": {mail}, "access_token": {tok}}.Encode()
	probes := []struct {
		name, email, method, path string
		body                      any
		headers                   []string
		want                      int
	}{
		{"query string", ana, "GET", "/v1/me?" + q, nil, nil, http.StatusOK},
		{"forged token", "", "GET", "/v1/me", nil, []string{"Authorization", "Bearer " + forged}, http.StatusUnauthorized},
		{"token as a header value", "", "GET", "/v1/orgs/porto-sul/views", nil, []string{"Authorization", "Basic " + tok, "X-Forwarded-Email", mail}, http.StatusUnauthorized},
		{"e-mail and token in a refused body", ana, "POST", "/v1/orgs/porto-sul/views",
			`{"name":"` + mail + `","config":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]},"note":"` + tok + `"}`, nil, http.StatusBadRequest},
		{"e-mail as a filter value", ana, "POST", "/v1/orgs/porto-sul/query",
			`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"uf","op":"eq","value":"` + mail + `"},{"field":"flow","op":"eq","value":"export"}]}`, nil, http.StatusBadRequest},
		{"token as a view name", ana, "POST", "/v1/orgs/porto-sul/views",
			`{"name":"` + mail + ` ` + tok[:150] + `","config":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`, nil, 0},
		{"member lookup by e-mail", ana, "POST", "/v1/orgs/porto-sul/members", `{"email":"nobody-` + mail + `","role":"viewer"}`, nil, 0},
	}
	for _, p := range probes {
		r := b.do(t, p.email, p.method, p.path, p.body, p.headers...)
		if p.want != 0 && r.status != p.want {
			t.Errorf("%s: status %d, want %d: %s", p.name, r.status, p.want, r.body)
		}
		if r.status >= 500 {
			t.Errorf("%s: status %d: %s", p.name, r.status, r.body)
		}
	}
	b.close() // flushes what the server still holds

	mu.Lock()
	defer mu.Unlock()
	if len(lines) < len(probes) {
		t.Fatalf("the logger wrote %d lines for %d requests: the scan read too little to mean anything", len(lines), len(probes))
	}
	payload := tok[:strings.LastIndex(tok, ".")]
	for _, l := range lines {
		s := string(l)
		switch {
		case strings.Contains(s, payload) || strings.Contains(s, forged[:40]):
			t.Errorf("a log line holds the token: %s", s)
		case strings.Contains(strings.ToLower(s), mail) || strings.Contains(s, url.QueryEscape(mail)):
			t.Errorf("a log line holds the e-mail address: %s", s)
		case telemetrytest.Leak(l) != "":
			t.Errorf("a log line holds %q: %s", telemetrytest.Leak(l), s)
		}
	}
}
