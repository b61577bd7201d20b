package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/config/configtest"
)

func TestConfigIsDocumented(t *testing.T) {
	configtest.AssertDocumented(t, "../../../shared/config/README.md", &Config{})
}

func TestUnknownTargetStopsAtStartNamingIt(t *testing.T) {
	t.Setenv("FUNCTION_TARGET", "Nope")
	err := realMain(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "FUNCTION_TARGET: ") {
		t.Fatalf("realMain() error = %v", err)
	}
}

// The binary that is deployed stops at start with one line naming a bad setting.
func TestBadSettingIsOneLine(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cases := []struct{ env, want string }{
		{"", "FUNCTION_TARGET: required but not set"},
		{"FUNCTION_TARGET=API", "APP_DATABASE_URL: required but not set"},
		{"FUNCTION_TARGET=API APP_DATABASE_URL=postgres://u@h/db LOG_LEVEL=loud", "LOG_LEVEL: must be debug, info, warn or error"},
	}
	for _, tc := range cases {
		cmd := exec.Command(bin)
		cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, strings.Fields(tc.env)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if err == nil {
			t.Fatalf("%q: the server started", tc.env)
		}
		if got := stderr.String(); got != tc.want+"\n" {
			t.Errorf("%q: stderr = %q, want the one line %q", tc.env, got, tc.want)
		}
	}
}

// The deployed binary links no local stand-in: DuckDB would add tens of
// megabytes and cold-start time, and the emulators have no place in production.
func TestDeployedBinaryLinksNoStandIn(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := string(out)
	if !strings.Contains(deps, "github.com/mirante/mirante/functions/api") {
		t.Fatal("go list -deps does not show the api function; the check would prove nothing")
	}
	for _, banned := range []string{"duckdb", "fake-gcs-server", "pubsub/v2/pstest", "shared/synthetic", "shared/demotenants"} {
		for _, dep := range strings.Split(deps, "\n") {
			if strings.Contains(dep, banned) {
				t.Errorf("the deployed binary links %s", dep)
			}
		}
	}
}
