package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/mirante/mirante/shared/warehouse"
)

// Answer is a result in the form the API sends it: each row already
// encoded as a JSON object keyed by column name, in column order. A cache
// hit is served without decoding a single value: the rows are slices of the
// cached bytes.
type Answer struct {
	Columns []warehouse.Column
	Meta    Meta
	// Rows are JSON objects, one per row.
	Rows []json.RawMessage
	// Compiled is the SQL that answers the spec (never cached or sent).
	Compiled *warehouse.Compiled

	// fresh is the engine's result when the answer was just computed, so
	// that Result need not decode what was just encoded.
	fresh *Result
}

// cachedMagic starts every cached answer: the encoding's version. A line
// holding the header (columns and meta) follows, then one line per row.
// encoding/json never writes a raw newline, so lines split unambiguously.
const cachedMagic = "mirante-answer-v2\n"

type cachedHeader struct {
	Columns []warehouse.Column `json:"columns"`
	Meta    Meta               `json:"meta"`
}

// answerOf encodes a fresh result's rows.
func answerOf(res *Result) (*Answer, error) {
	a := &Answer{Columns: res.Columns, Meta: res.Meta, Rows: make([]json.RawMessage, len(res.Rows)), Compiled: res.Compiled, fresh: res}
	var enc rowEncoder
	for i, row := range res.Rows {
		b, err := enc.encode(res.Columns, row)
		if err != nil {
			return nil, err
		}
		a.Rows[i] = b
	}
	return a, nil
}

// encode is the answer's cached form.
func (a *Answer) encode() ([]byte, error) {
	head, err := json.Marshal(cachedHeader{Columns: a.Columns, Meta: a.Meta})
	if err != nil {
		return nil, err
	}
	n := len(cachedMagic) + len(head) + 1
	for _, r := range a.Rows {
		n += len(r) + 1
	}
	buf := make([]byte, 0, n)
	buf = append(buf, cachedMagic...)
	buf = append(buf, head...)
	buf = append(buf, '\n')
	for _, r := range a.Rows {
		buf = append(buf, r...)
		buf = append(buf, '\n')
	}
	return buf, nil
}

var errNotAnswer = errors.New("not a cached answer")

// decodeAnswer reads a cached answer; its rows stay slices of b.
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
	a := &Answer{Columns: h.Columns, Meta: h.Meta, Rows: make([]json.RawMessage, 0, h.Meta.Rows)}
	for len(rest) > 0 {
		var line []byte
		line, rest, ok = bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return nil, errNotAnswer // truncated
		}
		a.Rows = append(a.Rows, line)
	}
	if len(a.Rows) != h.Meta.Rows {
		return nil, errNotAnswer
	}
	return a, nil
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
	m.mu.Lock()
	if len(m.seen) >= headerMemoSize {
		m.seen = map[string]cachedHeader{}
	}
	m.seen[string(head)] = h
	m.mu.Unlock()
	return h, nil
}

// window keeps rows [offset, offset+n).
func (a *Answer) window(offset, n int) {
	if offset >= len(a.Rows) {
		a.Rows = a.Rows[:0]
		return
	}
	a.Rows = a.Rows[offset:min(offset+n, len(a.Rows))]
}

// Result returns the answer with its rows as values (string, float64, int64
// from a fresh result, float64 from the cache, or nil).
func (a *Answer) Result() (*Result, error) {
	if a.fresh != nil {
		res := *a.fresh
		res.Meta, res.Compiled = a.Meta, a.Compiled
		return &res, nil
	}
	res := &Result{Columns: a.Columns, Meta: a.Meta, Compiled: a.Compiled, Rows: make([][]any, len(a.Rows))}
	for i, raw := range a.Rows {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("cached row %d: %w", i, err)
		}
		row := make([]any, len(a.Columns))
		for k, c := range a.Columns {
			row[k] = m[c.Name]
		}
		res.Rows[i] = row
	}
	return res, nil
}

// rowEncoder writes rows as JSON objects, with the API's encoding (no HTML
// escaping; NaN and infinities, which JSON cannot hold, as null).
type rowEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func (e *rowEncoder) encode(cols []warehouse.Column, row []any) (json.RawMessage, error) {
	if len(row) != len(cols) {
		return nil, fmt.Errorf("a row of %d values for %d columns", len(row), len(cols))
	}
	if e.enc == nil {
		e.enc = json.NewEncoder(&e.buf)
		e.enc.SetEscapeHTML(false)
	}
	e.buf.Reset()
	e.buf.WriteByte('{')
	for i, c := range cols {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		if err := e.value(c.Name); err != nil {
			return nil, err
		}
		e.buf.WriteByte(':')
		v := row[i]
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			v = nil
		}
		if err := e.value(v); err != nil {
			return nil, err
		}
	}
	e.buf.WriteByte('}')
	return bytes.Clone(e.buf.Bytes()), nil
}

// value appends v's JSON without the newline json.Encoder ends it with.
func (e *rowEncoder) value(v any) error {
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	e.buf.Truncate(e.buf.Len() - 1)
	return nil
}
