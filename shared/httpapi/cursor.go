package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/apperr"
)

// Cursors makes opaque, tamper-evident page cursors. A cursor is bound to the
// list, the org, the user and the list's filters it was made for, and expires.
type Cursors struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// NewCursors returns cursors signed with secret.
func NewCursors(secret []byte) *Cursors {
	return &Cursors{key: secret, ttl: 24 * time.Hour, now: time.Now}
}

// CursorScope is what a cursor is valid for.
type CursorScope struct {
	List   string // e.g. "views"
	OrgID  string
	UserID string
	Filter string // a fingerprint of the list's filters
}

type cursorPayload struct {
	List   string          `json:"l"`
	Org    string          `json:"o"`
	User   string          `json:"u"`
	Filter string          `json:"f"`
	Expiry int64           `json:"x"`
	Key    json.RawMessage `json:"k"`
}

// Encode returns a cursor for the position key in the scope.
func (c *Cursors) Encode(s CursorScope, key any) (string, error) {
	k, err := json.Marshal(key)
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(cursorPayload{List: s.List, Org: s.OrgID, User: s.UserID, Filter: s.Filter, Expiry: c.now().Add(c.ttl).Unix(), Key: k})
	if err != nil {
		return "", err
	}
	body := base64.RawURLEncoding.EncodeToString(p)
	return body + "." + base64.RawURLEncoding.EncodeToString(c.mac(body)), nil
}

// Decode checks a cursor's signature, scope and expiry and reads its position
// into key. Any mismatch is one Invalid error naming "cursor": a client cannot
// tell a tampered cursor from another org's.
func (c *Cursors) Decode(tok string, s CursorScope, key any) error {
	bad := apperr.Invalidf("cursor", "invalid or expired cursor")
	body, sig, ok := strings.Cut(tok, ".")
	if !ok || len(tok) > 4096 {
		return bad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(body)) {
		return bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return bad
	}
	var p cursorPayload
	if json.Unmarshal(raw, &p) != nil {
		return bad
	}
	if p.List != s.List || p.Org != s.OrgID || p.User != s.UserID || p.Filter != s.Filter || c.now().Unix() > p.Expiry {
		return bad
	}
	if json.Unmarshal(p.Key, key) != nil {
		return bad
	}
	return nil
}

func (c *Cursors) mac(body string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("mirante-cursor-v1\x00"))
	m.Write([]byte(body))
	return m.Sum(nil)
}
