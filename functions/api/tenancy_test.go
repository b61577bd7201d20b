package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/jackc/pgx/v5"
)

const (
	ana    = "ana@porto-sul.demo"       // porto-sul admin
	bruno  = "bruno@agro-nordeste.demo" // agro-nordeste analyst
	carla  = "carla@banco-regional.demo"
	dora   = "dora@multi.demo"           // porto-sul viewer, agro-nordeste admin
	otavio = "otavio@porto-sul.demo"     // porto-sul owner
	olivia = "olivia@agro-nordeste.demo" // agro-nordeste owner
)

// userID returns a demo user's id as the API knows it.
func (b *bundle) userID(t *testing.T, email string) string {
	t.Helper()
	var me struct{ User struct{ ID string } }
	b.want(t, http.StatusOK, email, "GET", "/v1/me", nil).json(t, &me)
	return me.User.ID
}

// TestCrossTenantRequestsFindNothing runs every route of the tenant API with
// one org's ids in another org's path, and as non-members: all 404, and
// nothing changes.
func TestCrossTenantRequestsFindNothing(t *testing.T) {
	b := setupStack(t)
	anaShared := b.createView(t, ana, "porto-sul", "Porto: exportações", "org")
	anaPrivate := b.createView(t, ana, "porto-sul", "Porto: rascunho", "private")
	brunoShared := b.createView(t, bruno, "agro-nordeste", "Agro: exportações", "org")
	anaID := b.userID(t, ana)
	porto := b.orgs["porto-sul"]

	// bruno is not a member of porto-sul: by slug, by id, or with its ids.
	for _, ref := range []string{"porto-sul", porto.ID} {
		base := "/v1/orgs/" + ref
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "", nil},
			{"GET", "/members", nil},
			{"POST", "/members", `{"email":"x@porto-sul.demo","role":"viewer"}`},
			{"GET", "/members/" + anaID, nil},
			{"PATCH", "/members/" + anaID, `{"role":"viewer"}`},
			{"DELETE", "/members/" + anaID, nil},
			{"GET", "/entitlements", nil},
			{"PUT", "/entitlements", `{"datasets":[]}`},
			{"GET", "/views", nil},
			{"POST", "/views", `{"name":"intruso","config":` + comexConfig + `}`},
			{"GET", "/views/" + anaShared, nil},
			{"PATCH", "/views/" + anaShared, `{"name":"hacked"}`},
			{"DELETE", "/views/" + anaShared, nil},
			{"GET", "/audit", nil},
		} {
			r := b.want(t, http.StatusNotFound, bruno, c.method, base+c.path, c.body)
			assertProblem(t, r)
		}
	}
	// A random org id and an unknown slug answer exactly as a real org does.
	real := b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/porto-sul/views", nil)
	for _, ref := range []string{"00000000-0000-4000-8000-000000000000", "no-such-org", "porto-sul'--", strings.Repeat("a", 300)} {
		other := b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/"+url.PathEscape(ref)+"/views", nil)
		if detail(t, other) != detail(t, real) {
			t.Errorf("org %q: detail %q differs from a real org's %q", ref, detail(t, other), detail(t, real))
		}
	}

	// bruno's own org path with porto-sul's ids: not found, and unchanged.
	own := "/v1/orgs/agro-nordeste"
	b.want(t, http.StatusNotFound, bruno, "GET", own+"/views/"+anaShared, nil)
	b.want(t, http.StatusNotFound, bruno, "PATCH", own+"/views/"+anaShared, `{"name":"hacked"}`)
	b.want(t, http.StatusNotFound, bruno, "DELETE", own+"/views/"+anaShared, nil)
	b.want(t, http.StatusNotFound, dora, "GET", own+"/members/"+anaID, nil) // dora is admin here; ana is not a member
	b.want(t, http.StatusNotFound, dora, "PATCH", own+"/members/"+anaID, `{"role":"viewer"}`)
	b.want(t, http.StatusNotFound, dora, "DELETE", own+"/members/"+anaID, nil)
	var v struct{ Name string }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views/"+anaShared, nil).json(t, &v)
	if v.Name != "Porto: exportações" {
		t.Fatalf("ana's view changed: %q", v.Name)
	}

	// Another member's private view does not exist for dora (viewer in porto-sul).
	b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/porto-sul/views/"+anaPrivate, nil)
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/views/"+anaShared, nil)

	// Lists hold only the org's rows.
	assertViewList(t, b, dora, "porto-sul", []string{anaShared})
	assertViewList(t, b, dora, "agro-nordeste", []string{brunoShared})
	assertViewList(t, b, ana, "porto-sul", []string{anaShared, anaPrivate})
	assertViewList(t, b, carla, "banco-regional", nil)

	members := map[string][]string{
		"porto-sul":      {ana, dora, otavio},
		"agro-nordeste":  {bruno, dora, olivia},
		"banco-regional": {carla, "oscar@banco-regional.demo"},
	}
	for org, want := range members {
		who := map[string]string{"porto-sul": dora, "agro-nordeste": dora, "banco-regional": carla}[org]
		var list struct{ Data []struct{ Email string } }
		b.want(t, http.StatusOK, who, "GET", "/v1/orgs/"+org+"/members", nil).json(t, &list)
		var got []string
		for _, m := range list.Data {
			got = append(got, m.Email)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s members = %v, want %v", org, got, want)
		}
	}
	// The audit log of agro-nordeste (dora is admin there) holds only its own
	// requests: none of bruno's probes of porto-sul, none of porto-sul's traffic.
	var audit struct{ Data []struct{ Resource string } }
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/agro-nordeste/audit?limit=500", nil).json(t, &audit)
	for _, e := range audit.Data {
		if strings.Contains(e.Resource, "porto-sul") || strings.Contains(e.Resource, porto.ID) {
			t.Errorf("agro-nordeste's audit log holds %s", e.Resource)
		}
	}
}

