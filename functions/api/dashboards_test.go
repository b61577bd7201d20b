package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

type dashboardBody struct {
	ID         string
	Name       string
	Visibility string
	Version    int
	Panels     []struct {
		ViewID string `json:"view_id"`
		X, W   int
		Title  string
	}
	Filters []struct{ Field, Op string }
	Time    *struct{ From, To string }
}

// createDashboard saves an org dashboard of the views, side by side, and
// returns its id.
func (b *bundle) createDashboard(t *testing.T, email, org, name string, viewIDs ...string) string {
	t.Helper()
	var panels []string
	for i, id := range viewIDs {
		panels = append(panels, fmt.Sprintf(`{"view_id":%q,"x":%d,"y":0,"w":6,"h":4}`, id, 6*(i%2)))
	}
	r := b.want(t, http.StatusCreated, email, "POST", "/v1/orgs/"+org+"/dashboards",
		`{"name":`+jsonString(name)+`,"visibility":"org","panels":[`+strings.Join(panels, ",")+`]}`)
	var d dashboardBody
	r.json(t, &d)
	return d.ID
}

func TestDashboardsRoleMatrixAndETags(t *testing.T) {
	b := setupStack(t)
	v1, v2 := b.createView(t, ana, "porto-sul", "Exportações", "org"), b.createView(t, ana, "porto-sul", "Importações", "org")
	body := `{"name":"Porto Sul — visão geral","visibility":"org","description":"geral",
		"panels":[{"view_id":"` + v1 + `","x":0,"y":0,"w":6,"h":4,"title":"Exportações"},{"view_id":"` + v2 + `","x":6,"y":0,"w":6,"h":4}],
		"filters":[{"field":"uf","op":"in","value":["RS","SC"]}],"time":{"from":"2023","to":"2023-12"}}`
	r := b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/dashboards", body)
	var d dashboardBody
	r.json(t, &d)
	path := "/v1/orgs/porto-sul/dashboards/" + d.ID
	if r.header.Get("ETag") != `"1"` || r.header.Get("Location") != path {
		t.Fatalf("ETag %q, Location %q", r.header.Get("ETag"), r.header.Get("Location"))
	}
	// The viewer sees the same panels, filters and range, and may not write.
	var seen dashboardBody
	b.want(t, http.StatusOK, dora, "GET", path, nil).json(t, &seen)
	if len(seen.Panels) != 2 || seen.Panels[0].ViewID != v1 || seen.Panels[0].Title != "Exportações" || seen.Panels[1].X != 6 ||
		len(seen.Filters) != 1 || seen.Time == nil || seen.Time.To != "2023-12" {
		t.Fatalf("as the viewer: %+v", seen)
	}
	b.want(t, http.StatusForbidden, dora, "POST", "/v1/orgs/porto-sul/dashboards", `{"name":"meu"}`)
	b.want(t, http.StatusForbidden, dora, "PATCH", path, `{"name":"meu"}`)
	b.want(t, http.StatusForbidden, "carla@banco-regional.demo", "POST", "/v1/orgs/banco-regional/dashboards", `{"name":"meu"}`)

	r = b.want(t, http.StatusOK, ana, "PATCH", path, `{"panels":[{"view_id":"`+v2+`","x":0,"y":0,"w":12,"h":6}],"time":null}`, "If-Match", `"1"`)
	var up dashboardBody
	r.json(t, &up)
	if r.header.Get("ETag") != `"2"` || up.Version != 2 || len(up.Panels) != 1 || up.Time != nil || len(up.Filters) != 1 {
		t.Fatalf("after PATCH: ETag %q, %+v", r.header.Get("ETag"), up)
	}
	// otavio saw version 1 and is too late; a weak tag never matches.
	b.want(t, http.StatusPreconditionFailed, otavio, "PATCH", path, `{"name":"Outro"}`, "If-Match", `"1"`)
	b.want(t, http.StatusPreconditionFailed, otavio, "DELETE", path, nil, "If-Match", `W/"2"`)
	// Other orgs' members get 404, by id as by slug.
	b.want(t, http.StatusNotFound, bruno, "GET", path, nil)
	b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/agro-nordeste/dashboards/"+d.ID, nil)
	b.want(t, http.StatusNotFound, dora, "DELETE", "/v1/orgs/agro-nordeste/dashboards/"+d.ID, nil)
	b.want(t, http.StatusNoContent, otavio, "DELETE", path, nil, "If-Match", `"2"`)
	b.want(t, http.StatusNotFound, ana, "GET", path, nil)
	// The views stay.
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views/"+v1, nil)

	// agro-nordeste: bruno (analyst) may not edit dora's (admin) dashboard.
	agro := b.createDashboard(t, dora, "agro-nordeste", "Agro", b.createView(t, dora, "agro-nordeste", "Emprego", "org"))
	agroPath := "/v1/orgs/agro-nordeste/dashboards/" + agro
	b.want(t, http.StatusOK, bruno, "GET", agroPath, nil)
	b.want(t, http.StatusForbidden, bruno, "PATCH", agroPath, `{"name":"meu"}`)
	b.want(t, http.StatusForbidden, bruno, "DELETE", agroPath, nil)
}

