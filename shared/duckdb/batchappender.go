package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	duckdbdriver "github.com/duckdb/duckdb-go/v2"

	"github.com/mirante/mirante/shared/ingest"
)

// landingFunction is the table function a batch appender's INSERT reads
// its batches from; its one argument names the appender's feed.
const landingFunction = "mirante_landing"

var (
	// feeds holds the open batch appenders' feeds by name.
	feeds   sync.Map
	feedSeq atomic.Int64
	// landingConns holds the connections with a batch appender's INSERT
	// running: one statement at a time runs on a connection.
	landingConns sync.Map
)

// OpenBatchAppender opens an appender that takes whole batches
// (ingest.BatchAppender): one INSERT ... SELECT runs on conn for the
// appender's life and reads each batch through the table function
// mirante_landing, which copies the loader's integers and text into
// DuckDB's vectors unboxed, on two of DuckDB's threads (see insert). The
// per-file constants are the columns' DEFAULT for the load, as with
// OpenAppender. A target with a column type
// the function does not carry gets OpenAppender's appender instead. Until
// Close, the connection runs nothing else: a second appender on it is
// refused.
func OpenBatchAppender(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) (ingest.Appender, error) {
	if _, busy := landingConns.LoadOrStore(conn, true); busy {
		return nil, fmt.Errorf("landing %s.%s: another landing is open on the connection", t.Schema, t.Table)
	}
	infos, ok := landingColumns(t.Types)
	if !ok || len(infos) != len(t.Columns) {
		landingConns.Delete(conn)
		return OpenAppender(ctx, conn, t)
	}
	fail := func(err error) (ingest.Appender, error) {
		landingConns.Delete(conn)
		return nil, err
	}
	if err := duckdbdriver.RegisterTableUDF(conn, landingFunction, landingUDF); err != nil {
		return fail(fmt.Errorf("batch appender: %w", err))
	}
	if err := setDefaults(ctx, conn, t); err != nil {
		return fail(err)
	}
	f := &feed{ctx: ctx, infos: infos, batches: make(chan *ingest.Batch), consumed: make(chan struct{}, 1)}
	name := "feed-" + strconv.FormatInt(feedSeq.Add(1), 10)
	feeds.Store(name, f)
	a := &batchAppender{ctx: ctx, conn: conn, t: t, f: f, name: name, finished: make(chan struct{})}
	q := fmt.Sprintf("INSERT INTO %s.%s (%s) SELECT * FROM %s(?)", // #nosec G201 -- the loaders' landing tables and columns, names from the code
		t.Schema, t.Table, strings.Join(t.Columns, ", "), landingFunction)
	go func() {
		defer close(a.finished)
		a.err = a.insert(q, name)
	}()
	return a, nil
}

// landingColumns types the function's columns after the table's: integers
// as BIGINT (the INSERT's cast refuses one out of the column's range), text
// and enums as VARCHAR (the cast refuses a value the enum lacks).
func landingColumns(types []string) ([]duckdbdriver.ColumnInfo, bool) {
	out := make([]duckdbdriver.ColumnInfo, len(types))
	for i, typ := range types {
		var dt duckdbdriver.Type
		switch {
		case typ == "BIGINT" || typ == "INTEGER" || typ == "SMALLINT" || typ == "TINYINT":
			dt = duckdbdriver.TYPE_BIGINT
		case typ == "VARCHAR" || strings.HasPrefix(typ, "ENUM("):
			dt = duckdbdriver.TYPE_VARCHAR
		case typ == "DOUBLE":
			dt = duckdbdriver.TYPE_DOUBLE
		case typ == "DATE":
			dt = duckdbdriver.TYPE_DATE
		case typ == "BOOLEAN":
			dt = duckdbdriver.TYPE_BOOLEAN
		default:
			return nil, false
		}
		ti, err := duckdbdriver.NewTypeInfo(dt)
		if err != nil {
			return nil, false
		}
		out[i] = duckdbdriver.ColumnInfo{Name: "c" + strconv.Itoa(i), T: ti}
	}
	return out, true
}

// feed hands one appender's batches to its INSERT: AppendBatch sends a
// batch, the table function copies it into DuckDB's chunks and says so on
// consumed; a closed batches ends the INSERT.
type feed struct {
	ctx      context.Context
	infos    []duckdbdriver.ColumnInfo
	batches  chan *ingest.Batch
	consumed chan struct{}
}

type batchAppender struct {
	ctx      context.Context
	conn     *sql.Conn
	t        ingest.AppendTarget
	f        *feed
	name     string
	finished chan struct{} // closed when the INSERT returned
	err      error         // the INSERT's, set before finished is closed
	closed   bool
}

