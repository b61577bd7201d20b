package httpapi

import (
	"net/http"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/audit"
)

var auditFields = []string{"user_id", "action", "resource", "summary", "status", "trace_id", "at"}

func (s *Server) handleListAudit(w http.ResponseWriter, r *http.Request) {
	p, err := parseList(r, auditFields, nil)
	if err != nil {
		Error(w, r, err)
		return
	}
	q := r.URL.Query()
	f := audit.Filter{UserID: q.Get("user"), Action: q.Get("action"), Limit: p.limit + 1}
	if f.From, err = parseTime(q.Get("from"), "from"); err != nil {
		Error(w, r, err)
		return
	}
	if f.To, err = parseTime(q.Get("to"), "to"); err != nil {
		Error(w, r, err)
		return
	}
	scope := s.scope(r, "audit", filterFingerprint(q, "user", "action", "from", "to"))
	if p.cursor != "" {
		var k audit.Key
		if err := s.Cursors.Decode(p.cursor, scope, &k); err != nil {
			Error(w, r, err)
			return
		}
		f.After = &k
	}
	es, err := s.Audit.FindEntries(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	var next string
	if len(es) > p.limit {
		es = es[:p.limit]
		last := es[len(es)-1]
		if next, err = s.Cursors.Encode(scope, audit.Key{At: last.At, ID: last.ID}); err != nil {
			Error(w, r, err)
			return
		}
	}
	items := make([]any, len(es))
	for i, e := range es {
		items[i] = e
	}
	writeList(w, r, items, p.fields, next)
}

// parseTime reads an RFC 3339 time or a date (midnight UTC).
func parseTime(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, apperr.Invalidf(field, "must be an RFC 3339 time or a YYYY-MM-DD date")
}
