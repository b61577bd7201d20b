// Package configtest checks that every setting a binary reads is documented
// in the configuration table of shared/config/README.md, with the default the
// code applies.
package configtest

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/config"
)

var row = regexp.MustCompile("^\\|\\s*`([A-Z0-9_]+)`\\s*\\|([^|]*)\\|")

// AssertDocumented fails t for each variable of parts that has no row in the
// README at readmePath, or whose row gives another default. A row looks like
// "| `NAME` | `default` | binaries | meaning |", with *required* or — as the
// default of a variable without one.
func AssertDocumented(t *testing.T, readmePath string, parts ...any) {
	t.Helper()
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if m := row.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			rows[m[1]] = strings.TrimSpace(m[2])
		}
	}
	vars, err := config.Describe(parts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		got, ok := rows[v.Name]
		if !ok {
			t.Errorf("README.md has no configuration row for %s", v.Name)
			continue
		}
		want := "—"
		switch {
		case v.Required:
			want = "*required*"
		case v.Default != "":
			want = "`" + v.Default + "`"
		}
		if got != want {
			t.Errorf("README.md gives %s the default %s, the code %s", v.Name, got, want)
		}
	}
}