func assertViewList(t *testing.T, b *bundle, who, org string, want []string) {
	t.Helper()
	var list struct{ Data []struct{ ID string } }
	b.want(t, http.StatusOK, who, "GET", "/v1/orgs/"+org+"/views?limit=500", nil).json(t, &list)
	got := map[string]bool{}
	for _, v := range list.Data {
		got[v.ID] = true
	}
	if len(got) != len(want) {
		t.Errorf("%s sees %d views in %s, want %d", who, len(got), org, len(want))
	}
	for _, id := range want {
		if !got[id] {
			t.Errorf("%s does not see view %s in %s", who, id, org)
		}
	}
}

func detail(t *testing.T, r response) string {
	var p struct{ Detail string }
	r.json(t, &p)
	return p.Detail
}

// TestRoleMatrix checks the matrix per route and role over real requests.
// porto-sul: otavio owner, ana admin, dora viewer. agro-nordeste: olivia
// owner, dora admin, bruno analyst.
func TestRoleMatrix(t *testing.T) {
	b := setupStack(t)
	brunoView := b.createView(t, bruno, "agro-nordeste", "do bruno", "org")
	oliviaView := b.createView(t, olivia, "agro-nordeste", "da olivia", "org")
	brunoID := b.userID(t, bruno)

	type row struct {
		who, method, path string
		body              any
		want              int
	}
	agro := "/v1/orgs/agro-nordeste"
	porto := "/v1/orgs/porto-sul"
	rows := []row{
		// viewers read
		{dora, "GET", porto + "/views", nil, 200},
		{dora, "GET", porto + "/members", nil, 200},
		{dora, "GET", porto + "/entitlements", nil, 200},
		{dora, "GET", porto, nil, 200},
		// ...and do nothing else
		{dora, "POST", porto + "/views", `{"name":"v","config":` + comexConfig + `}`, 403},
		{dora, "POST", porto + "/members", `{"email":"z@x.demo","role":"viewer"}`, 403},
		{dora, "PUT", porto + "/entitlements", `{"datasets":["ipca_monthly"]}`, 403},
		{dora, "GET", porto + "/audit", nil, 403},
		// analysts create and edit their own views
		{bruno, "POST", agro + "/views", `{"name":"novo","config":` + comexConfig + `}`, 201},
		{bruno, "PATCH", agro + "/views/" + brunoView, `{"name":"do bruno (2)"}`, 200},
		{bruno, "PATCH", agro + "/views/" + oliviaView, `{"name":"tomado"}`, 403},
		{bruno, "DELETE", agro + "/views/" + oliviaView, nil, 403},
		{bruno, "GET", agro + "/audit", nil, 403},
		{bruno, "POST", agro + "/members", `{"email":"z@x.demo","role":"viewer"}`, 403},
		{bruno, "PUT", agro + "/entitlements", `{"datasets":["ipca_monthly"]}`, 403},
		// admins moderate shared views, manage members and entitlements, read the audit log
		{dora, "PATCH", agro + "/views/" + brunoView, `{"visibility":"org","name":"moderado"}`, 200},
		{dora, "GET", agro + "/audit", nil, 200},
		{dora, "POST", agro + "/members", `{"email":"nova@agro-nordeste.demo","role":"analyst"}`, 201},
		{dora, "PATCH", agro + "/members/" + brunoID, `{"role":"viewer"}`, 200},
		{dora, "PUT", agro + "/entitlements", `{"datasets":["comex_monthly","ipca_monthly","caged_monthly","antaq_monthly","pib_municipal","siconfi_annual"]}`, 200},
		// ...but not the owner role
		{dora, "POST", agro + "/members", `{"email":"dono@agro-nordeste.demo","role":"owner"}`, 403},
		{dora, "PATCH", agro + "/members/" + brunoID, `{"role":"owner"}`, 403},
		// owners do everything
		{olivia, "PATCH", agro + "/members/" + brunoID, `{"role":"owner"}`, 200},
		{olivia, "PATCH", agro + "/members/" + brunoID, `{"role":"analyst"}`, 200},
		{olivia, "DELETE", agro + "/views/" + brunoView, nil, 204},
	}
	for i, r := range rows {
		got := b.do(t, r.who, r.method, r.path, r.body)
		if got.status != r.want {
			t.Errorf("row %d: %s %s as %s: %d, want %d: %s", i, r.method, r.path, r.who, got.status, r.want, got.body)
		}
		if r.want >= 400 {
			assertProblem(t, got)
		}
	}
}

