package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/ingest"
)

const landingDDL = `CREATE TYPE IF NOT EXISTS uf AS ENUM ('RJ', 'SP');
CREATE TABLE %s (file VARCHAR NOT NULL, line BIGINT NOT NULL, n INTEGER, s SMALLINT, name VARCHAR,
  uf uf, d DOUBLE, day DATE, b BOOLEAN)`

// landingTarget is landingDDL's table as session.Land describes it.
func landingTarget(table string) ingest.AppendTarget {
	return ingest.AppendTarget{Schema: "main", Table: table,
		Columns: []string{"line", "n", "s", "name", "uf", "d", "day", "b"},
		Types:   []string{"BIGINT", "INTEGER", "SMALLINT", "VARCHAR", "ENUM('RJ', 'SP')", "DOUBLE", "DATE", "BOOLEAN"},
		Consts:  []ingest.Const{{Column: "file", Value: "f1"}}}
}

// mixedBatch is rows [from, from+n) of a batch with every kind of cell,
// NULLs scattered so that each chunk has some where the last had values.
func mixedBatch(from, n int) *ingest.Batch {
	b := &ingest.Batch{Len: n, Cols: make([]ingest.BatchColumn, 8)}
	for c := range b.Cols {
		b.Cols[c] = ingest.BatchColumn{Kind: make([]ingest.CellKind, n), Int: make([]int64, n), Text: make([]string, n), Other: make([]any, n)}
	}
	set := func(c, i int, k ingest.CellKind) { b.Cols[c].Kind[i] = k }
	for i := 0; i < n; i++ {
		row := from + i
		b.Cols[0].Int[i] = int64(row + 2)
		set(0, i, ingest.CellInt)
		if row%3 != 0 {
			b.Cols[1].Int[i] = int64(row) * 1000
			set(1, i, ingest.CellInt)
		}
		b.Cols[2].Int[i] = int64(row % 30000)
		set(2, i, ingest.CellInt)
		if row%5 != 0 {
			b.Cols[3].Text[i] = "name " + strings.Repeat("x", row%7)
			set(3, i, ingest.CellText)
		}
		b.Cols[4].Text[i] = [2]string{"RJ", "SP"}[row%2]
		set(4, i, ingest.CellText)
		b.Cols[5].Other[i] = float64(row) / 4
		set(5, i, ingest.CellOther)
		b.Cols[6].Other[i] = time.Date(2024, time.Month(1+row%12), 1, 0, 0, 0, 0, time.UTC)
		set(6, i, ingest.CellOther)
		if row%11 != 0 {
			b.Cols[7].Other[i] = row%2 == 0
			set(7, i, ingest.CellOther)
		}
	}
	return b
}

// landBatches appends the batches through open into a fresh table, in a
// transaction, and returns the first error.
func landBatches(t *testing.T, ctx context.Context, conn *sql.Conn, open AppenderFunc, table string, batches ...*ingest.Batch) error {
	t.Helper()
	if _, err := conn.ExecContext(ctx, strings.Replace(landingDDL, "%s", table, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	a, err := open(ctx, conn, landingTarget(table))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if ba, ok := a.(ingest.BatchAppender); ok {
			err = ba.AppendBatch(b)
		} else {
			for i := 0; err == nil && i < b.Len; i++ {
				row := make([]driver.Value, len(b.Cols))
				for c := range b.Cols {
					row[c] = b.Cols[c].Value(i)
				}
				err = a.AppendRow(row...)
			}
		}
		if err != nil {
			break
		}
	}
	err = errors.Join(err, a.Close())
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK"
	}
	if _, cerr := conn.ExecContext(context.WithoutCancel(ctx), end); cerr != nil {
		t.Fatal(cerr)
	}
	return err
}

// landingConn is a connection to a throwaway warehouse, closed when the
// test ends.
func landingConn(t *testing.T) (context.Context, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	conn, err := openMemory(t, Config{}).SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return ctx, conn
}

