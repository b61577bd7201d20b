// Package backup tests scripts/pg-backup and scripts/pg-restore against the
// real PostgreSQL server of `make test`.
package backup

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/pgtest"
)

// adminURLFor is the admin URL pointed at database name: the admin reads
// every row through FORCE ROW LEVEL SECURITY, as a backup must.
func adminURLFor(t *testing.T, name string) string {
	t.Helper()
	u, err := url.Parse(pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func script(name string) string {
	return filepath.Join("..", name)
}

func run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script(name), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// tableCounts counts the rows of every table outside the system schemas.
func tableCounts(t *testing.T, dbURL string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast' order by 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := conn.QueryRow(ctx, "select count(*) from "+n).Scan(&c); err != nil {
			t.Fatalf("counting %s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

// forcedRLS lists the tables with row-level security enabled and forced.
func forcedRLS(t *testing.T, dbURL string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `select c.relname || ':' || (select count(*) from pg_policy p where p.polrelid = c.oid)
		from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relrowsecurity and c.relforcerowsecurity order by 1`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func seed(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for i := range 3 {
		var org, user string
		if err := conn.QueryRow(ctx, `insert into orgs (slug, name) values ($1, $2) returning id`, fmt.Sprintf("org-%d", i), fmt.Sprintf("Org %d", i)).Scan(&org); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, `insert into users (firebase_uid, email) values ($1, $2) returning id`, fmt.Sprintf("uid-%d", i), fmt.Sprintf("u%d@example.com", i)).Scan(&user); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')`, org, user); err != nil {
			t.Fatal(err)
		}
		for v := range i + 1 {
			if _, err := conn.Exec(ctx, `insert into views (org_id, owner_id, name, config) values ($1, $2, $3, '{}')`, org, user, fmt.Sprintf("view %d", v)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestBackupRestoreKeepsRowsAndRLS(t *testing.T) {
	src := pgtest.New(t)
	srcURL := adminURLFor(t, src.Name)
	seed(t, srcURL)
	want := tableCounts(t, srcURL)
	for _, tb := range []string{"public.orgs", "public.users", "public.memberships", "public.views", "public.plans"} {
		if want[tb] == 0 {
			t.Fatalf("the seed left %s empty: %v", tb, want)
		}
	}
	wantRLS := forcedRLS(t, srcURL)
	if len(wantRLS) == 0 {
		t.Fatal("no table forces row-level security in the source database")
	}

	dump := filepath.Join(t.TempDir(), "mirante.dump")
	if out, err := run(t, nil, "pg-backup", srcURL, dump); err != nil {
		t.Fatalf("pg-backup: %v\n%s", err, out)
	}
	if out, err := run(t, nil, "pg-backup", srcURL, dump); err == nil || !strings.Contains(out, "exists") {
		t.Fatalf("pg-backup overwrote an existing dump: %v\n%s", err, out)
	}

	dst := pgtest.Empty(t)
	dstURL := adminURLFor(t, dst.Name)
	if out, err := run(t, nil, "pg-restore", dump, dstURL); err != nil {
		t.Fatalf("pg-restore: %v\n%s", err, out)
	}
	got := tableCounts(t, dstURL)
	if len(got) != len(want) {
		t.Errorf("restored %d tables, dumped %d", len(got), len(want))
	}
	for tb, n := range want {
		if got[tb] != n {
			t.Errorf("%s: %d rows after restore, %d before", tb, got[tb], n)
		}
	}
	if gotRLS := forcedRLS(t, dstURL); strings.Join(gotRLS, ",") != strings.Join(wantRLS, ",") {
		t.Errorf("forced RLS tables:policies after restore %v, before %v", gotRLS, wantRLS)
	}

	// The app role still sees nothing without a tenant, and one org's rows with it.
	ctx := context.Background()
	app, err := pgx.Connect(ctx, dst.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	var n int64
	if err := app.QueryRow(ctx, `select count(*) from views`).Scan(&n); err != nil || n != 0 {
		t.Errorf("app role without a tenant sees %d views after restore (err %v), want 0", n, err)
	}

	// A second restore into the now populated database is refused and changes nothing.
	if out, err := run(t, nil, "pg-restore", dump, dstURL); err == nil || !strings.Contains(out, "already holds") {
		t.Errorf("pg-restore into a populated database: %v\n%s", err, out)
	}
	if again := tableCounts(t, dstURL); again["public.views"] != want["public.views"] {
		t.Errorf("a refused restore changed views: %d, want %d", again["public.views"], want["public.views"])
	}
}

func TestBackupErrorsAreClear(t *testing.T) {
	src := pgtest.New(t)
	dir := t.TempDir()
	cases := []struct {
		name, script string
		args         []string
		want         string
	}{
		{"usage", "pg-backup", nil, "usage"},
		{"missing folder", "pg-backup", []string{adminURLFor(t, src.Name), filepath.Join(dir, "no", "x.dump")}, "does not exist"},
		{"no server", "pg-backup", []string{"postgres://postgres@127.0.0.1:1/x?sslmode=disable", filepath.Join(dir, "y.dump")}, "pg_dump failed"},
		{"owner under forced RLS", "pg-backup", []string{src.OwnerURL, filepath.Join(dir, "z.dump")}, "row-level security"},
		{"not a dump", "pg-restore", []string{"backup_test.go", adminURLFor(t, src.Name)}, "not a pg_dump"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, []string{"PGPASSWORD="}, tc.script, tc.args...)
			if err == nil || !strings.Contains(out, tc.want) {
				t.Fatalf("%s %v: err %v, output %q, want it to say %q", tc.script, tc.args, err, out, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "z.dump")); err == nil {
				t.Fatal("a failed backup left a file")
			}
		})
	}
}