func TestLastOwnerCannotLeaveOrBeDemoted(t *testing.T) {
	b := setupStack(t)
	porto := "/v1/orgs/porto-sul/members/"
	otavioID, anaID := b.userID(t, otavio), b.userID(t, ana)

	b.want(t, http.StatusConflict, otavio, "PATCH", porto+otavioID, `{"role":"admin"}`)
	b.want(t, http.StatusConflict, otavio, "DELETE", porto+otavioID, nil)
	b.want(t, http.StatusForbidden, ana, "PATCH", porto+otavioID, `{"role":"viewer"}`)
	b.want(t, http.StatusForbidden, ana, "DELETE", porto+otavioID, nil)

	b.want(t, http.StatusOK, otavio, "PATCH", porto+anaID, `{"role":"owner"}`)
	b.want(t, http.StatusOK, otavio, "PATCH", porto+otavioID, `{"role":"admin"}`) // ana is owner now
	b.want(t, http.StatusConflict, ana, "DELETE", porto+anaID, nil)               // and the last one
	var m struct{ Role string }
	b.want(t, http.StatusOK, ana, "GET", porto+anaID, nil).json(t, &m)
	if m.Role != "owner" {
		t.Fatalf("ana's role = %q", m.Role)
	}

	// Any member may leave; the next request finds nothing.
	doraID := b.userID(t, dora)
	b.want(t, http.StatusNoContent, dora, "DELETE", porto+doraID, nil)
	b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/porto-sul/views", nil)
}

