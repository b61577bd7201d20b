package api

import (
	"net/http"
	"testing"
	"time"
)

// GET /usage answers today's meters and, for the 30 days up to today by
// default or ?from=&to=, every day and each member's successful requests:
// the org's own members only. A bad period is refused naming its field.
func TestUsageHistoryPerDayAndPerMember(t *testing.T) {
	b := setupStack(t)
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views", nil)
	b.want(t, http.StatusOK, bruno, "GET", "/v1/orgs/agro-nordeste/views", nil)
	b.close()
	b2 := reopen(t, b)
	type history struct {
		Day     string
		History struct {
			From, To string
			Days     []struct {
				Day     string
				Queries int64
			}
			Users []struct {
				UserID  string `json:"user_id"`
				Email   string
				Actions int64
			}
		}
	}
	var h history
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/usage", nil).json(t, &h)
	today, err := time.Parse(time.DateOnly, h.Day)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.History.Days) != 30 || h.History.To != h.Day || h.History.Days[29].Day != h.Day || h.History.From != today.AddDate(0, 0, -29).Format(time.DateOnly) {
		t.Fatalf("default period %s..%s with %d days", h.History.From, h.History.To, len(h.History.Days))
	}
	anaID, brunoID := b2.userID(t, ana), b2.userID(t, bruno)
	found := false
	for _, u := range h.History.Users {
		if u.UserID == brunoID || u.Email == bruno {
			t.Errorf("porto-sul's usage names agro-nordeste's analyst: %+v", u)
		}
		if u.UserID == anaID && u.Email == ana && u.Actions >= 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("ana's requests are not in porto-sul's usage: %+v", h.History.Users)
	}

	var short history
	from := today.AddDate(0, 0, -2).Format(time.DateOnly)
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/usage?from="+from+"&to="+h.Day, nil).json(t, &short)
	if len(short.History.Days) != 3 || short.History.Days[0].Day != from {
		t.Errorf("3-day period: %+v", short.History.Days)
	}
	for _, c := range []struct{ query, field string }{
		{"from=yesterday", "from"},
		{"to=2026-13-01", "to"},
		{"from=2026-12-07&to=2026-12-01", "from"},
		{"from=2024-01-01&to=2026-01-01", "from"},
	} {
		r := b2.want(t, http.StatusBadRequest, ana, "GET", "/v1/orgs/porto-sul/usage?"+c.query, nil)
		if r.problemField() != c.field {
			t.Errorf("%s: field %q, want %q", c.query, r.problemField(), c.field)
		}
	}
	b2.want(t, http.StatusForbidden, bruno, "GET", "/v1/orgs/agro-nordeste/usage", nil)
}

// The audit log's filters are validated (400 naming the field); an action
// ending in a dot is a prefix; filtering by another org's user finds nothing.
func TestAuditFiltersAreValidatedAndIsolated(t *testing.T) {
	b := setupStack(t)
	b.createView(t, ana, "porto-sul", "Porto: auditoria", "org")
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views", nil)
	b.want(t, http.StatusOK, bruno, "GET", "/v1/orgs/agro-nordeste/views", nil)
	b.close()
	b2 := reopen(t, b)
	anaID, brunoID := b2.userID(t, ana), b2.userID(t, bruno)
	var page struct {
		Data []struct {
			UserID string `json:"user_id"`
			Action string
		}
	}
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/audit?action=views.&user="+anaID, nil).json(t, &page)
	seen := map[string]bool{}
	for _, e := range page.Data {
		if e.UserID != anaID || len(e.Action) < 6 || e.Action[:6] != "views." {
			t.Errorf("entry outside the filter: %+v", e)
		}
		seen[e.Action] = true
	}
	if !seen["views.create"] || !seen["views.list"] {
		t.Errorf("views. found %v, want views.create and views.list", seen)
	}
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/audit?user="+brunoID, nil).json(t, &page)
	if len(page.Data) != 0 {
		t.Errorf("porto-sul's log holds %d entries of agro-nordeste's analyst", len(page.Data))
	}
	for _, c := range []struct{ query, field string }{
		{"user=ana", "user"},
		{"action=views%25", "action"},
		{"action=.views", "action"},
		{"action=views..", "action"},
		{"from=2026-12-07&to=2026-12-01", "to"},
		{"to=soon", "to"},
	} {
		r := b2.want(t, http.StatusBadRequest, ana, "GET", "/v1/orgs/porto-sul/audit?"+c.query, nil)
		if r.problemField() != c.field {
			t.Errorf("%s: field %q, want %q", c.query, r.problemField(), c.field)
		}
	}
}
