package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
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

// AppenderFunc opens an Appender on the load's connection.
type AppenderFunc func(ctx context.Context, conn *sql.Conn, t AppendTarget) (Appender, error)

var (
	appenderMu sync.Mutex
	appender   AppenderFunc = InsertAppender
)

// RegisterAppender replaces how landing rows are written (shared/duckdb
// registers DuckDB's appender from its init).
func RegisterAppender(f AppenderFunc) {
	appenderMu.Lock()
	defer appenderMu.Unlock()
	appender = f
}

func currentAppender() AppenderFunc {
	appenderMu.Lock()
	defer appenderMu.Unlock()
	return appender
}

// insertBatch is how many rows one INSERT carries in the portable path.
const insertBatch = 200

// InsertAppender is the portable path, the default: batched INSERT ...
// VALUES through database/sql.
func InsertAppender(ctx context.Context, conn *sql.Conn, t AppendTarget) (Appender, error) {
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
		Consts: append([]Const{{Column: "file_sha256", Value: j.sha}}, consts...)}
	var a Appender
	var err error
	if j.remote != nil {
		// BigQuery: spooled to a file, loaded once the whole file passed its contract.
		a, err = j.remote.spool(t)
	} else {
		a, err = j.openDuckDB(t)
	}
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

// openDuckDB drops the rows an earlier load of the same file left in the
// landing table and opens the registered appender on it.
func (j *job) openDuckDB(t AppendTarget) (Appender, error) {
	types, err := j.alignLanding(t.Table)
	if err != nil {
		return nil, err
	}
	if j.loadSeq != 0 {
		// A two-step load deletes nothing before it publishes: its models
		// delete the rows it replaces, those of the same file included.
		t.Consts = append(t.Consts, Const{Column: "load_seq", Value: j.loadSeq})
	} else if err := j.exec(fmt.Sprintf(`DELETE FROM landing.%s WHERE file_sha256 = ?`, t.Table), j.sha); err != nil {
		return nil, err
	}
	for _, c := range t.Columns {
		typ, ok := types[c]
		if !ok {
			return nil, fmt.Errorf("landing.%s has no column %s", t.Table, c)
		}
		t.Types = append(t.Types, typ)
	}
	a, err := currentAppender()(j.ctx, j.db, t)
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
func (j *job) alignLanding(table string) (map[string]string, error) {
	types, err := j.columnTypes("landing", table)
	if err != nil {
		return nil, err
	}
	text, err := Model("duckdb", "landing_"+table)
	if err != nil {
		return nil, err
	}
	cols, err := ParseColumns(text)
	if err != nil {
		return nil, fmt.Errorf("model landing_%s: %w", table, err)
	}
	for _, c := range cols {
		have, ok := types[c.Name]
		if !ok {
			continue
		}
		want, err := j.resolveType(c.Type)
		if err != nil {
			return nil, err
		}
		if have == want {
			continue
		}
		q := fmt.Sprintf(`ALTER TABLE landing.%s ALTER COLUMN %s SET DATA TYPE %s USING TRY_CAST(%s AS %s)`, table, c.Name, c.Type, c.Name, c.Type)
		if err := j.exec(q); err != nil {
			return nil, fmt.Errorf("landing.%s.%s from %s to %s: %w", table, c.Name, have, c.Type, err)
		}
		types[c.Name] = c.Type
	}
	return types, nil
}

// resolveType spells a model's column type as information_schema does:
// a user type (landing.comex_uf) becomes its definition (ENUM('AC', ...)).
func (j *job) resolveType(typ string) (string, error) {
	if !strings.Contains(typ, ".") {
		return typ, nil
	}
	var def string
	if err := j.db.QueryRowContext(j.ctx, fmt.Sprintf(`SELECT typeof(CAST(NULL AS %s))`, typ)).Scan(&def); err != nil {
		return "", fmt.Errorf("type %s: %w", typ, err)
	}
	return def, nil
}

func (j *job) columnTypes(schema, table string) (map[string]string, error) {
	rows, err := j.db.QueryContext(j.ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ?`, schema, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s.%s: %w", schema, table, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, t string
		if err := rows.Scan(&c, &t); err != nil {
			return nil, err
		}
		out[c] = t
	}
	return out, rows.Err()
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
		l.j.rep.RowsLoaded += l.count
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

var paramRE = regexp.MustCompile(`\$([a-z_][a-z0-9_]*)`)

// runModels runs DuckDB models in order. A model may hold several
// statements, each ending with ';' at the end of a line; named parameters
// ($name) are bound from params.
func (j *job) runModels(names ...string) error {
	return j.runModelsWith(nil, names...)
}

func (j *job) runModelsWith(params map[string]any, names ...string) error {
	if j.remote != nil {
		return j.remote.addModels(params, names...)
	}
	for _, name := range names {
		text, err := Model("duckdb", name)
		if err != nil {
			return err
		}
		for _, stmt := range splitStatements(text) {
			var args []any
			seen := map[string]bool{}
			for _, m := range paramRE.FindAllStringSubmatch(stmt, -1) {
				p := m[1]
				if seen[p] {
					continue
				}
				seen[p] = true
				v, ok := params[p]
				if !ok && p == "file_sha256" {
					v, ok = j.sha, true
				}
				if !ok {
					return fmt.Errorf("model %s: no value for $%s", name, p)
				}
				args = append(args, sql.Named(p, v))
			}
			t0 := time.Now()
			if _, err := j.db.ExecContext(j.ctx, stmt, args...); err != nil {
				return fmt.Errorf("model %s: %w", name, err)
			}
			j.step(name, time.Since(t0))
		}
	}
	return nil
}

// splitStatements splits a model at lines ending with ';', dropping
// comment-only and empty statements.
func splitStatements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\r\n"), ";") {
			if s := strings.TrimSpace(cur.String()); hasCode(s) {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); hasCode(s) {
		out = append(out, s)
	}
	return out
}

func hasCode(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") && line != ";" {
			return true
		}
	}
	return false
}
