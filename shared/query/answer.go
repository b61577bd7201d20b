package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/warehouse"
)

// Answer is a result in the form the API sends it: the rows already
// encoded as JSON objects keyed by column name, in column order, joined by
// ",\n" so that a run of rows is itself the inside of a JSON array. A cache
// hit is sent without decoding a value or copying its rows: Data is a slice
// of the cached bytes.
type Answer struct {
	Columns []warehouse.Column
	Meta    Meta
	// Compiled is the SQL that answers the spec (never cached or sent).
	Compiled *warehouse.Compiled
	// Datasets are the catalog datasets the answer reads (its own and
	// those real values or per capita join), which a later page must
	// still be entitled to (never cached or sent).
	Datasets []string

	// data holds the rows of the window, n of them.
	data []byte
	n    int
	// fresh is the engine's result when the answer was just computed, so
	// that Result need not decode what was just encoded.
	fresh *Result
	// columnsJSON is Columns encoded, when the header memo had it.
	columnsJSON []byte
}

// rowSep joins rows. encoding/json never writes a raw newline, so ",\n"
// occurs in the data only between rows.
var rowSep = []byte(",\n")

// cachedMagic starts every cached answer: the encoding's version. A line
// holding the header (columns, meta and the data's length) follows, then
// the data.
const cachedMagic = "mirante-answer-v3\n"

type cachedHeader struct {
	Columns   []warehouse.Column `json:"columns"`
	Meta      Meta               `json:"meta"`
	DataBytes int                `json:"data_bytes"`

	// columnsJSON is Columns encoded as the API sends them, kept with the
	// decoded header so that a hot answer's columns are encoded once.
	columnsJSON []byte
}

// answerOf encodes a fresh result's rows.
func answerOf(res *Result) (*Answer, error) {
	a := &Answer{Columns: res.Columns, Meta: res.Meta, Compiled: res.Compiled, fresh: res, n: len(res.Rows)}
	enc, err := newRowEncoder(res.Columns)
	if err != nil {
		return nil, err
	}
	var buf []byte
	for i, row := range res.Rows {
		if i > 0 {
			buf = append(buf, rowSep...)
		}
		if buf, err = enc.appendRow(buf, row); err != nil {
			return nil, err
		}
	}
	a.data = buf
	return a, nil
}

// Rows is the number of rows in the answer (its window, for a page).
func (a *Answer) Rows() int { return a.n }

// Data is the answer's rows as the inside of a JSON array. Callers must
// not modify it.
func (a *Answer) Data() []byte { return a.data }

// encode is the answer's cached form.
func (a *Answer) encode() ([]byte, error) {
	head, err := json.Marshal(cachedHeader{Columns: a.Columns, Meta: a.Meta, DataBytes: len(a.data)})
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 0, len(cachedMagic)+len(head)+1+len(a.data))
	buf = append(buf, cachedMagic...)
	buf = append(buf, head...)
	buf = append(buf, '\n')
	return append(buf, a.data...), nil
}

var errNotAnswer = errors.New("not a cached answer")

// decodeAnswer reads a cached answer; its data stays a slice of b.
func decodeAnswer(b []byte) (*Answer, error) {
	rest, ok := bytes.CutPrefix(b, []byte(cachedMagic))
	if !ok {
		return nil, errNotAnswer
	}
	head, rest, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return nil, errNotAnswer
	}
	h, err := headers.decode(head)
	if err != nil {
		return nil, err
	}
	if len(rest) != h.DataBytes || (h.Meta.Rows == 0) != (len(rest) == 0) {
		return nil, errNotAnswer // truncated
	}
	return &Answer{Columns: h.Columns, Meta: h.Meta, data: rest, n: h.Meta.Rows, columnsJSON: h.columnsJSON}, nil
}

// ColumnsJSON is the answer's columns as JSON. Callers must not modify it.
func (a *Answer) ColumnsJSON() ([]byte, error) {
	if a.columnsJSON != nil {
		return a.columnsJSON, nil
	}
	return json.Marshal(a.Columns)
}

// Window keeps rows [offset, offset+n) of the answer.
func (a *Answer) Window(offset, n int) {
	offset = max(offset, 0)
	if offset == 0 && n >= a.n {
		return
	}
	if offset >= a.n || n <= 0 {
		a.data, a.n, a.fresh = a.data[:0], 0, nil
		return
	}
	kept := min(n, a.n-offset)
	// next is where the row after the one starting at i begins.
	next := func(i int) int { return i + bytes.Index(a.data[i:], rowSep) + len(rowSep) }
	start := 0
	for range offset {
		start = next(start)
	}
	end := start
	for range kept - 1 {
		end = next(end)
	}
	if k := bytes.Index(a.data[end:], rowSep); k >= 0 {
		end += k
	} else {
		end = len(a.data)
	}
	if a.fresh != nil {
		res := *a.fresh
		res.Rows = res.Rows[offset : offset+kept]
		a.fresh = &res
	}
	a.data, a.n = a.data[start:end], kept
}

