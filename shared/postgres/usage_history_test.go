package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

// The usage history holds every day of the period, zeros included, and
// each member's successful queries, reports and uploads; one org's days
// and members never reach another's answer.
func TestUsageHistoryPerDayAndMemberIsTheOrgsOwn(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	at := today.AddDate(0, 0, -2).Add(10 * time.Hour)
	write := func(org, user string, bytes int64, queries, refused, reports int) {
		tx := begin(t, owner, org)
		mustExec(t, tx, `insert into usage (org_id, day, queries, bytes_processed, reports) values ($1, $2::date, $3, $4, $5)`, org, day(-2), queries, bytes, reports)
		for range queries {
			mustExec(t, tx, `insert into audit_log (org_id, user_id, action, resource, status, at) values ($1, $2, 'query.run', '/q', 200, $3)`, org, user, at)
		}
		for range refused {
			mustExec(t, tx, `insert into audit_log (org_id, user_id, action, resource, status, at) values ($1, $2, 'query.run', '/q', 403, $3)`, org, user, at)
		}
		for range reports {
			mustExec(t, tx, `insert into audit_log (org_id, user_id, action, resource, status, at) values ($1, $2, 'reports.order', '/r', 202, $3)`, org, user, at)
		}
		// Outside the period: counted by neither the days nor the members.
		mustExec(t, tx, `insert into audit_log (org_id, user_id, action, resource, status, at) values ($1, $2, 'query.run', '/q', 200, $3)`, org, user, today.AddDate(0, 0, -10))
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	write(b.orgA, b.userA, 2_000_000_000, 3, 1, 1)
	write(b.orgB, b.userB, 7_000_000_000, 4, 0, 0)

	app := openApp(t, b.db)
	budgets := postgres.NewBudgetService(app, postgres.NewPlanService(app), nil)
	as := func(org string, role tenant.Role) context.Context {
		return tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: org, Plan: "standard"}, Role: role})
	}
	from, to := today.AddDate(0, 0, -3), today.AddDate(0, 0, -1)
	h, err := budgets.UsageHistory(as(b.orgA, tenant.Admin), from, to)
	if err != nil {
		t.Fatal(err)
	}
	wantDays := []billing.UsageDay{{Day: day(-3)}, {Day: day(-2), Queries: 3, BytesProcessed: 2_000_000_000, Reports: 1}, {Day: day(-1)}}
	if diff := cmp.Diff(wantDays, h.Days); diff != "" {
		t.Errorf("org A's days (-want +got):\n%s", diff)
	}
	// The fixture's audit entry ("read", now) is outside the period too.
	wantUsers := []billing.MemberUsage{{UserID: b.userA, Email: "org-a@example.com", Queries: 3, Reports: 1, Actions: 4}}
	if diff := cmp.Diff(wantUsers, h.Users); diff != "" {
		t.Errorf("org A's members (-want +got):\n%s", diff)
	}
	if h.From != day(-3) || h.To != day(-1) {
		t.Errorf("period %s..%s", h.From, h.To)
	}
	hb, err := budgets.UsageHistory(as(b.orgB, tenant.Owner), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if hb.Days[1].BytesProcessed != 7_000_000_000 || len(hb.Users) != 1 || hb.Users[0].UserID != b.userB || hb.Users[0].Queries != 4 {
		t.Errorf("org B's history = %+v", hb)
	}
	if _, err := budgets.UsageHistory(as(b.orgA, tenant.Analyst), from, to); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("an analyst read the usage history: %v", err)
	}
}

// An action filter ending in a dot is a prefix ("views." is every views
// action), any other is one action; neither reaches another org's entries.
func TestAuditActionPrefixFilter(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	for _, org := range []struct{ id, user string }{{b.orgA, b.userA}, {b.orgB, b.userB}} {
		tx := begin(t, owner, org.id)
		for _, a := range []string{"views.create", "views.update", "views.delete", "viewsx.create", "query.run"} {
			mustExec(t, tx, `insert into audit_log (org_id, user_id, action, resource, status) values ($1, $2, $3, '/x', 200)`, org.id, org.user, a)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	log := postgres.NewAuditLog(openApp(t, b.db), postgres.AuditParams{})
	defer log.Close(ctx) //nolint:errcheck
	asA := tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: b.orgA}, Role: tenant.Admin})
	actions := func(f audit.Filter) []string {
		t.Helper()
		f.Limit = 100
		es, err := log.FindEntries(asA, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Action)
		}
		return out
	}
	cases := []struct {
		action string
		want   int
	}{{"views.", 3}, {"views.create", 1}, {"views", 0}, {"query.", 1}, {"", 6}}
	for _, c := range cases {
		got := actions(audit.Filter{Action: c.action})
		if len(got) != c.want {
			t.Errorf("action %q: %v, want %d entries", c.action, got, c.want)
		}
	}
	byUser := actions(audit.Filter{UserID: b.userB, Action: "views."})
	if len(byUser) != 0 {
		t.Errorf("org A's log answered with org B's user: %v", byUser)
	}
}
