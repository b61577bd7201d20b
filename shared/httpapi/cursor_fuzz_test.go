package httpapi

import (
	"testing"
	"time"

	"github.com/mirante/mirante/shared/apperr"
)

// FuzzCursorDecode: any string as a cursor never panics; it decodes only when
// it is a cursor this key signed for the same scope (which random bytes are
// not), and every refusal is the one Invalid error naming "cursor", so a
// client cannot tell a forged cursor from another org's or an expired one.
func FuzzCursorDecode(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewCursors([]byte("fuzz-secret-0123456789abcdef0123"))
	c.now = func() time.Time { return now }
	scope := CursorScope{List: "views", OrgID: "0b7c1e5a-0000-4000-8000-00000000000a", UserID: "u1", Filter: "f"}
	type pos struct {
		After string `json:"after"`
		N     int    `json:"n"`
	}
	good, err := c.Encode(scope, pos{After: "2026-01-01T00:00:00Z", N: 3})
	if err != nil {
		f.Fatal(err)
	}
	other := NewCursors([]byte("another-key"))
	other.now = c.now
	forged, _ := other.Encode(scope, pos{After: "x"})
	f.Add(good)
	f.Add(forged)
	f.Add(good + "A")
	f.Add("")
	f.Add(".")
	f.Add("eyJsIjoidmlld3MifQ.")
	f.Fuzz(func(t *testing.T, tok string) {
		var p pos
		err := c.Decode(tok, scope, &p)
		if err == nil {
			if tok != good {
				// Only a cursor signed with the key decodes; the fuzzer
				// cannot forge an HMAC-SHA256, so any other success is a bug
				// (for example a signature check that accepts a prefix).
				again, _ := c.Encode(scope, p)
				if again != tok {
					t.Fatalf("an unsigned cursor decoded: %q -> %+v", tok, p)
				}
			}
			return
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "cursor" {
			t.Fatalf("refusal is not the one Invalid cursor error: %v", err)
		}
		// The same token under another org is refused the same way.
		s2 := scope
		s2.OrgID = "0b7c1e5a-0000-4000-8000-00000000000b"
		if err2 := c.Decode(tok, s2, &p); err2 == nil || err2.Error() != err.Error() {
			t.Fatalf("another org's refusal differs: %v vs %v", err2, err)
		}
	})
}