// Result returns the answer with its rows as values (string, float64, int64
// from a fresh result, float64 from the cache, or nil).
func (a *Answer) Result() (*Result, error) {
	if a.fresh != nil {
		res := *a.fresh
		res.Meta, res.Compiled = a.Meta, a.Compiled
		return &res, nil
	}
	res := &Result{Columns: a.Columns, Meta: a.Meta, Compiled: a.Compiled, Rows: make([][]any, 0, a.n)}
	if a.n == 0 {
		return res, nil
	}
	for i, raw := range bytes.Split(a.data, rowSep) {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("cached row %d: %w", i, err)
		}
		row := make([]any, len(a.Columns))
		for k, c := range a.Columns {
			row[k] = m[c.Name]
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// headerMemo remembers decoded headers by their bytes: the header of a hot
// answer is read again on every hit, and each header is unique to its
// answer (it holds the query hash).
type headerMemo struct {
	mu   sync.Mutex
	seen map[string]cachedHeader
}

var headers = &headerMemo{seen: map[string]cachedHeader{}}

const headerMemoSize = 4096

func (m *headerMemo) decode(head []byte) (cachedHeader, error) {
	m.mu.Lock()
	h, ok := m.seen[string(head)]
	m.mu.Unlock()
	if ok {
		return h, nil
	}
	if err := json.Unmarshal(head, &h); err != nil {
		return h, fmt.Errorf("cached answer header: %w", err)
	}
	cols, err := json.Marshal(h.Columns)
	if err != nil {
		return h, fmt.Errorf("cached answer header: %w", err)
	}
	h.columnsJSON = slices.Clip(cols)
	m.mu.Lock()
	if len(m.seen) >= headerMemoSize {
		m.seen = map[string]cachedHeader{}
	}
	m.seen[string(head)] = h
	m.mu.Unlock()
	return h, nil
}

// rowEncoder writes rows as JSON objects, byte for byte as encoding/json
// with HTML escaping off (the API's encoding), NaN and infinities (which
// JSON cannot hold) as null. The values engines return (strings, float64,
// int64, bool, nil) are written directly, without json.Encoder's per-value
// reflection, which would otherwise be most of what the API adds to an
// uncached query after the engine answers. Anything else, and a string
// that needs escaping, goes through encoding/json.
type rowEncoder struct {
	keys [][]byte // each column's name, quoted, with its colon
	buf  bytes.Buffer
	enc  *json.Encoder
}

func newRowEncoder(cols []warehouse.Column) (*rowEncoder, error) {
	e := &rowEncoder{keys: make([][]byte, len(cols))}
	for i, c := range cols {
		k, err := e.appendValue(nil, c.Name)
		if err != nil {
			return nil, err
		}
		e.keys[i] = append(k, ':')
	}
	return e, nil
}

// appendRow appends row as a JSON object to b.
func (e *rowEncoder) appendRow(b []byte, row []any) ([]byte, error) {
	if len(row) != len(e.keys) {
		return nil, fmt.Errorf("a row of %d values for %d columns", len(row), len(e.keys))
	}
	b = append(b, '{')
	for i, v := range row {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e.keys[i]...)
		var err error
		if b, err = e.appendValue(b, v); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func (e *rowEncoder) appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		if plainString(x) {
			b = append(b, '"')
			b = append(b, x...)
			return append(b, '"'), nil
		}
	case float64:
		return appendFloat(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	}
	return e.appendSlow(b, v)
}

// appendSlow appends v's JSON by encoding/json, without the newline
// json.Encoder ends it with.
func (e *rowEncoder) appendSlow(b []byte, v any) ([]byte, error) {
	if e.enc == nil {
		e.enc = json.NewEncoder(&e.buf)
		e.enc.SetEscapeHTML(false)
	}
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimSuffix(e.buf.Bytes(), []byte{'\n'})...), nil
}

// plainString tells whether encoding/json writes s as it is between quotes:
// valid UTF-8 with no quote, backslash, control character, or the line and
// paragraph separators it escapes for JavaScript.
func plainString(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
		if c >= utf8.RuneSelf {
			ascii = false
			// U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
			if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				return false
			}
		}
	}
	return ascii || utf8.ValidString(s)
}

// appendFloat writes f as encoding/json does (shortest form, exponent
// only below 1e-6 and from 1e21, "e-7" not "e-07"); NaN and infinities
// become null.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
