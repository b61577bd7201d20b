package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/ingest"
)

var paramRE = regexp.MustCompile(`\$([a-z_][a-z0-9_]*)`)

// RunModels runs DuckDB models in order. A model may hold several
// statements, each ending with ';' at the end of a line; named parameters
// ($name) are bound from params.
func (s *session) RunModels(ctx context.Context, params map[string]any, names ...string) error {
	for _, name := range names {
		text, err := ingest.Model("duckdb", name)
		if err != nil {
			return err
		}
		for _, stmt := range splitStatements(text) {
			args, err := s.modelArgs(name, stmt, params)
			if err != nil {
				return err
			}
			t0 := time.Now()
			if _, err := s.conn.ExecContext(ctx, stmt, args...); err != nil {
				return fmt.Errorf("model %s: %w", name, err)
			}
			s.st.Step(name, time.Since(t0))
		}
	}
	return nil
}

// modelArgs binds the named parameters ($name) a model's statement uses
// from params; $file_sha256 is the load's file unless params say
// otherwise.
func (s *session) modelArgs(name, stmt string, params map[string]any) ([]any, error) {
	var args []any
	seen := map[string]bool{}
	for _, m := range paramRE.FindAllStringSubmatch(stmt, -1) {
		p := m[1]
		if seen[p] {
			continue
		}
		seen[p] = true
		v, ok := params[p]
		if !ok && p == "file_sha256" {
			v, ok = s.st.SHA256, true
		}
		if !ok {
			return nil, fmt.Errorf("model %s: no value for $%s", name, p)
		}
		args = append(args, sql.Named(p, v))
	}
	return args, nil
}

// splitStatements splits a model at lines ending with ';', dropping
// comment-only and empty statements.
func splitStatements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\r\n"), ";") {
			if s := strings.TrimSpace(cur.String()); hasCode(s) {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); hasCode(s) {
		out = append(out, s)
	}
	return out
}

func hasCode(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") && line != ";" {
			return true
		}
	}
	return false
}
