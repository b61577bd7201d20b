package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

// tenantFixtures inserts one row per org into every tenant table. The test
// fails when a table with org_id has no fixture, so a new tenant table cannot
// ship without its isolation test. %[1]s is the org id, %[2]s a user id.
var tenantFixtures = map[string]string{
	"memberships":  `insert into memberships (org_id, user_id, role) values ('%[1]s', '%[2]s', 'admin')`,
	"entitlements": `insert into entitlements (org_id, dataset) values ('%[1]s', 'comex_monthly')`,
	"views":        `insert into views (org_id, owner_id, name, config) values ('%[1]s', '%[2]s', 'v', '{}')`,
	"audit_log":    `select append_audit('%[1]s', array['%[2]s'], array['read'], array['views'], array[null]::text[], array[200], array[''], array[now()])`,
	"schedules":    `insert into schedules (org_id, created_by, name, cron, template, format) values ('%[1]s', '%[2]s', 's', '0 8 * * 1', 'standard', 'pdf')`,
	"reports":      `insert into reports (org_id, requested_by, template, format, idempotency_key) values ('%[1]s', '%[2]s', 'standard', 'pdf', 'k')`,
	"usage":        `insert into usage (org_id, day, queries) values ('%[1]s', current_date, 1)`,
	"tenant_data":  `insert into tenant_data (org_id, dataset, watermark) values ('%[1]s', 'tenant_metrics', '2024-01')`,
	"uploads": `insert into uploads (org_id, uploaded_by, file_name, sha256, bytes, row_count, metrics, object_name)
		values ('%[1]s', '%[2]s', 'a.csv', repeat('a', 64), 10, 1, '{m}', 'orgs/%[1]s/uploads/a.csv')`,
	"invites": `insert into invites (org_id, email, role, token_hash, created_by, expires_at)
		values ('%[1]s', 'invitee@example.com', 'viewer', sha256(convert_to('%[1]s', 'UTF8')), '%[2]s', now() + interval '7 days')`,
	"dashboards": `insert into dashboards (org_id, owner_id, name) values ('%[1]s', '%[2]s', 'd')`,
	// A panel needs a view and a dashboard of its org: the fixture makes both.
	"dashboard_panels": `with v as (insert into views (org_id, owner_id, name, config) values ('%[1]s', '%[2]s', 'panel view', '{}') returning id),
		d as (insert into dashboards (org_id, owner_id, name) values ('%[1]s', '%[2]s', 'panel dashboard') returning id)
		insert into dashboard_panels (org_id, dashboard_id, position, view_id, x, y, w, h) select '%[1]s', d.id, 0, v.id, 0, 0, 6, 4 from v, d`,
}

type rlsBundle struct {
	db           *pgtest.DB
	orgA, orgB   string
	userA, userB string
}

func setupRLS(t *testing.T) rlsBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	owner, err := pgx.Connect(ctx, db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	b := rlsBundle{db: db}
	// The owner obeys FORCE'd RLS too, so provisioning names the row it writes.
	for i, slug := range []string{"org-a", "org-b"} {
		tx, err := owner.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var org, user string
		if err := tx.QueryRow(ctx, `select gen_random_uuid()::text`).Scan(&org); err != nil {
			t.Fatal(err)
		}
		uid := "uid-" + slug
		mustExec(t, tx, `select set_config('app.org_id', $1, true), set_config('app.firebase_uid', $2, true)`, org, uid)
		mustExec(t, tx, `insert into orgs (id, slug, name) values ($1, $2, $2)`, org, slug)
		if err := tx.QueryRow(ctx, `insert into users (firebase_uid, email) values ($1, $2) returning id::text`, uid, slug+"@example.com").Scan(&user); err != nil {
			t.Fatal(err)
		}
		for _, table := range sortedKeys(tenantFixtures) {
			mustExec(t, tx, fmt.Sprintf(tenantFixtures[table], org, user))
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			b.orgA, b.userA = org, user
		} else {
			b.orgB, b.userB = org, user
		}
	}
	return b
}

