package audit

import (
	"encoding/json"
	"strings"
	"testing"
)

// A summary remembered from an earlier call is the one computed afresh,
// and appending to it never changes what the next caller gets.
func TestSummariseRemembersWithoutSharingWrites(t *testing.T) {
	big := map[string]any{"a": strings.Repeat("x", MaxSummaryBytes), "b": 1}
	cases := []struct {
		name string
		in   any
	}{
		{"spec", map[string]any{"dataset": "comex_monthly", "limit": 400, "filters": []any{map[string]any{"op": "eq", "value": "ex\x00port"}}}},
		{"raw with duplicate keys", json.RawMessage(`{"k":1,"k":2e3}`)},
		{"too large", big},
		{"unrepresentable", func() {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first := Summarise(tc.in)
			want := string(first)
			b, err := json.Marshal(tc.in)
			if err == nil && string(summarise(b)) != want {
				t.Fatalf("remembered %s, computed %s", want, summarise(b))
			}
			_ = append(first, '!')
			if got := string(Summarise(tc.in)); got != want {
				t.Errorf("second call %s, first %s", got, want)
			}
			if got := string(Summarise(Presummarise(tc.in))); got != want {
				t.Errorf("presummarised %s, summarised %s", got, want)
			}
			// Storing summarises the summary again: it is a fixed point.
			if got := string(Entry{Summary: first}.Storable().Summary); got != want {
				t.Errorf("stored %s, summarised %s", got, want)
			}
		})
	}
	if got := string(Summarise(map[string]any{"v": "a\x00b"})); got != `{"v":"a\uFFFDb"}` && got != "{\"v\":\"a\uFFFDb\"}" {
		t.Errorf("NUL kept: %s", got)
	}
}
