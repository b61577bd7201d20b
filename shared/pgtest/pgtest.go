// Package pgtest gives tests a real PostgreSQL database of their own: a clone
// of a template that is migrated once per migration set, connected as the
// owner and as the app role exactly as the services are.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/postgres"
)

// DefaultAdminURL is used when TEST_DATABASE_URL is unset: the server that
// `make test` starts or finds.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Passwords of the test roles. They only matter on servers that ask for one.
const (
	OwnerPassword = "mirante-owner-dev"
	AppPassword   = "mirante-app-dev"
)

// AdminURL returns the URL tests use to create databases.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// DB is one test's database.
type DB struct {
	Name     string
	OwnerURL string
	AppURL   string
}

// lock serialises template creation and cloning across test binaries.
const lock = 7_370_012

// New returns a fresh, migrated database for t, dropped when t ends. It fails
// (never skips) when no PostgreSQL answers, saying how to start one.
func New(t testing.TB) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := AdminURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL does not answer at TEST_DATABASE_URL (%s): %v\n"+
			"run the tests with `make test`, which starts PostgreSQL and Redis, or set TEST_DATABASE_URL to a server where this role may create roles and databases", redact(admin), err)
	}
	defer conn.Close(context.Background())

	tmpl, err := template(ctx, conn, admin)
	if err != nil {
		t.Fatalf("pgtest: preparing the template database: %v", err)
	}
	name := "mirante_test_" + randomHex(6)
	if _, err := conn.Exec(ctx, `select pg_advisory_lock($1)`, lock); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s OWNER %s`,
		pgx.Identifier{name}.Sanitize(), pgx.Identifier{tmpl}.Sanitize(), pgx.Identifier{postgres.OwnerRole}.Sanitize()))
	if _, uerr := conn.Exec(ctx, `select pg_advisory_unlock($1)`, lock); uerr != nil {
		t.Fatal(uerr)
	}
	if err != nil {
		t.Fatalf("pgtest: cloning %s: %v", tmpl, err)
	}
	t.Cleanup(func() { Drop(t, name) })
	p, err := postgres.Provision(ctx, postgres.ProvisionParams{AdminURL: admin, Database: name, OwnerPassword: OwnerPassword, AppPassword: AppPassword})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return &DB{Name: name, OwnerURL: p.OwnerURL, AppURL: p.AppURL}
}

// Empty returns a database with the roles but no schema, for migration tests.
func Empty(t testing.TB) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "mirante_test_" + randomHex(6)
	p, err := postgres.Provision(ctx, postgres.ProvisionParams{AdminURL: AdminURL(), Database: name, OwnerPassword: OwnerPassword, AppPassword: AppPassword})
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL at TEST_DATABASE_URL: %v (run `make test`, which starts one)", err)
	}
	t.Cleanup(func() { Drop(t, name) })
	return &DB{Name: name, OwnerURL: p.OwnerURL, AppURL: p.AppURL}
}

// Drop removes a test database, closing whatever is still connected.
func Drop(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Errorf("pgtest: dropping %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pgx.Identifier{name}.Sanitize())); err != nil {
		t.Errorf("pgtest: dropping %s: %v", name, err)
	}
}

// template returns the name of a migrated template database for the current
// migrations, creating it once across all test binaries.
func template(ctx context.Context, conn *pgx.Conn, admin string) (string, error) {
	name := "mirante_tmpl_" + migrationsHash()
	if _, err := conn.Exec(ctx, `select pg_advisory_lock($1)`, lock); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), `select pg_advisory_unlock($1)`, lock) //nolint:errcheck // released with the session anyway

	var ready bool
	err := conn.QueryRow(ctx, `select coalesce(shobj_description(oid, 'pg_database') = 'ready', false) from pg_database where datname = $1`, name).Scan(&ready)
	if err == nil && ready {
		return name, nil
	}
	if err != nil && err != pgx.ErrNoRows {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pgx.Identifier{name}.Sanitize())); err != nil {
		return "", err
	}
	p, err := postgres.Provision(ctx, postgres.ProvisionParams{AdminURL: admin, Database: name, OwnerPassword: OwnerPassword, AppPassword: AppPassword})
	if err != nil {
		return "", err
	}
	if _, err := postgres.Migrate(ctx, p.OwnerURL, nil); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`COMMENT ON DATABASE %s IS 'ready'`, pgx.Identifier{name}.Sanitize())); err != nil {
		return "", err
	}
	return name, nil
}

// migrationsHash names the template after the migration files, so a changed
// migration makes a new template instead of reusing a stale one.
func migrationsHash() string {
	h := sha256.New()
	fsys := postgres.Migrations()
	var names []string
	_ = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(fsys, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