// The batch appender lands what DuckDB's row appender lands, row for row
// (in another order: it writes on two threads): a batch longer than a
// chunk, NULLs that come and go between chunks, every type a landing table
// has, and the file's constant on every row; and it leaves the connection's
// insertion order on again.
func TestBatchAppenderLandsWhatTheRowAppenderLands(t *testing.T) {
	ctx, conn := landingConn(t)
	batches := []*ingest.Batch{mixedBatch(0, 5000), mixedBatch(5000, 10)}
	if err := landBatches(t, ctx, conn, OpenBatchAppender, "batched", batches...); err != nil {
		t.Fatal(err)
	}
	if err := landBatches(t, ctx, conn, OpenAppender, "rows", batches...); err != nil {
		t.Fatal(err)
	}
	var n, nulls, files int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*), count(*) - count(n), count(*) FILTER (WHERE file = 'f1') FROM batched`).Scan(&n, &nulls, &files); err != nil {
		t.Fatal(err)
	}
	if n != 5010 || nulls != 1670 || files != 5010 {
		t.Errorf("batched: %d rows, %d NULL n, %d of file f1; want 5010, 1670, 5010", n, nulls, files)
	}
	var diff int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM ((SELECT * FROM batched EXCEPT ALL SELECT * FROM rows)
		UNION ALL (SELECT * FROM rows EXCEPT ALL SELECT * FROM batched))`).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Errorf("%d rows differ between the batch appender's table and the row appender's", diff)
	}
	var ordered bool
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('preserve_insertion_order')`).Scan(&ordered); err != nil {
		t.Fatal(err)
	}
	if !ordered {
		t.Error("preserve_insertion_order is still off on the connection after the landing")
	}
	var def sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT column_default FROM information_schema.columns WHERE table_name = 'batched' AND column_name = 'file'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if def.Valid {
		t.Errorf("the file's constant is still the column's default after Close: %s", def.String)
	}
}

// A value the table cannot hold fails the landing with the column's type in
// the error, and the transaction lands nothing; so does a context that ends
// while the INSERT waits for a batch.
func TestBatchAppenderRefusesWhatTheTableCannotHold(t *testing.T) {
	ctx, conn := landingConn(t)
	wide := mixedBatch(0, 3000)
	wide.Cols[2].Int[2500] = 40000 // SMALLINT
	notUF := mixedBatch(0, 10)
	notUF.Cols[4].Text[3] = "MG"
	for name, b := range map[string]*ingest.Batch{"wide": wide, "not_uf": notUF} {
		err := landBatches(t, ctx, conn, OpenBatchAppender, name, mixedBatch(0, 100), b)
		if err == nil || !strings.Contains(err.Error(), "landing main."+name) {
			t.Errorf("%s: error %v, want the landing refused", name, err)
		}
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows landed by a failed landing", name, n)
		}
	}

	cctx, cancel := context.WithCancel(ctx)
	if _, err := conn.ExecContext(ctx, strings.Replace(landingDDL, "%s", "cancelled", 1)); err != nil {
		t.Fatal(err)
	}
	a, err := OpenBatchAppender(cctx, conn, landingTarget("cancelled"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.(ingest.BatchAppender).AppendBatch(mixedBatch(0, 10)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := a.Close(); err == nil {
		t.Error("Close after the context ended: no error, want the INSERT's")
	}
}

// A second landing on a connection whose INSERT is open is refused (it
// would wait for the connection forever); a column type the function does
// not carry gets the row appender.
func TestBatchAppenderOneAtATime(t *testing.T) {
	ctx, conn := landingConn(t)
	for _, table := range []string{"first", "second"} {
		if _, err := conn.ExecContext(ctx, strings.Replace(landingDDL, "%s", table, 1)); err != nil {
			t.Fatal(err)
		}
	}
	a, err := OpenBatchAppender(ctx, conn, landingTarget("first"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenBatchAppender(ctx, conn, landingTarget("second")); err == nil {
		t.Error("a second landing on the connection was opened")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	other := landingTarget("second")
	other.Types[5] = "TIMESTAMP"
	b, err := OpenBatchAppender(ctx, conn, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, batched := b.(ingest.BatchAppender); batched {
		t.Error("a TIMESTAMP column got the batch appender")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
