package delim

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// The one-copy split of plain quoted records gives the fields the general
// path gives, and declines every record it cannot split that way.
func FuzzQuotedInLineMatchesTheGeneralPath(f *testing.F) {
	for _, s := range []string{
		`2024;"09";"84713019";"11";"063";"SP";"07";"1017500";42;13;608`,
		`"a";"b"`, `"a";`, `;"a"`, `""`, `"";""`, `"a""b";c`, `"ab"cd;e`, `"open;x`, `x"y;"z"`,
		"\"\rSP\";\"\r01\"", `"a;b";c`, `"é";"ç"`, `;;"";`,
	} {
		f.Add(s, byte(';'))
	}
	f.Add(`"a",b,"c"`, byte(','))
	f.Fuzz(func(t *testing.T, line string, comma byte) {
		if comma != ';' && comma != ',' && comma != '\t' {
			return
		}
		if strings.ContainsAny(line, "\n") || !strings.Contains(line, `"`) {
			return // Read hands readQuoted one line holding a quote
		}
		fast := &Reader{comma: comma}
		if !fast.quotedInLine([]byte(line)) {
			return
		}
		got := slices.Clone(fast.fields)
		general := NewReader(bytes.NewReader(nil), comma)
		want, err := general.readQuotedCopy([]byte(line))
		if err != nil {
			t.Fatalf("%q: the general path fails (%v) where the one-copy split gave %q", line, err, got)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: one-copy split %q, general path %q", line, got, want)
		}
	})
}
