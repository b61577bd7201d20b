// Command dbroles prepares Cloud SQL's roles for the migrations, as
// mirante_owner (DATABASE_URL), from Cloud Build (infra/DEPLOY.md):
//
//   - creates mirante_app (LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB
//     NOCREATEROLE NOREPLICATION) with PG_APP_PASSWORD, or resets that
//     password and those attributes when it exists; it is deliberately not made
//     through the Cloud SQL API, whose users join cloudsqlsuperuser;
//   - then verifies what tenancy relies on, and fails the deploy otherwise:
//     the app role is no superuser, cannot bypass row-level security, creates
//     nothing and is a member of no role; the owner is no superuser and cannot
//     bypass row-level security either (its FORCEd policies must apply).
//
// It prints no secret. Locally `functions/cmd/local provision` does the same
// job with a superuser; Cloud SQL has none.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/postgres"
)

func main() {
	if err := run(context.Background(), os.Getenv("DATABASE_URL"), os.Getenv("PG_APP_PASSWORD")); err != nil {
		fmt.Fprintln(os.Stderr, "dbroles:", err)
		os.Exit(1)
	}
}

// roleAttrs are the pg_roles attributes that tenancy depends on.
type roleAttrs struct {
	Super, BypassRLS, CreateRole, CreateDB, Replication, Login bool
	MemberOf                                                   []string
}

func run(ctx context.Context, ownerURL, appPassword string) error {
	if ownerURL == "" {
		return errors.New("DATABASE_URL: required (the owner's URL)")
	}
	if len(appPassword) < 16 {
		return errors.New("PG_APP_PASSWORD: required, at least 16 characters")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return fmt.Errorf("connecting as the owner: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	var user string
	if err := conn.QueryRow(ctx, `select current_user`).Scan(&user); err != nil {
		return err
	}
	if user != postgres.OwnerRole {
		return fmt.Errorf("connected as %s; run as %s, which then holds the admin option on the role it creates", user, postgres.OwnerRole)
	}

	var exists bool
	if err := conn.QueryRow(ctx, `select exists(select from pg_roles where rolname = $1)`, postgres.AppRole).Scan(&exists); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, roleStatement(exists, appPassword)); err != nil {
		// The statement holds the password: never echo it.
		return fmt.Errorf("%s role %s failed: %v", map[bool]string{true: "altering", false: "creating"}[exists], postgres.AppRole, pgErrorCode(err))
	}

	app, err := attrs(ctx, conn, postgres.AppRole)
	if err != nil {
		return err
	}
	if err := verifyApp(app); err != nil {
		return err
	}
	owner, err := attrs(ctx, conn, postgres.OwnerRole)
	if err != nil {
		return err
	}
	if err := verifyOwner(owner); err != nil {
		return err
	}
	fmt.Printf("dbroles: %s ready (LOGIN NOSUPERUSER NOBYPASSRLS, member of no role); %s is neither superuser nor BYPASSRLS\n",
		postgres.AppRole, postgres.OwnerRole)
	return nil
}

// roleStatement creates or resets the app role. On an existing role it does
// not repeat NOSUPERUSER/NOBYPASSRLS (only a superuser may name them in ALTER
// ROLE); verifyApp checks them instead.
func roleStatement(exists bool, password string) string {
	name := pgx.Identifier{postgres.AppRole}.Sanitize()
	if exists {
		return fmt.Sprintf(`ALTER ROLE %s WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD %s`, name, quoteLiteral(password))
	}
	return fmt.Sprintf(`CREATE ROLE %s WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD %s`, name, quoteLiteral(password))
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func attrs(ctx context.Context, conn *pgx.Conn, role string) (roleAttrs, error) {
	var a roleAttrs
	err := conn.QueryRow(ctx, `
		select r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolcanlogin,
		       coalesce(array_agg(g.rolname order by g.rolname) filter (where g.rolname is not null), '{}')
		from pg_roles r
		left join pg_auth_members m on m.member = r.oid
		left join pg_roles g on g.oid = m.roleid
		where r.rolname = $1
		group by r.oid, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolcanlogin`, role).
		Scan(&a.Super, &a.BypassRLS, &a.CreateRole, &a.CreateDB, &a.Replication, &a.Login, &a.MemberOf)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("role %s does not exist", role)
	}
	return a, err
}

func verifyApp(a roleAttrs) error {
	var bad []string
	if !a.Login {
		bad = append(bad, "cannot log in")
	}
	for cond, what := range map[*bool]string{&a.Super: "SUPERUSER", &a.BypassRLS: "BYPASSRLS", &a.CreateRole: "CREATEROLE", &a.CreateDB: "CREATEDB", &a.Replication: "REPLICATION"} {
		if *cond {
			bad = append(bad, "has "+what)
		}
	}
	if len(a.MemberOf) > 0 {
		bad = append(bad, "is a member of "+strings.Join(a.MemberOf, ", "))
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("%s %s: row-level security would not hold for the services", postgres.AppRole, strings.Join(bad, "; "))
	}
	return nil
}

func verifyOwner(a roleAttrs) error {
	if a.Super || a.BypassRLS {
		return fmt.Errorf("%s is SUPERUSER or BYPASSRLS: its FORCEd row-level security would not apply", postgres.OwnerRole)
	}
	return nil
}

// pgErrorCode keeps the server's message but drops any echo of the statement.
func pgErrorCode(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "PASSWORD"); i >= 0 {
		msg = msg[:i] + "…"
	}
	return msg
}
