package httpapi

import (
	"net/http"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/billing"
)

// MaxUsageDays bounds the period GET /usage reads per day and per member.
const MaxUsageDays = 366

// usageResponse is today's usage against the plan, and the period's history.
type usageResponse struct {
	billing.Usage
	History billing.UsageHistory `json:"history"`
}

// handleUsage answers an org's usage today against its plan, with its usage
// per day and per member over ?from=..&to= (UTC dates, both included; by
// default the 30 days up to today) (admins).
func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) {
	u, err := s.Usage.OrgUsage(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	today, err := time.Parse(time.DateOnly, u.Day)
	if err != nil {
		Error(w, r, err)
		return
	}
	from, to, err := usagePeriod(r, today)
	if err != nil {
		Error(w, r, err)
		return
	}
	h, err := s.Usage.UsageHistory(r.Context(), from, to)
	reply(w, r, http.StatusOK, usageResponse{Usage: u, History: h}, err)
}

// usagePeriod reads ?from= and ?to= (YYYY-MM-DD): to defaults to today,
// from to 29 days before to; from may not follow to, and the period holds at
// most MaxUsageDays days.
func usagePeriod(r *http.Request, today time.Time) (from, to time.Time, err error) {
	q := r.URL.Query()
	to = today
	if v := q.Get("to"); v != "" {
		if to, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, apperr.Invalidf("to", "must be a YYYY-MM-DD date")
		}
	}
	from = to.AddDate(0, 0, -29)
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, apperr.Invalidf("from", "must be a YYYY-MM-DD date")
		}
	}
	if from.After(to) {
		return from, to, apperr.Invalidf("from", "must not follow to")
	}
	if to.Sub(from) >= MaxUsageDays*24*time.Hour {
		return from, to, apperr.Invalidf("from", "the period may hold at most %d days", MaxUsageDays)
	}
	return from, to, nil
}
