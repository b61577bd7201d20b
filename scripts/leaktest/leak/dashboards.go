package leak

import (
	"context"
	"encoding/json"
	"net/http"
)

// prepareDashboard gives the tenant a private dashboard of its first view,
// when the API serves dashboards (an older one leaves them out).
func (s *suite) prepareDashboard(ctx context.Context, o *owned, base string) {
	r, err := s.call(ctx, o.token, "POST", base+"/dashboards", map[string]any{
		"name": o.marker + " dashboard", "visibility": "private",
		"panels": []map[string]any{{"view_id": o.viewID, "x": 0, "y": 0, "w": 6, "h": 4, "title": o.marker + " panel"}},
	})
	var d struct{ ID string }
	if err == nil && r.status == http.StatusCreated && json.Unmarshal(r.body, &d) == nil {
		o.dashboardID = d.ID
		o.ids = append(o.ids, d.ID)
	}
}

// probeDashboards: a never reads, changes or builds on b's dashboard, by
// b's org or under its own, and a's list holds only a's.
func (s *suite) probeDashboards(ctx context.Context, a, b *owned) {
	aorg := "/v1/orgs/" + a.t.Org
	for _, ref := range []string{b.t.Org, b.orgID} {
		base := "/v1/orgs/" + ref
		s.expectRefused(ctx, a, b, "other org dashboards", "GET", base+"/dashboards", nil, http.StatusNotFound)
		if b.dashboardID != "" {
			s.expectRefused(ctx, a, b, "other org dashboard", "GET", base+"/dashboards/"+b.dashboardID, nil, http.StatusNotFound)
			s.expectRefused(ctx, a, b, "other org dashboard patch", "PATCH", base+"/dashboards/"+b.dashboardID, `{"name":"hijacked"}`, http.StatusNotFound)
			s.expectRefused(ctx, a, b, "other org dashboard delete", "DELETE", base+"/dashboards/"+b.dashboardID, nil, http.StatusNotFound)
		}
	}
	if b.dashboardID != "" {
		s.expectRefused(ctx, a, b, "swapped dashboard id", "GET", aorg+"/dashboards/"+b.dashboardID, nil, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "swapped dashboard patch", "PATCH", aorg+"/dashboards/"+b.dashboardID, `{"name":"hijacked"}`, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "swapped dashboard delete", "DELETE", aorg+"/dashboards/"+b.dashboardID, nil, http.StatusNotFound)
	}
	if a.dashboardID != "" {
		s.expectRefused(ctx, a, b, "dashboard of another's view", "POST", aorg+"/dashboards",
			map[string]any{"name": "x" + a.marker, "panels": []map[string]any{{"view_id": b.viewID, "x": 0, "y": 0, "w": 6, "h": 4}}})
		s.expectRefused(ctx, a, b, "another's view on own dashboard", "PATCH", aorg+"/dashboards/"+a.dashboardID,
			map[string]any{"panels": []map[string]any{{"view_id": b.viewID, "x": 0, "y": 0, "w": 6, "h": 4}}})
		s.expectOwnOnly(ctx, a, b, "own list /dashboards", "GET", aorg+"/dashboards?limit=500", nil)
	}
}

// checkDashboardIntact: b's dashboard is still there, named as b named it.
func (s *suite) checkDashboardIntact(ctx context.Context, b *owned) {
	if b.dashboardID == "" {
		return
	}
	s.res.Probes++
	r, err := s.call(ctx, b.token, "GET", "/v1/orgs/"+b.t.Org+"/dashboards/"+b.dashboardID, nil)
	if err != nil || r.status != http.StatusOK {
		s.leak("%s's dashboard %s is gone after the probes (%d)", b.t.Org, b.dashboardID, r.status)
		return
	}
	var d struct{ Name string }
	if json.Unmarshal(r.body, &d) != nil || d.Name != b.marker+" dashboard" {
		s.leak("%s's dashboard was renamed to %q by someone else", b.t.Org, d.Name)
	}
}
