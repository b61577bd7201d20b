package query

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/mirante/mirante/shared/warehouse"
)

func TestCachedAnswerRoundTrip(t *testing.T) {
	cols := []warehouse.Column{{Name: "uf", Kind: "dimension", Type: "string"}, {Name: "fob_usd", Kind: "measure", Type: "number"}, {Name: "n", Kind: "measure", Type: "integer"}}
	res := &Result{Columns: cols, Meta: Meta{Dataset: "comex_monthly", Rows: 4, Cache: "miss"}, Rows: [][]any{
		{"SP", 1.5e9, int64(7)},
		{"a \"quoted\",\nline <b>&", math.NaN(), nil},
		{"Sul", 1e-9, int64(-1)},
		{",\n", 2.0, int64(0)},
	}}
	a, err := answerOf(res)
	if err != nil {
		t.Fatal(err)
	}
	// The data is the inside of a JSON array of row objects.
	var objs []map[string]any
	if err := json.Unmarshal([]byte("["+string(a.Data())+"]"), &objs); err != nil || len(objs) != 4 {
		t.Fatalf("data %s: %v", a.Data(), err)
	}
	if !bytes.Contains(a.Data(), []byte(`{"uf":"a \"quoted\",\nline <b>&","fob_usd":null,"n":null}`)) {
		t.Errorf("row 1 not encoded as the API sends it (no HTML escaping, NaN as null): %s", a.Data())
	}
	b, err := a.encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeAnswer(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Columns, cols) || back.Meta != res.Meta || back.Rows() != 4 || !bytes.Equal(back.Data(), a.Data()) {
		t.Fatalf("decoded %+v", back)
	}
	// Both answers send their columns as encoding/json writes them.
	wantCols, _ := json.Marshal(cols)
	for _, x := range []*Answer{a, back, back} {
		if got, err := x.ColumnsJSON(); err != nil || !bytes.Equal(got, wantCols) {
			t.Errorf("columns %s, %v; want %s", got, err, wantCols)
		}
	}
	got, err := back.Result()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"SP", 1.5e9, 7.0}, {"a \"quoted\",\nline <b>&", nil, nil}, {"Sul", 1e-9, -1.0}, {",\n", 2.0, 0.0}}
	if !reflect.DeepEqual(got.Rows, want) {
		t.Errorf("values %#v, want %#v", got.Rows, want)
	}

	// Windows, on the cached and on the fresh answer alike.
	for name, fresh := range map[string]bool{"cached": false, "fresh": true} {
		for _, c := range []struct{ offset, n, want int }{{0, 9, 4}, {1, 2, 2}, {3, 5, 1}, {0, 1, 1}, {4, 1, 0}, {9, 5, 0}} {
			w := *back
			if fresh {
				w = *a
			}
			w.Window(c.offset, c.n)
			r, err := w.Result()
			if err != nil || w.Rows() != c.want || len(r.Rows) != c.want {
				t.Errorf("%s window(%d, %d): %d rows, %v", name, c.offset, c.n, w.Rows(), err)
				continue
			}
			for i, row := range r.Rows {
				if row[0] != want[c.offset+i][0] {
					t.Errorf("%s window(%d, %d) row %d: %v, want %v", name, c.offset, c.n, i, row[0], want[c.offset+i][0])
				}
			}
			var inside []any
			if err := json.Unmarshal([]byte("["+string(w.Data())+"]"), &inside); err != nil || len(inside) != c.want {
				t.Errorf("%s window(%d, %d): data %q is not %d rows: %v", name, c.offset, c.n, w.Data(), c.want, err)
			}
		}
	}

	// A cached value that is not a whole answer is a miss, never a short answer.
	for name, bad := range map[string][]byte{
		"truncated":    b[:len(b)-5],
		"no data":      b[:bytes.IndexByte(b[len(cachedMagic):], '\n')+len(cachedMagic)+1],
		"old encoding": []byte(`{"columns":[],"rows":[],"meta":{}}`),
		"empty":        nil,
	} {
		if _, err := decodeAnswer(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	empty, err := answerOf(&Result{Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	eb, _ := empty.encode()
	if e, err := decodeAnswer(eb); err != nil || e.Rows() != 0 || len(e.Data()) != 0 {
		t.Errorf("an empty answer: %+v %v", e, err)
	}
}

// referenceRow is a row as encoding/json writes it with the API's settings
// (no HTML escaping, NaN and infinities as null), one value at a time.
func referenceRow(t testing.TB, cols []warehouse.Column, row []any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	one := func(x any) []byte {
		if f, ok := x.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			x = nil
		}
		buf.Reset()
		if err := enc.Encode(x); err != nil {
			t.Fatal(err)
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
	}
	out := []byte{'{'}
	for i, v := range row {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, one(cols[i].Name)...)
		out = append(out, ':')
		out = append(out, one(v)...)
	}
	return append(out, '}')
}

// The row encoder writes what encoding/json writes, byte for byte.
func FuzzRowEncoderMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"SP", "São Paulo", "a \"q\"\\ <b>&", "tab\there\n", "\x00\x1f", "line\u2028sep\u2029", "bad \xff utf8", ""} {
		for _, x := range []float64{0, math.Copysign(0, -1), 1.5e9, 123.456, 1e-7, 9.99e-7, 1e-6, 1e21, 9.99e20, -2.5e-12, math.NaN(), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64} {
			f.Add(s, x, int64(-42), true)
		}
	}
	cols := []warehouse.Column{{Name: "uf"}, {Name: "vl_fob_usd"}, {Name: "n"}, {Name: "ok"}, {Name: "nada"}, {Name: "ano <b>\"x\""}}
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, ok bool) {
		row := []any{s, x, n, ok, nil, []string{s}}
		enc, err := newRowEncoder(cols)
		if err != nil {
			t.Fatal(err)
		}
		got, err := enc.appendRow([]byte("prefix"), row)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]byte("prefix"), referenceRow(t, cols, row)...)
		if !bytes.Equal(got, want) {
			t.Fatalf("row %#v:\n got %s\nwant %s", row, got, want)
		}
	})
}

// benchRows is an uncached answer's size: UF x month over a year.
func benchRows() ([]warehouse.Column, [][]any) {
	cols := []warehouse.Column{{Name: "month"}, {Name: "uf"}, {Name: "uf_name"}, {Name: "vl_fob_usd"}, {Name: "kg_liquido"}, {Name: "rows"}}
	var rows [][]any
	for m := 1; m <= 12; m++ {
		for u := 0; u < 27; u++ {
			rows = append(rows, []any{"2025-" + string(rune('0'+m/10)) + string(rune('0'+m%10)) + "-01", "SP", "São Paulo", 1.234567e9 * float64(u+1), 98765.4321 * float64(m), int64(m * u)})
		}
	}
	return cols, rows
}

// BenchmarkAnswerOf encodes an uncached answer's rows; compare with
// BenchmarkAnswerOfEncodingJSON, the same rows through encoding/json.
func BenchmarkAnswerOf(b *testing.B) {
	cols, rows := benchRows()
	res := &Result{Columns: cols, Rows: rows}
	for b.Loop() {
		if _, err := answerOf(res); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnswerOfEncodingJSON(b *testing.B) {
	cols, rows := benchRows()
	for b.Loop() {
		var out []byte
		for i, r := range rows {
			if i > 0 {
				out = append(out, rowSep...)
			}
			out = append(out, referenceRow(b, cols, r)...)
		}
		if len(out) == 0 {
			b.Fatal("nothing encoded")
		}
	}
}