func TestDashboardsRefuseBadInputNamingIt(t *testing.T) {
	b := setupStack(t)
	shared := b.createView(t, ana, "porto-sul", "Compartilhada", "org")
	private := b.createView(t, ana, "porto-sul", "Minha", "private")
	panel := func(view string, x, w, h int) string {
		return fmt.Sprintf(`[{"view_id":%q,"x":%d,"y":0,"w":%d,"h":%d}]`, view, x, w, h)
	}
	cases := []struct{ name, body, field string }{
		{"no name", `{}`, "name"},
		{"unknown field", `{"name":"x","owner_id":"me"}`, "owner_id"},
		{"bad visibility", `{"name":"x","visibility":"public"}`, "visibility"},
		{"past the grid", `{"name":"x","panels":` + panel(shared, 8, 6, 4) + `}`, "panels[0].w"},
		{"too tall", `{"name":"x","panels":` + panel(shared, 0, 6, 13) + `}`, "panels[0].h"},
		{"not a view id", `{"name":"x","panels":` + panel("1; drop table views", 0, 6, 4) + `}`, "panels[0].view_id"},
		{"unknown view", `{"name":"x","panels":` + panel("00000000-0000-4000-8000-000000000000", 0, 6, 4) + `}`, "panels[0].view_id"},
		{"private view on an org dashboard", `{"name":"x","visibility":"org","panels":` + panel(private, 0, 6, 4) + `}`, "panels[0].view_id"},
		{"bad operator", `{"name":"x","filters":[{"field":"uf","op":"like","value":"S%"}]}`, "filters[0].op"},
		{"list for eq", `{"name":"x","filters":[{"field":"uf","op":"eq","value":["SP"]}]}`, "filters[0].value"},
		{"bad field", `{"name":"x","filters":[{"field":"UF;--","op":"eq","value":"SP"}]}`, "filters[0].field"},
		{"bad period", `{"name":"x","time":{"from":"2023-13"}}`, "time.from"},
		{"time not an object", `{"name":"x","time":"2023"}`, "time"},
		{"unknown time field", `{"name":"x","time":{"grain":"month"}}`, "time.grain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/dashboards", c.body)
			assertProblem(t, r)
			if r.problemField() != c.field {
				t.Errorf("field %q, want %q: %s", r.problemField(), c.field, r.body)
			}
		})
	}
	r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/dashboards", cases[7].body)
	if !strings.Contains(string(r.body), "is private; share it with the organisation first") {
		t.Errorf("private view refusal: %s", r.body)
	}
	for _, bad := range []string{"?visibility=public", "?mine=maybe", "?owner=ana", "?fields=secret", "?include=org"} {
		r := b.want(t, http.StatusBadRequest, dora, "GET", "/v1/orgs/porto-sul/dashboards"+bad, nil)
		if field := strings.SplitN(bad[1:], "=", 2)[0]; r.problemField() != field {
			t.Errorf("%s: field %q", bad, r.problemField())
		}
	}
	// Nothing was half written.
	var list struct{ Data []dashboardBody }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/dashboards", nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("%d dashboards after refused writes", len(list.Data))
	}
}