// TestRoleChangeTakesEffectAtOnce: the role cache is dropped on every
// membership change, so a demoted admin is refused on the next request.
func TestRoleChangeTakesEffectAtOnce(t *testing.T) {
	b := setupStack(t)
	doraID := b.userID(t, dora)
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/agro-nordeste/audit", nil) // cached as admin
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/"+b.orgs["agro-nordeste"].ID+"/audit", nil)
	b.want(t, http.StatusOK, olivia, "PATCH", "/v1/orgs/agro-nordeste/members/"+doraID, `{"role":"viewer"}`)
	b.want(t, http.StatusForbidden, dora, "GET", "/v1/orgs/agro-nordeste/audit", nil)
	b.want(t, http.StatusForbidden, dora, "GET", "/v1/orgs/"+b.orgs["agro-nordeste"].ID+"/audit", nil)
	b.want(t, http.StatusNoContent, olivia, "DELETE", "/v1/orgs/agro-nordeste/members/"+doraID, nil)
	b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/agro-nordeste", nil)
}

// TestRoleChangeTakesEffectThroughEverySpelling: the org's id in any letter
// case and its slug name one org with one role, so a demotion and a removal
// apply on the next request whichever spelling the member uses, including
// spellings whose role was cached before the change.
func TestRoleChangeTakesEffectThroughEverySpelling(t *testing.T) {
	b := setupStack(t)
	doraID := b.userID(t, dora)
	id := b.orgs["agro-nordeste"].ID
	var mixed strings.Builder
	for i, c := range id {
		if i%2 == 0 {
			c = unicode.ToUpper(c)
		}
		mixed.WriteRune(c)
	}
	refs := []string{"agro-nordeste", id, strings.ToUpper(id), mixed.String()}
	for _, ref := range refs {
		var org struct{ ID, Slug, Role string }
		b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/"+ref, nil).json(t, &org)
		if org.ID != id || org.Slug != "agro-nordeste" || org.Role != "admin" {
			t.Fatalf("GET /v1/orgs/%s = %+v", ref, org)
		}
		b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/"+ref+"/audit", nil) // cached as admin
	}
	b.want(t, http.StatusOK, olivia, "PATCH", "/v1/orgs/"+strings.ToUpper(id)+"/members/"+doraID, `{"role":"viewer"}`)
	for _, ref := range refs {
		b.want(t, http.StatusForbidden, dora, "GET", "/v1/orgs/"+ref+"/audit", nil)
	}
	b.want(t, http.StatusNoContent, olivia, "DELETE", "/v1/orgs/agro-nordeste/members/"+doraID, nil)
	for _, ref := range refs {
		b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/"+ref, nil)
		b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/"+ref+"/views", nil)
	}
}

// TestRedisDownStillAuthorises: with Redis unreachable, membership comes from
// PostgreSQL on every request; nothing is allowed that would not be.
func TestRedisDownStillAuthorises(t *testing.T) {
	b := setupStack(t, "REDIS_URL=redis://127.0.0.1:1", "REDIS_TIMEOUT=100ms")
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views", nil)
	b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/porto-sul/views", nil)
	b.want(t, http.StatusForbidden, dora, "GET", "/v1/orgs/porto-sul/audit", nil)
}

