package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/jsondecode"
	"github.com/mirante/mirante/shared/views"
)

var dashboardFields = []string{"owner_id", "name", "description", "visibility", "panels", "filters", "time", "version", "created_at", "updated_at", "owner"}

// dashboardResponse is a dashboard with its optional embedded owner.
type dashboardResponse struct {
	*dashboards.Dashboard
	Owner *viewOwner `json:"owner,omitempty"`
}

// withDashboardOwners wraps dashboards for rendering, embedding each owner
// when asked.
func (s *Server) withDashboardOwners(r *http.Request, ds []*dashboards.Dashboard, include bool) ([]any, error) {
	owners, err := ownersOf(s, r, ds, include, func(d *dashboards.Dashboard) string { return d.OwnerID })
	if err != nil {
		return nil, err
	}
	out := make([]any, len(ds))
	for i, d := range ds {
		out[i] = dashboardResponse{Dashboard: d, Owner: owners[i]}
	}
	return out, nil
}

func (s *Server) handleListDashboards(w http.ResponseWriter, r *http.Request) {
	find := func(ctx context.Context, f views.ViewFilter) ([]*dashboards.Dashboard, error) {
		// The filters have the same fields: dashboards are listed as views are.
		return s.Dashboards.FindDashboards(ctx, dashboards.DashboardFilter(f))
	}
	listOwned(s, w, r, "dashboards", dashboardFields, find,
		func(d *dashboards.Dashboard) views.Key { return views.Key{CreatedAt: d.CreatedAt, ID: d.ID} }, s.withDashboardOwners)
}

func (s *Server) handleGetDashboard(w http.ResponseWriter, r *http.Request) {
	getOwned(s, w, r, dashboardFields, s.Dashboards.FindDashboardByID, s.withDashboardOwners, func(d *dashboards.Dashboard) int { return d.Version })
}

type createDashboardRequest struct {
	Name        string                    `json:"name"`
	Description string                    `json:"description"`
	Visibility  views.Visibility          `json:"visibility"`
	Panels      []dashboards.Panel        `json:"panels"`
	Filters     []dashboards.SharedFilter `json:"filters"`
	Time        json.RawMessage           `json:"time"`
}

// auditSummary keeps how many panels a new dashboard has, not the panels.
func (req createDashboardRequest) auditSummary() any {
	return map[string]any{"name": req.Name, "visibility": req.Visibility, "panels": len(req.Panels)}
}

func (s *Server) handleCreateDashboard(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[createDashboardRequest](s, w, r)
	if !ok {
		return
	}
	tr, err := decodeTimeRange(req.Time)
	if err != nil {
		Error(w, r, err)
		return
	}
	d := &dashboards.Dashboard{Name: req.Name, Description: req.Description, Visibility: req.Visibility,
		Panels: req.Panels, Filters: req.Filters, Time: tr}
	if err := s.Dashboards.CreateDashboard(r.Context(), d); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", r.URL.Path+"/"+d.ID)
	w.Header().Set("ETag", etag(d.Version))
	JSON(w, http.StatusCreated, dashboardResponse{Dashboard: d})
}

type updateDashboardRequest struct {
	Name        *string                    `json:"name"`
	Description *string                    `json:"description"`
	Visibility  *views.Visibility          `json:"visibility"`
	Panels      *[]dashboards.Panel        `json:"panels"`
	Filters     *[]dashboards.SharedFilter `json:"filters"`
	Time        json.RawMessage            `json:"time"`
}

// auditSummary keeps whether the panels and filters change, not what to.
func (req updateDashboardRequest) auditSummary() any {
	return map[string]any{"name": req.Name, "visibility": req.Visibility, "panels": req.Panels != nil, "filters": req.Filters != nil}
}

func (s *Server) handleUpdateDashboard(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[updateDashboardRequest](s, w, r)
	if !ok {
		return
	}
	if req.Name == nil && req.Description == nil && req.Visibility == nil && req.Panels == nil && req.Filters == nil && req.Time == nil {
		Error(w, r, apperr.Invalidf("body", "nothing to change: give name, description, visibility, panels, filters or time"))
		return
	}
	upd := dashboards.DashboardUpdate{Name: req.Name, Description: req.Description, Visibility: req.Visibility,
		Panels: req.Panels, Filters: req.Filters, SetTime: req.Time != nil}
	var err error
	if upd.Time, err = decodeTimeRange(req.Time); err != nil {
		Error(w, r, err)
		return
	}
	if upd.IfVersion, err = ifMatchVersion(r, "dashboard"); err != nil {
		Error(w, r, err)
		return
	}
	d, err := s.Dashboards.UpdateDashboard(r.Context(), r.PathValue("id"), upd)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(d.Version))
	JSON(w, http.StatusOK, dashboardResponse{Dashboard: d})
}

func (s *Server) handleDeleteDashboard(w http.ResponseWriter, r *http.Request) {
	version, err := ifMatchVersion(r, "dashboard")
	if err != nil {
		Error(w, r, err)
		return
	}
	err = s.Dashboards.DeleteDashboard(r.Context(), r.PathValue("id"), version)
	reply(w, r, http.StatusNoContent, nil, err)
}

// decodeTimeRange reads a dashboard's time range: absent or null is none,
// otherwise an object of from and to.
func decodeTimeRange(raw json.RawMessage) (*dashboards.TimeRange, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, apperr.Invalidf("time", "must be an object with from and to")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var tr dashboards.TimeRange
	if err := dec.Decode(&tr); err != nil {
		e := jsondecode.Invalid(err)
		if ae, ok := apperr.As(e); ok && len(ae.Fields) == 1 && ae.Fields[0].Field != "body" {
			return nil, apperr.Invalidf("time."+ae.Fields[0].Field, "%s", ae.Fields[0].Reason)
		}
		return nil, apperr.Invalidf("time", "must be an object with from and to")
	}
	return &tr, nil
}