// insert runs the landing's INSERT with the session's insertion order off,
// so that DuckDB writes the chunks on more than one thread: the landing
// table's rows are in no order (every reader orders by line or groups),
// while the content hash takes them in the file's order before they come
// here.
func (a *batchAppender) insert(q, name string) error {
	_, err := a.conn.ExecContext(a.ctx, "SET SESSION preserve_insertion_order = false")
	if err == nil {
		_, err = a.conn.ExecContext(a.ctx, q, name)
		if _, rerr := a.conn.ExecContext(context.WithoutCancel(a.ctx), "RESET SESSION preserve_insertion_order"); err == nil {
			err = rerr
		}
	}
	if err != nil {
		return fmt.Errorf("landing %s.%s: %w", a.t.Schema, a.t.Table, err)
	}
	return nil
}

func (a *batchAppender) AppendBatch(b *ingest.Batch) error {
	if b.Len == 0 {
		return nil
	}
	select {
	case a.f.batches <- b:
	case <-a.finished:
		return a.insertErr()
	}
	select {
	case <-a.f.consumed:
		return nil
	case <-a.finished:
		return a.insertErr()
	}
}

// AppendRow is refused: the lander hands a BatchAppender whole batches.
func (a *batchAppender) AppendRow(...driver.Value) error {
	return errors.New("landing: the batch appender takes batches (AppendBatch), not rows")
}

func (a *batchAppender) insertErr() error {
	if a.err != nil {
		return a.err
	}
	return errors.New("landing: the INSERT ended before its rows were sent")
}

// Close ends the INSERT and waits for it, then drops the defaults.
func (a *batchAppender) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	close(a.f.batches)
	<-a.finished
	feeds.Delete(a.name)
	landingConns.Delete(a.conn)
	if a.err != nil {
		return a.err
	}
	return dropDefaults(a.ctx, a.conn, a.t)
}

// landingUDF binds mirante_landing(name) to the named feed.
var landingUDF = duckdbdriver.ParallelChunkTableFunction{
	Config: duckdbdriver.TableFunctionConfig{Arguments: []duckdbdriver.TypeInfo{varcharInfo()}},
	BindArguments: func(_ map[string]any, args ...any) (duckdbdriver.ParallelChunkTableSource, error) {
		name, _ := args[0].(string)
		f, ok := feeds.Load(name)
		if !ok {
			return nil, fmt.Errorf("%s: no open appender %q", landingFunction, name)
		}
		return &landingSource{f: f.(*feed)}, nil
	},
}

func varcharInfo() duckdbdriver.TypeInfo {
	ti, err := duckdbdriver.NewTypeInfo(duckdbdriver.TYPE_VARCHAR)
	if err != nil {
		panic(err)
	}
	return ti
}

// landingSource is one INSERT's reading of its feed, on up to
// landingThreads of DuckDB's threads: each takes the next batch whole. A
// batch longer than a chunk is copied over several calls of the thread
// that took it; consumed is said once it is all in.
type landingSource struct {
	f *feed
}

// landingThreads is how many of DuckDB's threads write a landing.
const landingThreads = 2

// landingCursor is a thread's batch in progress.
type landingCursor struct {
	cur *ingest.Batch
	off int
}

func (s *landingSource) ColumnInfos() []duckdbdriver.ColumnInfo     { return s.f.infos }
func (s *landingSource) Cardinality() *duckdbdriver.CardinalityInfo { return nil }
func (s *landingSource) NewLocalState() any                         { return &landingCursor{} }
func (s *landingSource) Init() duckdbdriver.ParallelTableSourceInfo {
	return duckdbdriver.ParallelTableSourceInfo{MaxThreads: landingThreads}
}

func (s *landingSource) FillChunk(local any, c duckdbdriver.DataChunk) error {
	lc := local.(*landingCursor)
	if lc.cur == nil {
		select {
		case b, ok := <-s.f.batches:
			if !ok {
				return c.SetSize(0)
			}
			lc.cur, lc.off = b, 0
		case <-s.f.ctx.Done():
			return s.f.ctx.Err()
		}
	}
	n := min(lc.cur.Len-lc.off, duckdbdriver.GetDataChunkCapacity())
	for k := range lc.cur.Cols {
		if err := fillColumn(c, k, &lc.cur.Cols[k], lc.off, n); err != nil {
			return err
		}
	}
	if lc.off += n; lc.off == lc.cur.Len {
		lc.cur = nil
		s.f.consumed <- struct{}{}
	}
	return c.SetSize(n)
}

// fillColumn copies rows [off, off+n) of col into column k of c.
func fillColumn(c duckdbdriver.DataChunk, k int, col *ingest.BatchColumn, off, n int) error {
	for r := 0; r < n; r++ {
		i := off + r
		var err error
		switch col.Kind[i] {
		case ingest.CellInt:
			err = duckdbdriver.SetChunkValue(c, k, r, col.Int[i])
		case ingest.CellText:
			err = duckdbdriver.SetChunkValue(c, k, r, col.Text[i])
		case ingest.CellOther:
			err = c.SetValue(k, r, col.Other[i])
		default:
			err = c.SetValue(k, r, nil)
		}
		if err != nil {
			return fmt.Errorf("column %d: %w", k, err)
		}
	}
	return nil
}