func TestMembersAPI(t *testing.T) {
	b := setupStack(t)
	agro := "/v1/orgs/agro-nordeste/members"
	var m struct {
		UserID      string `json:"user_id"`
		Email, Role string
	}
	r := b.want(t, http.StatusCreated, dora, "POST", agro, `{"email":"  Nova.Pessoa@Agro-Nordeste.demo ","role":"analyst"}`)
	r.json(t, &m)
	if m.Email != "nova.pessoa@agro-nordeste.demo" || m.Role != "analyst" || m.UserID == "" {
		t.Fatalf("member = %+v", m)
	}
	if loc := r.header.Get("Location"); loc != agro+"/"+m.UserID {
		t.Errorf("Location = %q", loc)
	}
	// The account exists in Firebase now and can be re-added elsewhere, once.
	b.want(t, http.StatusConflict, dora, "POST", agro, `{"email":"nova.pessoa@agro-nordeste.demo","role":"viewer"}`)
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/members", `{"email":"nova.pessoa@agro-nordeste.demo","role":"viewer"}`)
	for _, bad := range []struct{ body, field string }{
		{`{"email":"not-an-email","role":"viewer"}`, "email"},
		{`{"email":"a@b.demo","role":"god"}`, "role"},
		{`{"email":"a@b.demo"}`, "role"},
		{`{"email":"a@b.demo","role":"viewer","admin":true}`, "admin"},
	} {
		got := b.want(t, http.StatusBadRequest, dora, "POST", agro, bad.body)
		if got.problemField() != bad.field {
			t.Errorf("%s: field %q, want %q", bad.body, got.problemField(), bad.field)
		}
	}
	b.want(t, http.StatusNoContent, dora, "DELETE", agro+"/"+m.UserID, nil)
	b.want(t, http.StatusNotFound, dora, "GET", agro+"/"+m.UserID, nil)
	b.want(t, http.StatusNotFound, dora, "GET", agro+"/not-a-uuid", nil)
}

func TestEntitlementsAPI(t *testing.T) {
	b := setupStack(t)
	var e struct{ Datasets []string }
	b.want(t, http.StatusOK, carla, "GET", "/v1/orgs/banco-regional/entitlements", nil).json(t, &e)
	if strings.Join(e.Datasets, ",") != "ipca_monthly,pib_municipal" {
		t.Fatalf("banco-regional entitlements = %v", e.Datasets)
	}
	r := b.want(t, http.StatusBadRequest, "oscar@banco-regional.demo", "PUT", "/v1/orgs/banco-regional/entitlements", `{"datasets":["ipca_monthly","tenant_metrics"]}`)
	if r.problemField() != "datasets[1]" {
		t.Errorf("field %q", r.problemField())
	}
	b.want(t, http.StatusOK, "oscar@banco-regional.demo", "PUT", "/v1/orgs/banco-regional/entitlements", `{"datasets":["ipca_monthly","comex_monthly","ipca_monthly"]}`).json(t, &e)
	if strings.Join(e.Datasets, ",") != "comex_monthly,ipca_monthly" {
		t.Fatalf("after PUT = %v", e.Datasets)
	}
	// porto-sul's entitlements did not move.
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/entitlements", nil).json(t, &e)
	if len(e.Datasets) != 7 {
		t.Fatalf("porto-sul entitlements = %v", e.Datasets)
	}
}

