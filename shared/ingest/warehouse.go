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
// Parsing and appending overlap: full batches of rows go to a goroutine
// that appends them while the next batch is parsed. No other statement may
// run on the connection while a lander is open.
type lander struct {
	j     *job
	width int
	batch [][]driver.Value
	n     int
	buf   []byte
	count int64
	full  chan [][]driver.Value
	free  chan [][]driver.Value
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
	t := AppendTarget{Schema: "landing", Table: table, Columns: append([]string{"line"}, columns...),
		Consts: append([]Const{{Column: "file_sha256", Value: j.SHA256}}, consts...)}
	a, err := j.sess.Land(j.ctx, t)
	if err != nil {
		return nil, err
	}
	for _, l := range j.landers {
		l.hashRows() // the content hash takes the rows in the order they came
	}
	j.content.Write([]byte(table))
	for _, c := range consts {
		j.content.Write(appendValue([]byte(c.Column), c.Value))
	}
	l := &lander{j: j, width: len(t.Columns), full: make(chan [][]driver.Value, 2), free: make(chan [][]driver.Value, 3), done: make(chan error, 1)}
	for i := 0; i < 3; i++ {
		b := make([][]driver.Value, landBatch)
		for k := range b {
			b[k] = make([]driver.Value, l.width)
		}
		l.free <- b
	}
	l.batch = <-l.free
	j.landers = append(j.landers, l)
	go func() {
		var err error
		for b := range l.full {
			if err == nil {
				for _, r := range b {
					if err = a.AppendRow(r...); err != nil {
						l.failed.Store(true)
						break
					}
				}
			}
			l.free <- b[:cap(b)]
		}
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		l.done <- err
	}()
	return l, nil
}

// add lands one row: the values in the order of the columns given to land.
func (l *lander) add(line int, vals ...any) error {
	r := l.batch[l.n]
	r[0] = int64(line)
	for i, v := range vals {
		r[1+i] = v
	}
	for _, v := range vals {
		l.buf = appendValue(l.buf, v)
	}
	if len(l.buf) >= 32<<10 {
		l.hashRows()
	}
	l.count++
	l.n++
	if l.n == len(l.batch) {
		return l.send()
	}
	return nil
}

// hashRows adds the rows serialised since the last call to the content
// hash: one Write per 32 KB rather than one per row (the hash is the same,
// and the per-call cost is paid once per buffer, not once per row).
func (l *lander) hashRows() {
	if len(l.buf) > 0 {
		l.j.content.Write(l.buf)
		l.buf = l.buf[:0]
	}
}

func (l *lander) send() error {
	if l.failed.Load() {
		return l.close() // returns the appender's error
	}
	l.full <- l.batch[:l.n]
	l.batch, l.n = <-l.free, 0
	return nil
}

// close waits for the rows to be appended; a load that fails while a
// lander is open closes it too (see job.closeLanders).
func (l *lander) close() error {
	if l.closed {
		return nil
	}
	l.closed = true
	l.hashRows()
	if l.n > 0 {
		l.full <- l.batch[:l.n]
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
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case int64:
		b = append(b, 2)
		return binary.LittleEndian.AppendUint64(b, uint64(x))
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
