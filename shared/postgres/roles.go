package postgres

// This file creates a stack's database and its two roles: the owner, who
// migrates, and the app role the services connect as, under row-level
// security. Terraform does this in production; Provision does it locally and
// in tests. admin.go fills the database with orgs and users.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// OwnerRole owns the schema and runs migrations. It is not a superuser, so the
// FORCE'd row-level security applies to it too.
const OwnerRole = "mirante_owner"

// ProvisionParams says where to create the roles and database of one stack.
type ProvisionParams struct {
	// AdminURL reaches the server as a role that may create roles and
	// databases (locally the superuser; in production Terraform does this).
	AdminURL      string
	Database      string
	OwnerPassword string
	AppPassword   string
}

// Provisioned holds the URLs of the two roles in the provisioned database.
type Provisioned struct {
	OwnerURL string
	AppURL   string
}

// provisionLock serialises provisioning across processes (parallel test
// binaries, two `make up`s).
const provisionLock = 7_370_011

// Provision creates the owner and app roles and the database when missing and
// makes sure the roles have the attributes tenancy relies on. It is idempotent.
func Provision(ctx context.Context, p ProvisionParams) (Provisioned, error) {
	var out Provisioned
	base, err := url.Parse(p.AdminURL)
	if err != nil || (base.Scheme != "postgres" && base.Scheme != "postgresql") {
		return out, errors.New("DATABASE_URL: must be a postgres:// URL")
	}
	conn, err := pgx.Connect(ctx, p.AdminURL)
	if err != nil {
		return out, fmt.Errorf("connecting as admin: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `select pg_advisory_lock($1)`, provisionLock); err != nil {
		return out, fmt.Errorf("locking: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `select pg_advisory_unlock($1)`, provisionLock) //nolint:errcheck // released with the session anyway

	roles := []struct{ name, password string }{{OwnerRole, p.OwnerPassword}, {AppRole, p.AppPassword}}
	for _, r := range roles {
		var exists bool
		if err := conn.QueryRow(ctx, `select exists(select from pg_roles where rolname = $1)`, r.name).Scan(&exists); err != nil {
			return out, fmt.Errorf("checking role %s: %w", r.name, err)
		}
		verb := "CREATE"
		if exists {
			verb = "ALTER"
		}
		stmt := fmt.Sprintf(`%s ROLE %s LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %s`,
			verb, pgx.Identifier{r.name}.Sanitize(), quoteLiteral(r.password))
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return out, fmt.Errorf("%s role %s: %w", strings.ToLower(verb), r.name, err)
		}
	}
	var dbExists bool
	if err := conn.QueryRow(ctx, `select exists(select from pg_database where datname = $1)`, p.Database).Scan(&dbExists); err != nil {
		return out, fmt.Errorf("checking database: %w", err)
	}
	if !dbExists {
		stmt := fmt.Sprintf(`CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0`,
			pgx.Identifier{p.Database}.Sanitize(), pgx.Identifier{OwnerRole}.Sanitize())
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return out, fmt.Errorf("creating database %s: %w", p.Database, err)
		}
	}
	out.OwnerURL = roleURL(base, OwnerRole, p.OwnerPassword, p.Database)
	out.AppURL = roleURL(base, AppRole, p.AppPassword, p.Database)
	return out, nil
}

// roleURL is base with another user, password and database.
func roleURL(base *url.URL, user, password, database string) string {
	u := *base
	u.User = url.UserPassword(user, password)
	u.Path = "/" + database
	return u.String()
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
