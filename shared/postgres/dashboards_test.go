package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/views"
)

// ipcaConfig is a view config every test org is entitled to.
const ipcaConfig = `{"dataset":"ipca_monthly","measures":["index"],"dimensions":["month"]}`

type dashBundle struct {
	inviteBundle
	views  *postgres.ViewService
	dashes *postgres.DashboardService
	// Members of org A by role (analyst2 is another analyst), and org B's admin.
	adminA, analystA, analyst2A, viewerA context.Context
}

func setupDashboards(t *testing.T) dashBundle {
	t.Helper()
	catalog, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	b := dashBundle{inviteBundle: setupInvites(t)}
	b.views = postgres.NewViewService(b.app, catalog)
	b.dashes = postgres.NewDashboardService(b.app)
	for _, o := range []tenant.Org{b.orgA, b.orgB} {
		if err := b.admin.SetEntitlements(context.Background(), o.ID, []string{"ipca_monthly"}); err != nil {
			t.Fatal(err)
		}
	}
	b.adminA = b.member(t, b.orgA, "admin-a@example.com", tenant.Admin)
	b.analystA = b.member(t, b.orgA, "analyst-a@example.com", tenant.Analyst)
	b.analyst2A = b.member(t, b.orgA, "analyst2-a@example.com", tenant.Analyst)
	b.viewerA = b.member(t, b.orgA, "viewer-a@example.com", tenant.Viewer)
	return b
}

