package httpapi

import (
	"context"
	"net/http"

	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
)

// orgRoutes registers every route under /v1/orgs/{org}.
func (s *Server) orgRoutes(mux *http.ServeMux) {
	route := func(pattern, action string, h http.HandlerFunc) {
		mux.Handle(pattern, s.inOrg(action, h))
	}
	limited := func(pattern, action string, b ratelimit.Bucket, h http.HandlerFunc) {
		mux.Handle(pattern, s.inOrg(action, s.limited(b, h)))
	}
	route("GET /v1/orgs/{org}", "org.read", s.handleGetOrg)

	route("GET /v1/orgs/{org}/members", "members.list", s.handleListMembers)
	route("POST /v1/orgs/{org}/members", "members.add", s.handleAddMember)
	route("GET /v1/orgs/{org}/members/{user}", "members.read", s.handleGetMember)
	route("PATCH /v1/orgs/{org}/members/{user}", "members.update", s.handleUpdateMember)
	route("DELETE /v1/orgs/{org}/members/{user}", "members.remove", s.handleRemoveMember)

	route("GET /v1/orgs/{org}/invites", "invites.list", s.handleListInvites)
	route("POST /v1/orgs/{org}/invites", "invites.create", s.handleCreateInvite)
	route("DELETE /v1/orgs/{org}/invites/{id}", "invites.revoke", s.handleRevokeInvite)

	route("GET /v1/orgs/{org}/entitlements", "entitlements.read", s.handleGetEntitlements)
	route("PUT /v1/orgs/{org}/entitlements", "entitlements.update", s.handleSetEntitlements)

	route("GET /v1/orgs/{org}/views", "views.list", s.handleListViews)
	route("POST /v1/orgs/{org}/views", "views.create", s.handleCreateView)
	route("GET /v1/orgs/{org}/views/{id}", "views.read", s.handleGetView)
	route("PATCH /v1/orgs/{org}/views/{id}", "views.update", s.handleUpdateView)
	route("DELETE /v1/orgs/{org}/views/{id}", "views.delete", s.handleDeleteView)

	route("GET /v1/orgs/{org}/dashboards", "dashboards.list", s.handleListDashboards)
	route("POST /v1/orgs/{org}/dashboards", "dashboards.create", s.handleCreateDashboard)
	route("GET /v1/orgs/{org}/dashboards/{id}", "dashboards.read", s.handleGetDashboard)
	route("PATCH /v1/orgs/{org}/dashboards/{id}", "dashboards.update", s.handleUpdateDashboard)
	route("DELETE /v1/orgs/{org}/dashboards/{id}", "dashboards.delete", s.handleDeleteDashboard)

	route("GET /v1/orgs/{org}/audit", "audit.list", s.handleListAudit)
	route("GET /v1/orgs/{org}/usage", "usage.read", s.handleUsage)

	route("GET /v1/orgs/{org}/datasets", "datasets.list", s.handleListDatasets)
	limited("GET /v1/orgs/{org}/datasets/{id}/values", "datasets.values", ratelimit.Queries, s.handleValues)
	limited("POST /v1/orgs/{org}/query", "query.run", ratelimit.Queries, s.handleQuery)
	limited("GET /v1/orgs/{org}/query", "query.page", ratelimit.Queries, s.handleQueryPage)

	limited("POST /v1/orgs/{org}/reports", "reports.order", ratelimit.ReportOrders, s.handleOrderReport)
	limited("GET /v1/orgs/{org}/reports", "reports.list", ratelimit.Queries, s.handleListReports)
	route("GET /v1/orgs/{org}/reports/{id}", "reports.read", s.handleGetReport)
	route("DELETE /v1/orgs/{org}/reports/{id}", "reports.delete", s.handleDeleteReport)
	limited("GET /v1/orgs/{org}/reports/{id}/verify", "reports.verify", ratelimit.Queries, s.handleVerifyReport)

	limited("POST /v1/orgs/{org}/uploads", "uploads.create", ratelimit.Uploads, s.handleUpload)
	route("GET /v1/orgs/{org}/uploads", "uploads.list", s.handleListUploads)
	route("GET /v1/orgs/{org}/uploads/{id}", "uploads.read", s.handleGetUpload)

	route("GET /v1/orgs/{org}/schedules", "schedules.list", s.handleListSchedules)
	route("POST /v1/orgs/{org}/schedules", "schedules.create", s.handleCreateSchedule)
	route("GET /v1/orgs/{org}/schedules/{id}", "schedules.read", s.handleGetSchedule)
	route("PATCH /v1/orgs/{org}/schedules/{id}", "schedules.update", s.handleUpdateSchedule)
	route("DELETE /v1/orgs/{org}/schedules/{id}", "schedules.delete", s.handleDeleteSchedule)
	limited("POST /v1/orgs/{org}/schedules/{id}/run", "schedules.run", ratelimit.ReportOrders, s.handleRunSchedule)
}

// auditNote carries what a handler wants recorded about its request.
type auditNote struct {
	summary any
}

type auditNoteKey struct{}

// noteAudit replaces the request's audit summary (by default its query
// parameters) with a summary of what was asked or written.
func noteAudit(ctx context.Context, summary any) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.summary = summary
	}
}

// inOrg resolves the org in the path and the caller's role in it, runs the
// handler as that tenant, and records the request in the org's audit log. A
// caller who is not a member gets 404 and reaches no handler. The reference
// reaches the resolver (and any cache in front of it) in its canonical
// spelling, so every spelling of an org's id is one org with one role.
func (s *Server) inOrg(action string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		t, err := s.Tenants.ResolveTenant(ctx, tenant.CanonicalOrgRef(r.PathValue("org")))
		if err != nil {
			Error(w, r, err)
			return
		}
		telemetry.Info(ctx).OrgID = t.Org.ID
		note := &auditNote{summary: querySummary(r)}
		ctx = context.WithValue(tenant.With(ctx, t), auditNoteKey{}, note)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if !sw.written {
				status = http.StatusOK
			}
			if v := recover(); v != nil {
				status = http.StatusInternalServerError
				defer panic(v)
			}
			u, _ := tenant.UserFromContext(ctx)
			e := audit.Entry{OrgID: t.Org.ID, UserID: u.ID, Action: action, Resource: r.URL.Path, Status: status, TraceID: telemetry.TraceID(ctx)}
			if note.summary != nil {
				e.Summary = audit.Summarise(note.summary)
			}
			s.Recorder.Record(ctx, e)
		}()
		h(sw, r.WithContext(ctx))
	})
}

// querySummary is the default audit summary: the query parameters, without
// the cursor (opaque and long).
func querySummary(r *http.Request) any {
	q := r.URL.Query()
	q.Del("cursor")
	if len(q) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range q {
		out[k] = v[0]
	}
	return map[string]any{"query": out}
}

type orgResponse struct {
	ID        string           `json:"id"`
	Slug      string           `json:"slug"`
	Name      string           `json:"name"`
	Plan      string           `json:"plan"`
	Isolation tenant.Isolation `json:"isolation"`
	Role      tenant.Role      `json:"role"`
}

func (s *Server) handleGetOrg(w http.ResponseWriter, r *http.Request) {
	t, _ := tenant.FromContext(r.Context())
	JSON(w, http.StatusOK, orgResponse{ID: t.Org.ID, Slug: t.Org.Slug, Name: t.Org.Name, Plan: t.Org.Plan, Isolation: t.Org.Isolation, Role: t.Role})
}
