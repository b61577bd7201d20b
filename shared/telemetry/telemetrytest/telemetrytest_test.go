package telemetrytest

import (
	"context"
	"io"
	"testing"

	"github.com/mirante/mirante/shared/telemetry"
)

func TestLeakFindsTokensAndEmails(t *testing.T) {
	cases := []struct {
		name, line string
		leaks      bool
	}{
		{"emulator token", `{"message":"x","token":"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJlbWFpbCI6ImFuYUBwb3J0by1zdWwuZGVtbyJ9."}`, true},
		{"bearer", `{"authorization":"Bearer abcdefghijklmnopqrstuvwxyz"}`, true},
		{"email", `{"message":"sign-in","who":"ana@porto-sul.demo"}`, true},
		{"ids only", `{"message":"request","org_id":"5f0c6a3e-1b1e-4c3e-9d6c-7b4a1f0e2d3c","user_id":"0b4d...","route":"GET /v1/me","logging.googleapis.com/trace":"4bf92f3577b34da6a3ce929d0e0e4736"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Leak([]byte(tc.line)) != ""; got != tc.leaks {
				t.Errorf("Leak(%s) found something = %v, want %v", tc.line, got, tc.leaks)
			}
		})
	}
}

// The guard sees what the services' loggers write, so the suite check can fail.
func TestGuardCatchesALoggedEmail(t *testing.T) {
	g := Install()
	defer g.Remove()
	log := telemetry.NewLogger(io.Discard, telemetry.Config{Level: "info"})
	log.InfoContext(context.Background(), "fine", "org_id", "5f0c6a3e")
	log.InfoContext(context.Background(), "oops", "email", "bruno@agro-nordeste.demo")
	if g.Lines() != 2 || len(g.Leaks()) != 1 {
		t.Fatalf("guard saw %d lines and %d leaks, want 2 and 1", g.Lines(), len(g.Leaks()))
	}
}