func TestEveryTenantTableHasForcedRLSAndAFixture(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		select c.relname, c.relrowsecurity, c.relforcerowsecurity,
		       exists(select from pg_policies p where p.tablename = c.relname and p.policyname = 'tenant_isolation'
		              and p.qual like '%app_org_id()%' and p.with_check like '%app_org_id()%')
		from pg_class c join pg_attribute a on a.attrelid = c.oid
		where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attname = 'org_id' and not a.attisdropped
		order by 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		var enabled, forced, policy bool
		if err := rows.Scan(&name, &enabled, &forced, &policy); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		if !enabled || !forced || !policy {
			t.Errorf("%s: rls enabled=%v forced=%v tenant_isolation policy=%v, want all true", name, enabled, forced, policy)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedKeys(tenantFixtures), tables); diff != "" {
		t.Errorf("tenant tables and isolation fixtures differ (-fixtures +tables):\n%s", diff)
	}
}

func TestRLSIsolatesTenantTables(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	app, err := pgx.Connect(ctx, b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)

	for _, table := range append(sortedKeys(tenantFixtures), "orgs", "users") {
		t.Run(table+"/unset sees nothing", func(t *testing.T) {
			if n := count(t, app, "", table); n != 0 {
				t.Fatalf("app role with app.org_id unset sees %d rows of %s", n, table)
			}
		})
	}
	for _, table := range sortedKeys(tenantFixtures) {
		t.Run(table, func(t *testing.T) {
			// As org A: only A's rows.
			tx := begin(t, app, b.orgA)
			defer tx.Rollback(ctx) //nolint:errcheck
			var total, foreign int
			if err := tx.QueryRow(ctx, fmt.Sprintf(`select count(*), count(*) filter (where org_id <> $1) from %s`, table), b.orgA).Scan(&total, &foreign); err != nil {
				t.Fatal(err)
			}
			if total == 0 || foreign != 0 {
				t.Fatalf("as org A: %d rows, %d of another org; want >0 and 0", total, foreign)
			}
			// Updating B's rows touches nothing.
			tag, err := tx.Exec(ctx, fmt.Sprintf(`update %s set org_id = org_id where org_id = $1`, table), b.orgB)
			if table == "audit_log" {
				wantDenied(t, err, "update of audit_log")
				return
			}
			if err != nil || tag.RowsAffected() != 0 {
				t.Fatalf("update of org B's rows as A: %v, %d rows", err, tag.RowsAffected())
			}
			// Moving A's rows to B is refused by WITH CHECK.
			_, err = tx.Exec(ctx, fmt.Sprintf(`update %s set org_id = $1 where org_id = $2`, table), b.orgB, b.orgA)
			wantDenied(t, err, "moving rows to org B")
		})
		t.Run(table+"/insert for B as A", func(t *testing.T) {
			tx := begin(t, app, b.orgA)
			defer tx.Rollback(ctx) //nolint:errcheck
			_, err := tx.Exec(ctx, fmt.Sprintf(tenantFixtures[table], b.orgB, b.userB))
			wantDenied(t, err, "insert with org B's id")
		})
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	app, err := pgx.Connect(ctx, b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	for _, stmt := range []string{
		`update audit_log set action = 'forged'`,
		`delete from audit_log`,
		`truncate audit_log`,
	} {
		tx := begin(t, app, b.orgA)
		_, err := tx.Exec(ctx, stmt)
		wantDenied(t, err, stmt)
		_ = tx.Rollback(ctx)
	}
	// Entries are appended through append_audit only, which checks their
	// org and users: a row inserted directly could name neither.
	tx := begin(t, app, b.orgA)
	_, err = tx.Exec(ctx, `insert into audit_log (org_id, user_id, action, resource, status) values ($1, $2, 'read', 'views', 200)`, b.orgA, b.userA)
	wantDenied(t, err, "a direct insert into audit_log")
	_ = tx.Rollback(ctx)
	tx = begin(t, app, b.orgA)
	defer tx.Rollback(ctx) //nolint:errcheck
	// Appending is allowed: the log is append-only, not read-only.
	if _, err := tx.Exec(ctx, fmt.Sprintf(tenantFixtures["audit_log"], b.orgA, b.userA)); err != nil {
		t.Fatalf("appending to audit_log as the app role: %v", err)
	}
}

func TestAppRoleOwnsNothingAndCannotBypass(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var super, bypass, login bool
	if err := conn.QueryRow(ctx, `select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'mirante_app'`).Scan(&super, &bypass, &login); err != nil {
		t.Fatal(err)
	}
	if super || bypass || !login {
		t.Fatalf("mirante_app: superuser=%v bypassrls=%v login=%v; want false false true", super, bypass, login)
	}
	var owned int
	if err := conn.QueryRow(ctx, `
		select (select count(*) from pg_class where relowner = r.oid)
		     + (select count(*) from pg_proc where proowner = r.oid)
		     + (select count(*) from pg_namespace where nspowner = r.oid)
		     + (select count(*) from pg_type where typowner = r.oid)
		     + (select count(*) from pg_database where datdba = r.oid)
		from pg_roles r where r.rolname = 'mirante_app'`).Scan(&owned); err != nil {
		t.Fatal(err)
	}
	if owned != 0 {
		t.Fatalf("mirante_app owns %d objects, want none", owned)
	}
	app, err := pgx.Connect(ctx, b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	_, err = app.Exec(ctx, `set row_security = off`)
	if err == nil {
		// Setting it is allowed, but any query on a protected table must then fail.
		_, err = app.Exec(ctx, `select count(*) from views`)
	}
	if err == nil {
		t.Fatal("the app role read a protected table with row_security off")
	}
	if _, err := app.Exec(ctx, `create table sneaky (id int)`); err == nil {
		t.Fatal("the app role created a table")
	}
}

// A pooled connection that once ran a tenant transaction must not keep the
// tenant, and must answer "no rows" rather than an error when none is set.
func TestTenantDoesNotOutliveItsTransaction(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	app, err := pgx.Connect(ctx, b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	tx := begin(t, app, b.orgA)
	if n := countTx(t, tx, "views"); n == 0 {
		t.Fatal("org A sees no views inside its transaction")
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, app, "", "views"); n != 0 {
		t.Fatalf("after the tenant transaction, the same connection sees %d views", n)
	}
}

func begin(t *testing.T, conn *pgx.Conn, org string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if org != "" {
		mustExec(t, tx, `select set_config('app.org_id', $1, true)`, org)
	}
	return tx
}

func count(t *testing.T, conn *pgx.Conn, org, table string) int {
	t.Helper()
	tx := begin(t, conn, org)
	defer tx.Rollback(context.Background()) //nolint:errcheck
	return countTx(t, tx, table)
}

func countTx(t *testing.T, tx pgx.Tx, table string) int {
	t.Helper()
	var n int
	if err := tx.QueryRow(context.Background(), `select count(*) from `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

func mustExec(t *testing.T, tx pgx.Tx, sql string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", strings.Fields(sql)[0], err)
	}
}

// wantDenied asserts err is PostgreSQL's insufficient_privilege (42501), which
// is what both a missing grant and an RLS WITH CHECK failure raise.
func wantDenied(t *testing.T, err error, what string) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42501" {
		t.Fatalf("%s: got %v, want permission denied / RLS violation (42501)", what, err)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The one-round-trip tenant read (the byte budget's) sees its own org's
// rows only, and its setting ends with it: the next use of the same
// connection (the pool has one) runs as no tenant.
func TestTenantRowReadIsIsolatedAndEnds(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	app, err := postgres.New(ctx, postgres.Config{URL: b.db.AppURL, MaxConns: 1, ConnectTimeout: 5 * time.Second, StatementTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	owner, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	for org, bytes := range map[string]int64{b.orgA: 111, b.orgB: 222} {
		tx := begin(t, owner, org)
		mustExec(t, tx, `update usage set bytes_processed = $1 where day = current_date`, bytes)
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	budgets := postgres.NewBudgetService(app, postgres.NewPlanService(app), nil)
	for org, want := range map[string]int64{b.orgA: 111, b.orgB: 222} {
		octx := tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: org, Plan: "standard"}})
		var n int
		if err := app.QueryTenantRow(octx, func(r pgx.Row) error { return r.Scan(&n) }, `select count(*) from usage`); err != nil || n != 1 {
			t.Fatalf("org %s sees %d usage rows (%v), want its own 1", org, n, err)
		}
		bb, err := budgets.ByteBudget(octx)
		if err != nil || bb.Used != want {
			t.Fatalf("org %s: bytes used %d (%v), want %d", org, bb.Used, err, want)
		}
		if s, err := app.OrgSetting(ctx); err != nil || s != "" {
			t.Fatalf("after org %s's read the connection runs as org %q (%v)", org, s, err)
		}
	}
	if err := app.QueryTenantRow(ctx, func(r pgx.Row) error { return nil }, `select 1`); err == nil {
		t.Fatal("a read without a tenant ran")
	}
}
