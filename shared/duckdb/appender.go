package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	duckdbdriver "github.com/duckdb/duckdb-go/v2"

	"github.com/mirante/mirante/shared/ingest"
)

// OpenAppender opens DuckDB's appender on conn for the target's per-row columns.
// The per-file constants (the file's sha256, Comex Stat's flow...) become
// the columns' DEFAULT for the time of the load, inside the load's
// transaction, so DuckDB fills them without a value per row, which costs
// the appender less than appending them with every row or a query appender
// that writes them as literals. Close drops the defaults again; a failed
// load rolls them back with everything else.
func OpenAppender(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) (ingest.Appender, error) {
	if err := setDefaults(ctx, conn, t); err != nil {
		return nil, err
	}
	var a *duckdbdriver.Appender
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("appender: %T is not a driver connection", dc)
		}
		var err error
		a, err = duckdbdriver.NewAppenderWithColumns(c, "", t.Schema, t.Table, t.Columns)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ingestAppender{ctx: ctx, a: a, conn: conn, t: t}, nil
}

// setDefaults makes the target's constants its columns' DEFAULT.
func setDefaults(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) error {
	for _, c := range t.Consts {
		lit, err := literal(c.Value)
		if err != nil {
			return fmt.Errorf("appender: column %s: %w", c.Column, err)
		}
		q := fmt.Sprintf("ALTER TABLE %s.%s ALTER COLUMN %s SET DEFAULT %s", t.Schema, t.Table, c.Column, lit)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("appender: %w", err)
		}
	}
	return nil
}

// dropDefaults undoes setDefaults, also after ctx ended.
func dropDefaults(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) error {
	for _, c := range t.Consts {
		q := fmt.Sprintf("ALTER TABLE %s.%s ALTER COLUMN %s DROP DEFAULT", t.Schema, t.Table, c.Column)
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), q); err != nil {
			return fmt.Errorf("appender: %w", err)
		}
	}
	return nil
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

type ingestAppender struct {
	ctx  context.Context
	a    *duckdbdriver.Appender
	conn *sql.Conn
	t    ingest.AppendTarget
}

func (p *ingestAppender) AppendRow(vals ...driver.Value) error { return p.a.AppendRow(vals...) }

func (p *ingestAppender) Close() error {
	if err := p.a.Close(); err != nil {
		return err
	}
	return dropDefaults(p.ctx, p.conn, p.t)
}
