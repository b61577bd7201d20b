package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mirante/mirante/shared/ingest"
)

// Land drops the rows an earlier load of the same file left in the
// landing table and opens the engine's appender on it.
func (s *session) Land(ctx context.Context, t ingest.AppendTarget) (ingest.Appender, error) {
	types, err := s.alignLanding(ctx, t.Table)
	if err != nil {
		return nil, err
	}
	st := s.st
	if st.LoadSeq != 0 {
		// A two-step load deletes nothing before it publishes: its models
		// delete the rows it replaces, those of the same file included.
		t.Consts = append(t.Consts, ingest.Const{Column: "load_seq", Value: st.LoadSeq})
	} else if err := s.exec(ctx, fmt.Sprintf(`DELETE FROM landing.%s WHERE file_sha256 = ?`, t.Table), st.SHA256); err != nil {
		return nil, err
	}
	for _, c := range t.Columns {
		typ, ok := types[c]
		if !ok {
			return nil, fmt.Errorf("landing.%s has no column %s", t.Table, c)
		}
		t.Types = append(t.Types, typ)
	}
	a, err := s.open(ctx, s.conn, t)
	if err != nil {
		return nil, fmt.Errorf("opening landing.%s: %w", t.Table, err)
	}
	return a, nil
}

// alignLanding brings a landing table whose column types differ from its
// model's (Comex Stat codes held as text where the model has integers) to
// the model's types, inside the load's transaction, and returns the types.
// Loads write only checked codes, so a cast leaves no value behind but the
// empty text of a missing optional code, which becomes NULL (a NOT NULL
// column refuses it, and the load fails whole).
func (s *session) alignLanding(ctx context.Context, table string) (map[string]string, error) {
	types, err := s.columnTypes(ctx, "landing", table)
	if err != nil {
		return nil, err
	}
	text, err := ingest.Model("duckdb", "landing_"+table)
	if err != nil {
		return nil, err
	}
	cols, err := ingest.ParseColumns(text)
	if err != nil {
		return nil, fmt.Errorf("model landing_%s: %w", table, err)
	}
	for _, c := range cols {
		have, ok := types[c.Name]
		if !ok {
			continue
		}
		want, err := s.resolveType(ctx, c.Type)
		if err != nil {
			return nil, err
		}
		if have == want {
			continue
		}
		q := fmt.Sprintf(`ALTER TABLE landing.%s ALTER COLUMN %s SET DATA TYPE %s USING TRY_CAST(%s AS %s)`, table, c.Name, c.Type, c.Name, c.Type)
		if err := s.exec(ctx, q); err != nil {
			return nil, fmt.Errorf("landing.%s.%s from %s to %s: %w", table, c.Name, have, c.Type, err)
		}
		types[c.Name] = c.Type
	}
	return types, nil
}

// resolveType spells a model's column type as information_schema does:
// a user type (landing.comex_uf) becomes its definition (ENUM('AC', ...)).
func (s *session) resolveType(ctx context.Context, typ string) (string, error) {
	if !strings.Contains(typ, ".") {
		return typ, nil
	}
	var def string
	if err := s.conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT typeof(CAST(NULL AS %s))`, typ)).Scan(&def); err != nil {
		return "", fmt.Errorf("type %s: %w", typ, err)
	}
	return def, nil
}

func (s *session) columnTypes(ctx context.Context, schema, table string) (map[string]string, error) {
	out, err := stringPairs(ctx, s.conn, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ?`, schema, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s.%s: %w", schema, table, err)
	}
	return out, nil
}

// stringPairs reads a query's two text columns into a map, the first
// column's value to the second's.
func stringPairs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
