package audit

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxExponent bounds the exponents measured digit by digit; PostgreSQL's
// numeric refuses far smaller ones (about 131072 digits before the point,
// 16383 after), and any number it refuses measures more than
// MaxSummaryBytes anyway.
const maxExponent = 1 << 20

// unstorable is the size given to a value PostgreSQL would refuse.
const unstorable = math.MaxInt / 2

// CleanText returns s as PostgreSQL text takes it: invalid UTF-8 and NUL
// (which text cannot hold) become U+FFFD.
func CleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// Storable returns the entry with every field in a form the audit table
// accepts: text fields hold valid UTF-8 without NUL, and the summary is
// JSON that jsonb takes and whose jsonb text is at most MaxSummaryBytes.
func (e Entry) Storable() Entry {
	e.UserID = CleanText(e.UserID)
	e.Action = CleanText(e.Action)
	e.Resource = CleanText(e.Resource)
	e.TraceID = CleanText(e.TraceID)
	if len(e.Summary) > 0 {
		e.Summary = Summarise(json.RawMessage(e.Summary))
	}
	return e
}

// normalise decodes b into the value jsonb would store: duplicate keys keep
// the last value, invalid UTF-8 and lone surrogates become U+FFFD (as Go's
// decoder does), and NUL, which jsonb refuses, becomes U+FFFD too.
func normalise(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return cleanValue(v), nil
}

func cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return CleanText(x)
	case []any:
		for i := range x {
			x[i] = cleanValue(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[CleanText(k)] = cleanValue(val)
		}
		return out
	}
	return v
}

// StoredSize is octet_length(v::jsonb::text) in PostgreSQL for a decoded
// JSON value v (as normalise returns it): the length of jsonb's text form,
// which puts ", " between elements and ": " after keys, escapes only
// quotes, backslashes and control characters, and prints numbers as
// numeric does (1e3 is 1000). A value jsonb would refuse measures more
// than any bound.
func StoredSize(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case string:
		return jsonbStringSize(x)
	case json.Number:
		return numericSize(string(x))
	case int:
		return len(strconv.Itoa(x))
	case []any:
		n := 2
		for i, e := range x {
			if i > 0 {
				n += 2
			}
			n = addSize(n, StoredSize(e))
		}
		return n
	case map[string]any:
		n := 2
		i := 0
		for k, e := range x {
			if i > 0 {
				n += 2
			}
			i++
			n = addSize(n, jsonbStringSize(k)+2)
			n = addSize(n, StoredSize(e))
		}
		return n
	}
	return unstorable
}

func addSize(a, b int) int {
	if a >= unstorable || b >= unstorable {
		return unstorable
	}
	return a + b
}

// jsonbStringSize is the length of s quoted as jsonb prints it.
func jsonbStringSize(s string) int {
	n := 2
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t':
			n += 2
		case c < 0x20:
			n += 6
		default:
			n++
		}
	}
	return n
}

// numericSize is the length of PostgreSQL numeric's text for a JSON number
// literal: its digits shifted by the exponent, with as many fraction
// digits as the literal had less the exponent, and no sign on zero.
func numericSize(lit string) int {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(lit), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expPart)
		if err != nil || e > maxExponent || e < -maxExponent {
			return unstorable
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	if strings.Trim(intPart+frac, "0123456789") != "" || intPart+frac == "" {
		return unstorable
	}
	scale := max(0, len(frac)-exp)
	// digits × 10^shift is the value.
	shift := exp - len(frac)
	intLen := 1
	if digits != "" {
		intLen = max(1, len(digits)+shift)
	}
	n := intLen
	if scale > 0 {
		n += 1 + scale
	}
	if neg && digits != "" {
		n++
	}
	return n
}

// note replaces a summary too large to keep: its size and as many of its
// top-level keys (sorted) as fit within MaxSummaryBytes.
func note(v any, size int) json.RawMessage {
	n := map[string]any{"truncated": true, "bytes": size}
	if size >= unstorable {
		n = map[string]any{"truncated": true, "unstorable": true}
	}
	if m, ok := v.(map[string]any); ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		kept := []any{}
		n["keys"] = kept
		for _, k := range keys {
			if len(kept) >= 50 {
				break
			}
			n["keys"] = append(kept, k)
			if StoredSize(n) > MaxSummaryBytes {
				n["keys"] = kept
				break
			}
			kept = append(kept, k)
		}
	}
	out, _ := json.Marshal(n)
	return out
}
