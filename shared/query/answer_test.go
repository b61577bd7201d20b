package query

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/mirante/mirante/shared/warehouse"
)

func TestCachedAnswerRoundTrip(t *testing.T) {
	cols := []warehouse.Column{{Name: "uf", Kind: "dimension", Type: "string"}, {Name: "fob_usd", Kind: "measure", Type: "number"}, {Name: "n", Kind: "measure", Type: "integer"}}
	res := &Result{Columns: cols, Meta: Meta{Dataset: "comex_monthly", Rows: 3, Cache: "miss"}, Rows: [][]any{
		{"SP", 1.5e9, int64(7)},
		{"a \"quoted\"\nline <b>&", math.NaN(), nil},
		{"Sul", 1e-9, int64(-1)},
	}}
	a, err := answerOf(res)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(a.Rows[1]); got != `{"uf":"a \"quoted\"\nline <b>&","fob_usd":null,"n":null}` {
		t.Errorf("row 1 encoded as %s", got)
	}
	b, err := a.encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeAnswer(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Columns, cols) || back.Meta != res.Meta || len(back.Rows) != 3 {
		t.Fatalf("decoded %+v", back)
	}
	for i := range a.Rows {
		if string(back.Rows[i]) != string(a.Rows[i]) {
			t.Errorf("row %d: %s, want %s", i, back.Rows[i], a.Rows[i])
		}
	}
	got, err := back.Result()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"SP", 1.5e9, 7.0}, {"a \"quoted\"\nline <b>&", nil, nil}, {"Sul", 1e-9, -1.0}}
	if !reflect.DeepEqual(got.Rows, want) {
		t.Errorf("values %#v, want %#v", got.Rows, want)
	}
	back.window(1, 5)
	if len(back.Rows) != 2 || string(back.Rows[0]) != string(a.Rows[1]) {
		t.Errorf("window(1, 5): %q", back.Rows)
	}
	back.window(9, 5)
	if len(back.Rows) != 0 {
		t.Errorf("a window past the end holds %d rows", len(back.Rows))
	}

	// A cached value that is not a whole answer is a miss, never a short answer.
	for name, bad := range map[string][]byte{
		"truncated":    b[:len(b)-5],
		"a row short":  b[:len(b)-len(a.Rows[2])-1],
		"old encoding": []byte(`{"columns":[],"rows":[],"meta":{}}`),
		"empty":        nil,
	} {
		if _, err := decodeAnswer(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	var js any
	if err := json.Unmarshal(a.Rows[0], &js); err != nil {
		t.Errorf("row 0 is not JSON: %v", err)
	}
}