func (b dashBundle) view(t *testing.T, ctx context.Context, name string, vis views.Visibility) *views.View {
	t.Helper()
	v := &views.View{Name: name, Config: json.RawMessage(ipcaConfig), Visibility: vis}
	if err := b.views.CreateView(ctx, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (b dashBundle) dashboard(t *testing.T, ctx context.Context, name string, vis views.Visibility, vs ...*views.View) *dashboards.Dashboard {
	t.Helper()
	d := &dashboards.Dashboard{Name: name, Visibility: vis}
	for i, v := range vs {
		d.Panels = append(d.Panels, dashboards.Panel{ViewID: v.ID, X: 6 * (i % 2), Y: 4 * (i / 2), W: 6, H: 4})
	}
	if err := b.dashes.CreateDashboard(ctx, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func wantField(t *testing.T, err error, field, what string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != field {
		t.Fatalf("%s: got %v, want invalid naming %s", what, err, field)
	}
}

func TestDashboardRoundTripsAndReplacesWhole(t *testing.T) {
	b := setupDashboards(t)
	v1, v2 := b.view(t, b.analystA, "Um", views.Org), b.view(t, b.analystA, "Dois", views.Org)
	d := &dashboards.Dashboard{Name: "  Painel  ", Description: "visão geral", Visibility: views.Org,
		Panels:  []dashboards.Panel{{ViewID: v1.ID, X: 0, Y: 0, W: 6, H: 4, Title: "IPCA"}, {ViewID: v2.ID, X: 6, Y: 0, W: 6, H: 4}},
		Filters: []dashboards.SharedFilter{{Field: "uf", Op: "in", Value: json.RawMessage(`["SP","RS"]`)}},
		Time:    &dashboards.TimeRange{From: "2023", To: "2024-06"}}
	if err := b.dashes.CreateDashboard(b.analystA, d); err != nil {
		t.Fatal(err)
	}
	got, err := b.dashes.FindDashboardByID(b.viewerA, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, got); diff != "" {
		t.Fatalf("read back (-created +read):\n%s", diff)
	}
	if got.Name != "Painel" || got.Version != 1 || len(got.Panels) != 2 || got.Panels[0].Title != "IPCA" {
		t.Fatalf("dashboard = %+v", got)
	}
	// Panels given replace the old ones; time given as nil clears the range.
	panels := []dashboards.Panel{{ViewID: v2.ID, X: 0, Y: 0, W: 12, H: 6}}
	up, err := b.dashes.UpdateDashboard(b.analystA, d.ID, dashboards.DashboardUpdate{Panels: &panels, SetTime: true, IfVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err = b.dashes.FindDashboardByID(b.analystA, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(up, got); diff != "" {
		t.Fatalf("after PATCH (-returned +read):\n%s", diff)
	}
	if got.Version != 2 || len(got.Panels) != 1 || got.Panels[0].ViewID != v2.ID || got.Time != nil || len(got.Filters) != 1 {
		t.Fatalf("after PATCH: %+v", got)
	}
	_, err = b.dashes.UpdateDashboard(b.adminA, d.ID, dashboards.DashboardUpdate{Name: ptr("Outro"), IfVersion: 1})
	wantCode(t, err, apperr.Precondition, "update at a stale version")
	wantCode(t, b.dashes.DeleteDashboard(b.adminA, d.ID, 1), apperr.Precondition, "delete at a stale version")
}

func ptr[T any](v T) *T { return &v }

// Org A's dashboards do not exist for org B, even by id, and B cannot put
// A's views on its own dashboards.
func TestDashboardsAreIsolatedBetweenOrgs(t *testing.T) {
	b := setupDashboards(t)
	v := b.view(t, b.analystA, "Vista A", views.Org)
	d := b.dashboard(t, b.analystA, "Painel A", views.Org, v)
	adminB := b.adminB
	_, err := b.dashes.FindDashboardByID(adminB, d.ID)
	wantCode(t, err, apperr.NotFound, "B reads A's dashboard")
	_, err = b.dashes.UpdateDashboard(adminB, d.ID, dashboards.DashboardUpdate{Name: ptr("tomado")})
	wantCode(t, err, apperr.NotFound, "B updates A's dashboard")
	wantCode(t, b.dashes.DeleteDashboard(adminB, d.ID, 0), apperr.NotFound, "B deletes A's dashboard")
	list, err := b.dashes.FindDashboards(adminB, dashboards.DashboardFilter{Limit: 50})
	if err != nil || len(list) != 0 {
		t.Fatalf("B's list: %v %v", list, err)
	}
	err = b.dashes.CreateDashboard(adminB, &dashboards.Dashboard{Name: "x", Panels: []dashboards.Panel{{ViewID: v.ID, W: 1, H: 1}}})
	wantField(t, err, "panels[0].view_id", "B's dashboard with A's view")
	// A's dashboard is untouched.
	got, err := b.dashes.FindDashboardByID(b.viewerA, d.ID)
	if err != nil || got.Name != "Painel A" || got.Version != 1 {
		t.Fatalf("A's dashboard after B's attempts: %+v %v", got, err)
	}
}

func TestDashboardRoleMatrix(t *testing.T) {
	b := setupDashboards(t)
	v := b.view(t, b.analystA, "Vista", views.Org)
	shared := b.dashboard(t, b.analystA, "Compartilhado", views.Org, v)
	private := b.dashboard(t, b.analystA, "Meu", views.Private, v)

	wantCode(t, b.dashes.CreateDashboard(b.viewerA, &dashboards.Dashboard{Name: "v"}), apperr.Forbidden, "viewer creates")
	if _, err := b.dashes.FindDashboardByID(b.viewerA, shared.ID); err != nil {
		t.Fatalf("viewer reads an org dashboard: %v", err)
	}
	for name, ctx := range map[string]context.Context{"viewer": b.viewerA, "analyst": b.analyst2A, "admin": b.adminA} {
		_, err := b.dashes.FindDashboardByID(ctx, private.ID)
		wantCode(t, err, apperr.NotFound, name+" reads a colleague's private dashboard")
		list, err := b.dashes.FindDashboards(ctx, dashboards.DashboardFilter{Limit: 50})
		if err != nil || len(list) != 1 || list[0].ID != shared.ID {
			t.Fatalf("%s's list: %v %v", name, list, err)
		}
	}
	_, err := b.dashes.UpdateDashboard(b.analyst2A, shared.ID, dashboards.DashboardUpdate{Name: ptr("meu agora")})
	wantCode(t, err, apperr.Forbidden, "analyst edits another's dashboard")
	wantCode(t, b.dashes.DeleteDashboard(b.analyst2A, shared.ID, 0), apperr.Forbidden, "analyst deletes another's dashboard")
	if _, err := b.dashes.UpdateDashboard(b.adminA, shared.ID, dashboards.DashboardUpdate{Name: ptr("Moderado")}); err != nil {
		t.Fatalf("admin edits an org dashboard: %v", err)
	}
	if err := b.dashes.DeleteDashboard(b.adminA, shared.ID, 0); err != nil {
		t.Fatalf("admin deletes an org dashboard: %v", err)
	}
	mine, err := b.dashes.FindDashboards(b.analystA, dashboards.DashboardFilter{Mine: true, Limit: 50})
	if err != nil || len(mine) != 1 || mine[0].ID != private.ID {
		t.Fatalf("the owner's own: %v %v", mine, err)
	}
}

// An org dashboard shows shared views only, and every panel's view must be
// one the caller can see.
func TestDashboardPanelsNeedVisibleViews(t *testing.T) {
	b := setupDashboards(t)
	shared := b.view(t, b.analystA, "Compartilhada", views.Org)
	mine := b.view(t, b.analystA, "Minha", views.Private)
	theirs := b.view(t, b.analyst2A, "Dela", views.Private)

	err := b.dashes.CreateDashboard(b.analystA, &dashboards.Dashboard{Name: "org", Visibility: views.Org,
		Panels: []dashboards.Panel{{ViewID: shared.ID, W: 6, H: 4}, {ViewID: mine.ID, X: 6, W: 6, H: 4}}})
	wantField(t, err, "panels[1].view_id", "org dashboard with a private view")
	if !strings.Contains(err.Error(), "share it with the organisation first") {
		t.Errorf("message: %v", err)
	}
	err = b.dashes.CreateDashboard(b.analystA, &dashboards.Dashboard{Name: "alheio", Panels: []dashboards.Panel{{ViewID: theirs.ID, W: 6, H: 4}}})
	wantField(t, err, "panels[0].view_id", "a colleague's private view")
	// A private dashboard may hold the owner's private view, but may not be
	// shared while it does.
	d := b.dashboard(t, b.analystA, "privado", views.Private, shared, mine)
	_, err = b.dashes.UpdateDashboard(b.analystA, d.ID, dashboards.DashboardUpdate{Visibility: ptr(views.Org)})
	wantField(t, err, "panels[1].view_id", "sharing a dashboard with a private view")

	bad := []struct {
		field string
		d     dashboards.Dashboard
	}{
		{"name", dashboards.Dashboard{Name: " "}},
		{"visibility", dashboards.Dashboard{Name: "x", Visibility: "public"}},
		{"panels[0].w", dashboards.Dashboard{Name: "x", Panels: []dashboards.Panel{{ViewID: shared.ID, X: 8, W: 6, H: 1}}}},
		{"panels[0].h", dashboards.Dashboard{Name: "x", Panels: []dashboards.Panel{{ViewID: shared.ID, W: 6, H: 13}}}},
		{"panels[0].view_id", dashboards.Dashboard{Name: "x", Panels: []dashboards.Panel{{ViewID: "x'; drop table views", W: 6, H: 1}}}},
		{"filters[0].op", dashboards.Dashboard{Name: "x", Filters: []dashboards.SharedFilter{{Field: "uf", Op: "like", Value: json.RawMessage(`"S%"`)}}}},
		{"filters[0].value", dashboards.Dashboard{Name: "x", Filters: []dashboards.SharedFilter{{Field: "uf", Op: "between", Value: json.RawMessage(`["a"]`)}}}},
		{"time.to", dashboards.Dashboard{Name: "x", Time: &dashboards.TimeRange{From: "2024-02", To: "2023"}}},
		{"description", dashboards.Dashboard{Name: "x", Description: strings.Repeat("é", 2001)}},
	}
	for _, c := range bad {
		wantField(t, b.dashes.CreateDashboard(b.analystA, &c.d), c.field, c.field)
	}
	list, err := b.dashes.FindDashboards(b.analystA, dashboards.DashboardFilter{Limit: 50})
	if err != nil || len(list) != 1 {
		t.Fatalf("after refused writes: %d dashboards, %v; want 1", len(list), err)
	}
}

// A view that dashboards or schedules use is not deleted unless cascaded;
// then its panels go (the foreign key) and its schedules are deleted. It
// cannot be made private while an org dashboard shows it.
func TestViewInUse(t *testing.T) {
	b := setupDashboards(t)
	v := b.view(t, b.analystA, "Usada", views.Org)
	other := b.view(t, b.analystA, "Outra", views.Org)
	shared := b.dashboard(t, b.analystA, "Compartilhado", views.Org, v, other)
	hidden := b.dashboard(t, b.analyst2A, "Privado da colega", views.Private, v)
	var scheduleID string
	b.asOwnerOf(t, b.orgA.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `insert into schedules (org_id, name, cron, template, format, view_id)
			values ($1, 'semanal', '0 8 * * 1', 'standard', 'pdf', $2) returning id::text`, b.orgA.ID, v.ID).Scan(&scheduleID)
	})

	_, err := b.views.UpdateView(b.analystA, v.ID, views.ViewUpdate{Visibility: ptr(views.Private)})
	e, ok := apperr.As(err)
	if !ok || e.Code != views.InUse {
		t.Fatalf("making a shown view private: %v, want %s", err, views.InUse)
	}
	wantUses := []views.Use{{Kind: "dashboard", ID: shared.ID, Name: "Compartilhado"}}
	if diff := cmp.Diff(wantUses, e.Details["used_by"]); diff != "" || e.Details["private_dashboards"] != 1 {
		t.Fatalf("used_by (-want +got):\n%s\nprivate_dashboards = %v", diff, e.Details["private_dashboards"])
	}

	_, err = b.views.DeleteView(b.analystA, v.ID, views.ViewDeleteParams{})
	if e, ok = apperr.As(err); !ok || e.Code != views.InUse {
		t.Fatalf("deleting a used view: %v", err)
	}
	wantUses = append(wantUses, views.Use{Kind: "schedule", ID: scheduleID, Name: "semanal"})
	if diff := cmp.Diff(wantUses, e.Details["used_by"]); diff != "" {
		t.Fatalf("used_by (-want +got):\n%s", diff)
	}
	if _, err := b.views.FindViewByID(b.analystA, v.ID); err != nil {
		t.Fatalf("the refused view is gone: %v", err)
	}

	removed, err := b.views.DeleteView(b.analystA, v.ID, views.ViewDeleteParams{Cascade: true, IfVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantUses, removed); diff != "" {
		t.Fatalf("removed (-want +got):\n%s", diff)
	}
	got, err := b.dashes.FindDashboardByID(b.viewerA, shared.ID)
	if err != nil || len(got.Panels) != 1 || got.Panels[0].ViewID != other.ID {
		t.Fatalf("the shared dashboard after the cascade: %+v %v", got, err)
	}
	got, err = b.dashes.FindDashboardByID(b.analyst2A, hidden.ID)
	if err != nil || len(got.Panels) != 0 {
		t.Fatalf("the colleague's dashboard after the cascade: %+v %v", got, err)
	}
	b.asOwnerOf(t, b.orgA.ID, func(tx pgx.Tx) error {
		var schedules, panels int
		err := tx.QueryRow(context.Background(), `select (select count(*) from schedules where id = $1),
			(select count(*) from dashboard_panels where view_id = $2)`, scheduleID, v.ID).Scan(&schedules, &panels)
		if err == nil && (schedules != 0 || panels != 0) {
			t.Errorf("after the cascade: %d schedules, %d panels left", schedules, panels)
		}
		return err
	})
	// An unused view is deleted without cascade.
	if _, err := b.views.DeleteView(b.analystA, b.view(t, b.analystA, "Solta", views.Org).ID, views.ViewDeleteParams{}); err != nil {
		t.Fatalf("deleting an unused view: %v", err)
	}
}
