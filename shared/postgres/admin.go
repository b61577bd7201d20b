package postgres

// This file is Admin: the schema owner's writes of orgs, users, memberships
// and entitlements, for operators and the demo seed (onboard.go adds an org
// and its first invite). roles.go creates the database and roles it runs in.

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mirante/mirante/shared/tenant"
)

// Admin provisions orgs, users, memberships and entitlements as the schema
// owner. It is for operators and the demo seed, never for request handling.
type Admin struct {
	pool *pgxpool.Pool
}

// NewAdmin connects as the owner.
func NewAdmin(ctx context.Context, ownerURL string) (*Admin, error) {
	pool, err := pgxpool.New(ctx, ownerURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: not a valid PostgreSQL connection URL")
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting as owner: %w", err)
	}
	return &Admin{pool: pool}, nil
}

// Close releases the connections.
func (a *Admin) Close() { a.pool.Close() }

// EnsureOrg creates the org or updates it by slug, and returns it with its
// id. A warehouse dataset without tenant.DatasetPrefix, or another org's, is
// refused.
func (a *Admin) EnsureOrg(ctx context.Context, o tenant.Org) (tenant.Org, error) {
	if err := checkOrgDataset(o); err != nil {
		return o, err
	}
	var dataset *string
	if o.Dataset != "" {
		dataset = &o.Dataset
	}
	err := a.pool.QueryRow(ctx, `
		insert into orgs (slug, name, plan, isolation, warehouse_dataset) values ($1, $2, $3, $4, $5)
		on conflict (slug) do update set name = excluded.name, plan = excluded.plan,
		  isolation = excluded.isolation, warehouse_dataset = excluded.warehouse_dataset
		returning id::text`, o.Slug, o.Name, o.Plan, string(o.Isolation), dataset).Scan(&o.ID)
	if err != nil {
		return o, orgError(err, o)
	}
	return o, nil
}

// EnsureUser creates or updates the user row of a Firebase uid.
func (a *Admin) EnsureUser(ctx context.Context, id tenant.Identity) (string, error) {
	var userID string
	err := a.pool.QueryRow(ctx, `
		insert into users (firebase_uid, email) values ($1, $2)
		on conflict (firebase_uid) do update set email = excluded.email
		returning id::text`, id.FirebaseUID, strings.ToLower(id.Email)).Scan(&userID)
	return userID, convert(err, "user")
}

// inOrg runs fn as the owner with app.org_id set, as the FORCE'd policies
// on tenant tables require even of the owner.
func (a *Admin) inOrg(ctx context.Context, orgID string, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true)`, orgID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// SetMembership gives the user the role in the org.
func (a *Admin) SetMembership(ctx context.Context, orgID, userID string, role tenant.Role) error {
	return a.inOrg(ctx, orgID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			insert into memberships (org_id, user_id, role) values ($1, $2, $3)
			on conflict (org_id, user_id) do update set role = excluded.role, updated_at = now()
			  where memberships.role <> excluded.role`, orgID, userID, string(role))
		return convert(err, "membership")
	})
}

// SetEntitlements makes the org's public-mart entitlements exactly datasets.
func (a *Admin) SetEntitlements(ctx context.Context, orgID string, datasets []string) error {
	return a.inOrg(ctx, orgID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `delete from entitlements where org_id = $1 and dataset <> all($2)`, orgID, datasets); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			insert into entitlements (org_id, dataset) select $1, unnest($2::text[])
			on conflict do nothing`, orgID, datasets)
		return convert(err, "entitlement")
	})
}
