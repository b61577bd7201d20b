package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/mirante/mirante/shared/ingest"
)

// insertBatch is how many rows one INSERT carries in the portable path.
const insertBatch = 200

// InsertAppender is the portable path: batched INSERT ... VALUES through
// database/sql, which any SQL engine takes (PortableIngest loads with it).
func InsertAppender(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) (ingest.Appender, error) {
	cols := append([]string(nil), t.Columns...)
	var consts []any
	for _, c := range t.Consts {
		cols = append(cols, c.Column)
		consts = append(consts, c.Value)
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	return &batchInserter{ctx: ctx, conn: conn, row: row, width: len(t.Columns), consts: consts,
		head: fmt.Sprintf("INSERT INTO %s.%s (%s) VALUES ", t.Schema, t.Table, strings.Join(cols, ", "))}, nil
}

type batchInserter struct {
	ctx    context.Context
	conn   *sql.Conn
	head   string
	row    string
	width  int
	consts []any
	args   []any
	n      int
}

func (b *batchInserter) AppendRow(vals ...driver.Value) error {
	if len(vals) != b.width {
		return fmt.Errorf("appending %d values to %d columns", len(vals), b.width)
	}
	for _, v := range vals {
		b.args = append(b.args, v)
	}
	b.args = append(b.args, b.consts...)
	b.n++
	if b.n == insertBatch {
		return b.flush()
	}
	return nil
}

func (b *batchInserter) flush() error {
	if b.n == 0 {
		return nil
	}
	q := b.head + strings.TrimSuffix(strings.Repeat(b.row+", ", b.n), ", ")
	_, err := b.conn.ExecContext(b.ctx, q, b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

func (b *batchInserter) Close() error { return b.flush() }
