package ingest

import (
	"database/sql/driver"
	"embed"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"
)

// Appender appends rows to one table inside a load's transaction.
type Appender interface {
	AppendRow(vals ...driver.Value) error
	Close() error
}

// AppendTarget says what an Appender writes: per-row Columns of the given
// SQL Types, plus columns that hold one constant for the whole file (its
// sha256, Comex Stat's flow), written once in the statement instead of in
// every row.
type AppendTarget struct {
	Schema, Table string
	Columns       []string
	Types         []string // VARCHAR, BIGINT, DOUBLE, DATE, BOOLEAN
	Consts        []Const
}

// Const is a column with one value for every row of a file.
type Const struct {
	Column string
	Value  any
}

// lander writes a file's typed rows to one landing table with the file's
// sha256 and each row's line number, and feeds the load's content hash.
// Parsing overlaps with the rest: full batches go to a goroutine that adds
// them to the content hash and appends them while the next batch is
// parsed. A row is written with begin, one value per column in the order
// given to land, then end; a row begun again before its end is dropped.
// One lander is open at a time in a load, and no other statement runs on
// its connection meanwhile.
type lander struct {
	j     *job
	width int
	batch *Batch
	n     int // rows ended in batch
	col   int // next column of the row being written
	count int64
	full  chan *Batch
	free  chan *Batch
	done  chan error
	// failed is set by the appending goroutine when it stops on an error.
	failed atomic.Bool
	closed bool
	// reference marks rows landed only to be joined to the file's facts
	// (ANTAQ's berthings): not counted among the rows landed, which the
	// marts must publish.
	reference bool
}

const landBatch = 2048

// land opens the landing table for this file, first dropping rows an
// earlier load of the same file left there.
func (j *job) land(table string, columns ...string) (*lander, error) {
	return j.landConst(table, nil, columns...)
}

// landConst is land with columns holding one value for the whole file.
func (j *job) landConst(table string, consts []Const, columns ...string) (*lander, error) {
	for _, l := range j.landers {
		if !l.closed {
			return nil, fmt.Errorf("landing %s while another landing table is open", table)
		}
	}
	t := AppendTarget{Schema: "landing", Table: table, Columns: append([]string{"line"}, columns...),
		Consts: append([]Const{{Column: "file_sha256", Value: j.SHA256}}, consts...)}
	a, err := j.sess.Land(j.ctx, t)
	if err != nil {
		return nil, err
	}
	j.content.Write([]byte(table))
	for _, c := range consts {
		j.content.Write(appendValue([]byte(c.Column), c.Value))
	}
	l := &lander{j: j, width: len(t.Columns), full: make(chan *Batch, 2), free: make(chan *Batch, 3), done: make(chan error, 1)}
	for i := 0; i < 3; i++ {
		l.free <- newBatch(l.width, landBatch)
	}
	l.batch = <-l.free
	j.landers = append(j.landers, l)
	go l.appendAll(a)
	return l, nil
}

// appendAll adds the batches sent to it to the content hash, in the order
// they came, and appends them until full is closed: whole, to an engine
// that takes batches, else row by row. After an error it only hands
// batches back.
func (l *lander) appendAll(a Appender) {
	var err error
	ba, batched := a.(BatchAppender)
	row := make([]driver.Value, l.width)
	var buf []byte
	for b := range l.full {
		if err == nil {
			buf = l.hashBatch(buf, b)
		}
		if err == nil && batched {
			err = ba.AppendBatch(b)
		}
		for i := 0; err == nil && !batched && i < b.Len; i++ {
			for c := range b.Cols {
				row[c] = b.Cols[c].Value(i)
			}
			err = a.AppendRow(row...)
		}
		if err != nil {
			l.failed.Store(true)
		}
		l.free <- b
	}
	l.j.content.Write(buf)
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	l.done <- err
}

// hashBatch serialises the batch's rows after buf, every column but the
// line, and writes buf to the content hash each time it passes 32 KB (the
// hash is the same, and its per-call cost is paid once per buffer).
func (l *lander) hashBatch(buf []byte, b *Batch) []byte {
	for i := 0; i < b.Len; i++ {
		for c := 1; c < len(b.Cols); c++ {
			col := &b.Cols[c]
			switch col.Kind[i] {
			case CellInt:
				buf = appendInt(buf, col.Int[i])
			case CellText:
				buf = appendText(buf, col.Text[i])
			default:
				buf = appendValue(buf, col.Value(i))
			}
		}
		if len(buf) >= 32<<10 {
			l.j.content.Write(buf)
			buf = buf[:0]
		}
	}
	return buf
}

