// Package sqlcheck checks compiled SQL offline, from tests. BigQuery itself
// cannot be reached from our machines, so its SQL is parsed by sql-parser-cst
// (npm, BigQuery dialect) through scripts/sqlcheck/parse.mjs; the parser and
// node come from the repository root's package.json (npm ci).
package sqlcheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// parseTimeout bounds one run of the parser; parsing a few files takes well
// under a second, so reaching it means node hung.
const parseTimeout = time.Minute

// ParseBigQuery fails t unless each file holds exactly one BigQuery statement
// that parses, with named parameters (@name) allowed. A syntax error is
// reported with the parser's message, which names the file, line and column.
// Without node or the npm packages it fails saying how to install them: it
// never skips.
func ParseBigQuery(t testing.TB, files ...string) {
	t.Helper()
	if len(files) == 0 {
		t.Fatal("sqlcheck.ParseBigQuery: no files to parse")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("sqlcheck: %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("sqlcheck: node is not installed (scripts/dev deps installs it): %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "sql-parser-cst", "package.json")); err != nil {
		t.Fatalf("sqlcheck: sql-parser-cst is not installed: run `npm ci` in %s", root)
	}
	args := []string{filepath.Join("scripts", "sqlcheck", "parse.mjs")}
	for _, f := range files {
		args = append(args, relativeTo(root, f))
	}
	ctx, cancel := context.WithTimeout(t.Context(), parseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		t.Fatalf("sqlcheck: the parser did not finish within %s: %v", parseTimeout, ctx.Err())
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		t.Errorf("BigQuery SQL does not parse (sql-parser-cst):\n%s", out)
	default:
		t.Fatalf("sqlcheck: running node %s: %v\n%s", args[0], err, out)
	}
}

// relativeTo names the file from root, so that messages read like paths in
// the repository; it falls back to the absolute path.
func relativeTo(root, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	if rel, err := filepath.Rel(root, abs); err == nil {
		return rel
	}
	return abs
}

// repoRoot walks up from the working directory (a test's is its package
// folder) to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