func TestDashboardsPageAndFilter(t *testing.T) {
	b := setupStack(t)
	view := b.createView(t, ana, "porto-sul", "Vista", "org")
	for i := range 7 {
		vis := "org"
		if i%3 == 0 {
			vis = "private"
		}
		b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/dashboards",
			fmt.Sprintf(`{"name":"painel %d","visibility":%q,"panels":[{"view_id":%q,"x":0,"y":0,"w":12,"h":4}]}`, i, vis, view))
	}
	count := func(who, query string) (n int, pages int, first string) {
		cursor := ""
		for {
			path := "/v1/orgs/porto-sul/dashboards?limit=2" + query
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			var page struct {
				Data       []dashboardBody
				NextCursor *string `json:"next_cursor"`
			}
			b.want(t, http.StatusOK, who, "GET", path, nil).json(t, &page)
			pages++
			for _, d := range page.Data {
				if len(d.Panels) != 1 || d.Panels[0].ViewID != view {
					t.Fatalf("a listed dashboard without its panel: %+v", d)
				}
			}
			n += len(page.Data)
			if page.NextCursor == nil {
				return n, pages, first
			}
			if first == "" {
				first = *page.NextCursor
			}
			cursor = *page.NextCursor
		}
	}
	if n, pages, _ := count(ana, ""); n != 7 || pages != 4 {
		t.Errorf("ana: %d dashboards over %d pages, want 7 over 4", n, pages)
	}
	if n, _, _ := count(ana, "&mine=true&visibility=private"); n != 3 {
		t.Errorf("ana's private: %d, want 3", n)
	}
	n, _, first := count(dora, "")
	if n != 4 {
		t.Errorf("dora: %d dashboards, want the 4 shared", n)
	}
	// A cursor is bound to its list, user and filters.
	for _, c := range []struct{ who, path string }{
		{ana, "/v1/orgs/porto-sul/dashboards?cursor=" + url.QueryEscape(first)},
		{dora, "/v1/orgs/porto-sul/dashboards?mine=true&cursor=" + url.QueryEscape(first)},
		{dora, "/v1/orgs/porto-sul/views?cursor=" + url.QueryEscape(first)},
	} {
		if r := b.want(t, http.StatusBadRequest, c.who, "GET", c.path, nil); r.problemField() != "cursor" {
			t.Errorf("%s: field %q", c.path, r.problemField())
		}
	}
	var one map[string]any
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/dashboards?limit=1&fields=name&include=owner", nil).json(t, &one)
	data, _ := one["data"].([]any)
	if len(data) != 1 || len(data[0].(map[string]any)) != 2 {
		t.Errorf("sparse dashboards: %v", one)
	}
}

func TestDeletingAViewInUse(t *testing.T) {
	b := setupStack(t)
	used, other := b.createView(t, ana, "porto-sul", "Usada", "org"), b.createView(t, ana, "porto-sul", "Outra", "org")
	dash := b.createDashboard(t, ana, "porto-sul", "Painel", used, other)
	var sc struct{ ID string }
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/schedules", `{"name":"semanal","cron":"0 8 * * 1","view_id":"`+used+`","format":"html"}`).json(t, &sc)
	viewPath := "/v1/orgs/porto-sul/views/" + used

	type inUse struct {
		Type   string
		UsedBy []struct{ Kind, ID, Name string } `json:"used_by"`
	}
	var p inUse
	r := b.want(t, http.StatusConflict, ana, "DELETE", viewPath, nil)
	assertProblem(t, r)
	r.json(t, &p)
	if p.Type != "urn:mirante:problem:view-in-use" || len(p.UsedBy) != 2 ||
		p.UsedBy[0].Kind != "dashboard" || p.UsedBy[0].ID != dash || p.UsedBy[1].Kind != "schedule" || p.UsedBy[1].ID != sc.ID {
		t.Fatalf("409: %s", r.body)
	}
	p = inUse{}
	b.want(t, http.StatusConflict, ana, "PATCH", viewPath, `{"visibility":"private"}`).json(t, &p)
	if len(p.UsedBy) != 1 || p.UsedBy[0].ID != dash || p.UsedBy[0].Name != "Painel" {
		t.Fatalf("409 on unsharing: %+v", p)
	}
	b.want(t, http.StatusBadRequest, ana, "DELETE", viewPath+"?cascade=yes", nil)

	b.want(t, http.StatusNoContent, ana, "DELETE", viewPath+"?cascade=true", nil, "traceparent", "00-"+fmt.Sprintf("%032x", 77)+"-00f067aa0ba902b7-01")
	b.want(t, http.StatusNotFound, ana, "GET", viewPath, nil)
	b.want(t, http.StatusNotFound, ana, "GET", "/v1/orgs/porto-sul/schedules/"+sc.ID, nil)
	var d dashboardBody
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/dashboards/"+dash, nil).json(t, &d)
	if len(d.Panels) != 1 || d.Panels[0].ViewID != other {
		t.Fatalf("the dashboard after the cascade: %+v", d)
	}
	b.close() // flushes the audit log
	var summary string
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select summary::text from audit_log where trace_id = $1 and action = 'views.delete'`,
			fmt.Sprintf("%032x", 77)).Scan(&summary)
	})
	if !strings.Contains(summary, dash) || !strings.Contains(summary, sc.ID) || !strings.Contains(summary, "semanal") {
		t.Errorf("the cascade's audit summary does not name what it removed: %s", summary)
	}
}
