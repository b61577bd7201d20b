package bigquery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/mirante/mirante/shared/ingest"
)

// query runs a loader's query: DuckDB-style ? placeholders become named
// parameters @p1, @p2...
func (r *remoteRun) query(q string, args ...any) ([][]any, error) {
	var b strings.Builder
	var params []RemoteParam
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
		case c == '?' && !inQuote:
			n := len(params) + 1
			if n > len(args) {
				return nil, fmt.Errorf("query has more placeholders than its %d arguments", len(args))
			}
			name := "p" + strconv.Itoa(n)
			b.WriteString("@" + name)
			params = append(params, RemoteParam{Name: name, Value: remoteValue(args[n-1])})
			continue
		}
		b.WriteByte(c)
	}
	if len(params) != len(args) {
		return nil, fmt.Errorf("query has %d placeholders for %d arguments", len(params), len(args))
	}
	return r.wh.Query(r.ctx, RemoteQuery{Source: r.st.Source.ID, SQL: b.String(), Params: params})
}

// Query answers the loaders' queries: from BigQuery, except while the
// models are being planned (their tables do not hold the file yet), when
// every query answers no rows.
func (r *remoteRun) Query(_ context.Context, q string, args ...any) (ingest.Rows, error) {
	if !r.live {
		return &valueRows{}, nil
	}
	rows, err := r.query(q, args...)
	if err != nil {
		return nil, err
	}
	return &valueRows{rows: rows}, nil
}

func (r *remoteRun) QueryRow(ctx context.Context, q string, args ...any) ingest.Row {
	if !r.live {
		return valueRow{planning: true} // scans nothing: the destinations keep their zero values
	}
	rows, err := r.Query(ctx, q, args...)
	return valueRow{rows: rows, err: err}
}

// valueRows iterates over rows already read.
type valueRows struct {
	rows [][]any
	i    int
}

func (v *valueRows) Next() bool {
	if v.i >= len(v.rows) {
		return false
	}
	v.i++
	return true
}

func (v *valueRows) Scan(dest ...any) error {
	if v.i == 0 || v.i > len(v.rows) {
		return errors.New("scan without a row")
	}
	return scanValues(v.rows[v.i-1], dest)
}

func (v *valueRows) Err() error   { return nil }
func (v *valueRows) Close() error { return nil }

type valueRow struct {
	rows     ingest.Rows
	err      error
	planning bool
}

func (v valueRow) Scan(dest ...any) error {
	if v.planning {
		return nil
	}
	if v.err != nil {
		return v.err
	}
	if !v.rows.Next() {
		return sql.ErrNoRows
	}
	return v.rows.Scan(dest...)
}

// scanValues assigns BigQuery values to the destinations the loaders use.
func scanValues(row []any, dest []any) error {
	if len(row) != len(dest) {
		return fmt.Errorf("scanning %d columns into %d values", len(row), len(dest))
	}
	for i, v := range row {
		if err := scanValue(v, dest[i]); err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
	}
	return nil
}

func scanValue(v any, dest any) error {
	if d, ok := v.(civil.Date); ok {
		v = d.In(time.UTC)
	}
	switch d := dest.(type) {
	case *any:
		*d = v
		return nil
	case *string:
		switch x := v.(type) {
		case string:
			*d = x
			return nil
		case nil:
			*d = ""
			return nil
		}
	case *sql.NullString:
		return d.Scan(v)
	case *sql.NullInt64:
		return d.Scan(v)
	case *sql.NullTime:
		return d.Scan(v)
	case *int64:
		if x, ok := v.(int64); ok {
			*d = x
			return nil
		}
	case *int:
		if x, ok := v.(int64); ok {
			*d = int(x)
			return nil
		}
	case *float64:
		if x, ok := v.(float64); ok {
			*d = x
			return nil
		}
	case *time.Time:
		if x, ok := v.(time.Time); ok {
			*d = x
			return nil
		}
	}
	return fmt.Errorf("cannot scan %T into %T", v, dest)
}