// add lands one row: the values in the order of the columns given to land.
func (l *lander) add(line int, vals ...any) error {
	if len(vals) != l.width-1 {
		return fmt.Errorf("landing %d values into %d columns", len(vals), l.width-1)
	}
	l.begin(line)
	for _, v := range vals {
		l.value(v)
	}
	return l.end()
}

// begin starts the row of a line.
func (l *lander) begin(line int) {
	l.batch.Cols[0].setInt(l.n, int64(line))
	l.col = 1
}

// int, text, null and value write the row's next column.
func (l *lander) int(v int64) {
	l.batch.Cols[l.col].setInt(l.n, v)
	l.col++
}

func (l *lander) text(s string) {
	l.batch.Cols[l.col].setText(l.n, s)
	l.col++
}

func (l *lander) null() {
	l.batch.Cols[l.col].Kind[l.n] = CellNull
	l.col++
}

// intOrNull writes v, or NULL when !ok.
func (l *lander) intOrNull(v int64, ok bool) {
	if ok {
		l.int(v)
	} else {
		l.null()
	}
}

func (l *lander) value(v any) {
	switch x := v.(type) {
	case nil:
		l.null()
	case int64:
		l.int(x)
	case string:
		l.text(x)
	default:
		l.batch.Cols[l.col].setOther(l.n, v)
		l.col++
	}
}

// end lands the row begun last.
func (l *lander) end() error {
	if l.col != l.width {
		return fmt.Errorf("landing a row of %d columns into %d", l.col, l.width)
	}
	l.col = 0
	l.count++
	l.n++
	if l.n == landBatch {
		return l.send()
	}
	return nil
}

func (l *lander) send() error {
	if l.failed.Load() {
		return l.close() // returns the appender's error
	}
	l.batch.Len = l.n
	l.full <- l.batch
	l.batch, l.n = <-l.free, 0
	return nil
}

// close waits for the rows to be hashed and appended; a load that fails
// while a lander is open closes it too (see job.closeLanders).
func (l *lander) close() error {
	if l.closed {
		return nil
	}
	l.closed = true
	if l.n > 0 {
		l.batch.Len = l.n
		l.full <- l.batch
		l.n = 0
	}
	close(l.full)
	err := <-l.done
	if !l.reference {
		l.j.Report.RowsLoaded += l.count
	}
	if err != nil {
		return fmt.Errorf("appending: %w", err)
	}
	return nil
}

// appendValue serialises a value unambiguously for the content hash.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0)
	case string:
		return appendText(b, x)
	case int64:
		return appendInt(b, x)
	case float64:
		b = append(b, 3)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	case bool:
		if x {
			return append(b, 4, 1)
		}
		return append(b, 4, 0)
	case time.Time:
		b = append(b, 5)
		return binary.LittleEndian.AppendUint64(b, uint64(x.Unix()))
	}
	return append(b, fmt.Sprint(v)...)
}

func appendText(b []byte, s string) []byte {
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendInt(b []byte, v int64) []byte {
	b = append(b, 2)
	return binary.LittleEndian.AppendUint64(b, uint64(v))
}

//go:embed models/duckdb/*.sql models/bigquery/*.sql
var modelFS embed.FS

// Model returns the SQL of a model in a dialect ("duckdb" or "bigquery").
func Model(dialect, name string) (string, error) {
	b, err := modelFS.ReadFile("models/" + dialect + "/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("model %s/%s: %w", dialect, name, err)
	}
	return string(b), nil
}

// Models lists the model names of a dialect.
func Models(dialect string) ([]string, error) {
	entries, err := modelFS.ReadDir("models/" + dialect)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".sql"))
	}
	return out, nil
}

// runModels runs the engine's models in order (see Session.RunModels).
func (j *job) runModels(names ...string) error {
	return j.runModelsWith(nil, names...)
}

func (j *job) runModelsWith(params map[string]any, names ...string) error {
	return j.sess.RunModels(j.ctx, params, names...)
}
