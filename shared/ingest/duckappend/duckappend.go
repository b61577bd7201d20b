// Package duckappend lands ingest rows through DuckDB's appender, several
// times faster than INSERT statements. Import it for its side effect where
// DuckDB is linked anyway (the local runner, tests, benchmarks):
//
//	import _ "github.com/mirante/mirante/shared/ingest/duckappend"
//
// It is a package of its own so that shared/ingest links no driver.
package duckappend

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/mirante/mirante/shared/ingest"
)

func init() { ingest.RegisterAppender(Open) }

// Open opens DuckDB's appender on conn for the target's per-row columns.
// The per-file constants (the file's sha256, Comex Stat's flow...) become
// the columns' DEFAULT for the time of the load, inside the load's
// transaction, so DuckDB fills them without a value per row, which costs
// the appender less than appending them with every row or a query appender
// that writes them as literals. Close drops the defaults again; a failed
// load rolls them back with everything else.
func Open(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) (ingest.Appender, error) {
	for _, c := range t.Consts {
		lit, err := literal(c.Value)
		if err != nil {
			return nil, fmt.Errorf("duckappend: column %s: %w", c.Column, err)
		}
		q := fmt.Sprintf("ALTER TABLE %s.%s ALTER COLUMN %s SET DEFAULT %s", t.Schema, t.Table, c.Column, lit)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("duckappend: %w", err)
		}
	}
	var a *duckdb.Appender
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("duckappend: %T is not a driver connection", dc)
		}
		var err error
		a, err = duckdb.NewAppenderWithColumns(c, "", t.Schema, t.Table, t.Columns)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &appender{ctx: ctx, a: a, conn: conn, t: t}, nil
}

// literal writes a constant as SQL; text is quoted, so a sha256 or a report
// title cannot break out of it.
func literal(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", nil
	case int64:
		return fmt.Sprint(x), nil
	case time.Time:
		return "DATE '" + x.Format("2006-01-02") + "'", nil
	}
	return "", fmt.Errorf("constant of type %T", v)
}

type appender struct {
	ctx  context.Context
	a    *duckdb.Appender
	conn *sql.Conn
	t    ingest.AppendTarget
}

func (p *appender) AppendRow(vals ...driver.Value) error { return p.a.AppendRow(vals...) }

func (p *appender) Close() error {
	if err := p.a.Close(); err != nil {
		return err
	}
	for _, c := range p.t.Consts {
		q := fmt.Sprintf("ALTER TABLE %s.%s ALTER COLUMN %s DROP DEFAULT", p.t.Schema, p.t.Table, c.Column)
		if _, err := p.conn.ExecContext(context.WithoutCancel(p.ctx), q); err != nil {
			return fmt.Errorf("duckappend: %w", err)
		}
	}
	return nil
}