// countAudit counts the org's audit rows matching the condition.
func (b *bundle) countAudit(t *testing.T, org, where string, args ...any) int {
	t.Helper()
	var n int
	b.asOwner(t, org, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select count(*) from audit_log where `+where, args...).Scan(&n)
	})
	return n
}

func TestEveryReadAndWriteIsAudited(t *testing.T) {
	b := setupStack(t)
	tr := "00-%032x-00f067aa0ba902b7-01"
	steps := []struct {
		method, path string
		body         any
		action       string
		status       int
	}{
		{"GET", "/v1/orgs/porto-sul", nil, "org.read", 200},
		{"GET", "/v1/orgs/porto-sul/views?visibility=org", nil, "views.list", 200},
		{"POST", "/v1/orgs/porto-sul/views", `{"name":"auditada","visibility":"org","config":` + comexConfig + `}`, "views.create", 201},
		{"GET", "/v1/orgs/porto-sul/members", nil, "members.list", 200},
		{"PUT", "/v1/orgs/porto-sul/entitlements", `{"datasets":["comex_monthly"]}`, "entitlements.update", 200},
		{"GET", "/v1/orgs/porto-sul/views/00000000-0000-4000-8000-000000000000", nil, "views.read", 404},
		{"POST", "/v1/orgs/porto-sul/views", `{"name":"x","config":{"dataset":"secret"}}`, "views.create", 400},
		{"GET", "/v1/orgs/porto-sul/audit?action=views.create", nil, "audit.list", 200},
	}
	for i, s := range steps {
		b.want(t, s.status, ana, s.method, s.path, s.body, "traceparent", fmt.Sprintf(tr, i+1))
	}
	b.close() // drains and flushes, as SIGTERM does
	anaID := b.userID2(t)
	for i, s := range steps {
		trace := fmt.Sprintf("%032x", i+1)
		n := b.countAudit(t, "porto-sul", `trace_id = $1 and action = $2 and status = $3 and user_id = $4 and org_id = $5`,
			trace, s.action, s.status, anaID, b.orgs["porto-sul"].ID)
		if n != 1 {
			t.Errorf("step %d (%s %s): %d audit rows, want 1", i, s.method, s.path, n)
		}
	}
	// Summaries: the filters of a read, the payload of a write, at most 2 KB.
	var summary string
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select summary::text from audit_log where trace_id = $1`, fmt.Sprintf("%032x", 2)).Scan(&summary)
	})
	if !strings.Contains(summary, `"visibility": "org"`) {
		t.Errorf("the list's summary lacks its filter: %s", summary)
	}
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select summary::text from audit_log where trace_id = $1`, fmt.Sprintf("%032x", 3)).Scan(&summary)
	})
	if !strings.Contains(summary, "auditada") || !strings.Contains(summary, "comex_monthly") {
		t.Errorf("the create's summary lacks its payload: %s", summary)
	}
	// Nothing of porto-sul's went to another org.
	if n := b.countAudit(t, "agro-nordeste", "true"); n != 0 {
		t.Errorf("agro-nordeste has %d audit rows; nobody used it", n)
	}
}

// userID2 reads ana's id straight from the database (the server is closed).
func (b *bundle) userID2(t *testing.T) string {
	t.Helper()
	var id string
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select id::text from users where email = $1`, ana).Scan(&id)
	})
	return id
}

func TestAuditLogFiltersAndPages(t *testing.T) {
	b := setupStack(t)
	for range 7 {
		b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views", nil)
	}
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/members", nil)
	b.close()
	// A fresh server over the same database reads what the first one wrote.
	b2 := reopen(t, b)
	doraID := b2.userID(t, dora)
	seen := map[int]bool{}
	cursor := ""
	pages := 0
	for {
		path := "/v1/orgs/porto-sul/audit?action=views.list&limit=3"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Data []struct {
				ID     int
				Action string
			}
			NextCursor *string `json:"next_cursor"`
		}
		b2.want(t, http.StatusOK, ana, "GET", path, nil).json(t, &page)
		pages++
		for _, e := range page.Data {
			if e.Action != "views.list" || seen[e.ID] {
				t.Fatalf("entry %d (%s) unexpected or repeated", e.ID, e.Action)
			}
			seen[e.ID] = true
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if len(seen) != 7 || pages != 3 {
		t.Fatalf("%d views.list entries over %d pages, want 7 over 3", len(seen), pages)
	}
	var byUser struct {
		Data []struct {
			UserID string `json:"user_id"`
		}
	}
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/audit?user="+doraID+"&action=members.list", nil).json(t, &byUser)
	if len(byUser.Data) != 1 || byUser.Data[0].UserID != doraID {
		t.Fatalf("by user = %+v", byUser.Data)
	}
	r := b2.want(t, http.StatusBadRequest, ana, "GET", "/v1/orgs/porto-sul/audit?from=yesterday", nil)
	if r.problemField() != "from" {
		t.Errorf("field %q", r.problemField())
	}
	var none struct{ Data []any }
	b2.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/audit?from=2999-01-01", nil).json(t, &none)
	if len(none.Data) != 0 {
		t.Errorf("entries from the future: %d", len(none.Data))
	}
}
