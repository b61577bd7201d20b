package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
)

func TestHealthzAddsTheRendererWhereOneIsSet(t *testing.T) {
	quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for _, tc := range []struct {
		name   string
		status func() string
		want   any
	}{
		{"no renderer in this process", nil, nil},
		{"renderer ready", func() string { return "ready" }, "ready"},
		{"renderer missing programs", func() string { return "missing: pandoc, chromium" }, "missing: pandoc, chromium"},
	} {
		s := &Server{Users: fakeUsers{}, Verifier: fakeVerifier{}, Health: fakePing{}, Log: quiet, RendererStatus: tc.status}
		rec, body := do(t, s.Handler(), http.MethodGet, "/healthz", "")
		// A missing renderer never fails the check Cloud Run relies on.
		if rec.Code != http.StatusOK || body["status"] != "ok" {
			t.Fatalf("%s: status %d body %s", tc.name, rec.Code, rec.Body)
		}
		if body["renderer"] != tc.want {
			t.Errorf("%s: renderer = %v, want %v", tc.name, body["renderer"], tc.want)
		}
	}
}
