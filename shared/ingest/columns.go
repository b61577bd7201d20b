package ingest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ModelColumn is a column of a model's CREATE TABLE: its type as the
// model spells it, NOT NULL.
type ModelColumn struct {
	Name     string
	Type     string
	Required bool
}

// columnRE is one column of a model: a type is a keyword or a qualified
// user type (DuckDB's enums, landing.comex_uf).
var columnRE = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s+([A-Z0-9]+|[a-z_]+\.[a-z0-9_]+)(\s+NOT NULL)?$`)

var createTableRE = regexp.MustCompile(`(?i)\bCREATE\s+(OR\s+REPLACE\s+)?TABLE\b`)

// ParseColumns reads the column list of a model's CREATE TABLE (name TYPE
// [NOT NULL], comma-separated): a BigQuery load job's schema, or the types
// a DuckDB landing table should have. Statements before it (CREATE TYPE)
// are skipped.
func ParseColumns(model string) ([]ModelColumn, error) {
	var code strings.Builder
	for _, line := range strings.Split(model, "\n") {
		if l := strings.TrimSpace(line); !strings.HasPrefix(l, "--") {
			code.WriteString(line)
			code.WriteByte('\n')
		}
	}
	text := code.String()
	if loc := createTableRE.FindStringIndex(text); loc != nil {
		text = text[loc[0]:]
	}
	// The column list is the table's first parenthesis, up to its match
	// (table options such as OPTIONS (...) may follow).
	open, end := strings.IndexByte(text, '('), -1
	for i, depth := open+1, 1; open >= 0 && i < len(text) && end < 0; i++ {
		switch text[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				end = i
			}
		}
	}
	if open < 0 || end < 0 {
		return nil, errors.New("no column list")
	}
	var out []ModelColumn
	for _, part := range strings.Split(text[open+1:end], ",") {
		m := columnRE.FindStringSubmatch(strings.Join(strings.Fields(part), " "))
		if m == nil {
			return nil, fmt.Errorf("column %q is not `name TYPE [NOT NULL]`", strings.TrimSpace(part))
		}
		out = append(out, ModelColumn{Name: m[1], Type: m[2], Required: m[3] != ""})
	}
	return out, nil
}
