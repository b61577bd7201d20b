package httpapi

import (
	"context"
	"net/http"
	"regexp"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/tenant"
)

var auditFields = []string{"user_id", "action", "resource", "summary", "status", "trace_id", "at"}

func (s *Server) handleListAudit(w http.ResponseWriter, r *http.Request) {
	p, err := parseList(r, auditFields, nil)
	if err != nil {
		Error(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := auditFilter(q.Get("user"), q.Get("action"), q.Get("from"), q.Get("to"))
	if err != nil {
		Error(w, r, err)
		return
	}
	scope := s.scope(r, "audit", filterFingerprint(q, "user", "action", "from", "to"))
	servePage(s, w, r, p, scope, func(ctx context.Context, after *audit.Key, limit int) ([]*audit.Entry, error) {
		f.After, f.Limit = after, limit
		return s.Audit.FindEntries(ctx, f)
	}, func(e *audit.Entry) audit.Key { return audit.Key{At: e.At, ID: e.ID} }, nil)
}

// auditActionRe is an action name ("views.create") or a prefix of one
// ending in a dot ("views.").
var auditActionRe = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.?$`)

// auditFilter validates the audit log's filters: user is a user id, action
// an action or a prefix ending in "." (see audit.Filter), from and to
// times or dates with from before to.
func auditFilter(user, action, from, to string) (audit.Filter, error) {
	f := audit.Filter{UserID: user, Action: action}
	if user != "" && !tenant.IsOrgID(user) { // user ids are UUIDs, as org ids are
		return f, apperr.Invalidf("user", "must be a user id")
	}
	if action != "" && (len(action) > 64 || !auditActionRe.MatchString(action)) {
		return f, apperr.Invalidf("action", "must be an action such as views.create, or a prefix ending in a dot such as views.")
	}
	var err error
	if f.From, err = parseTime(from, "from"); err != nil {
		return f, err
	}
	if f.To, err = parseTime(to, "to"); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, apperr.Invalidf("to", "must follow from")
	}
	return f, nil
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
