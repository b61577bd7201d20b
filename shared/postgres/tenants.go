package postgres

import (
	"context"
	"errors"
	"regexp"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// TenantResolver implements tenant.Resolver: it reads the org a path names and
// the caller's role in it, seeing only orgs the caller belongs to.
type TenantResolver struct {
	db *DB
}

// NewTenantResolver returns the PostgreSQL resolver.
func NewTenantResolver(db *DB) *TenantResolver { return &TenantResolver{db: db} }

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isUUID reports whether s can be compared with a uuid column without error.
func isUUID(s string) bool { return uuidRe.MatchString(s) }

// ResolveTenant finds the org by id or slug among the caller's memberships.
func (r *TenantResolver) ResolveTenant(ctx context.Context, ref string) (tenant.Tenant, error) {
	notFound := apperr.Errorf(apperr.NotFound, "organisation not found")
	if ref == "" || len(ref) > 64 {
		return tenant.Tenant{}, notFound
	}
	var id *string
	if isUUID(ref) {
		id = &ref
	}
	var t tenant.Tenant
	err := r.db.InUserTx(ctx, func(tx pgx.Tx) error {
		u, _ := tenant.UserFromContext(ctx)
		return tx.QueryRow(ctx, `
			select o.id::text, o.slug, o.name, o.plan, o.isolation, coalesce(o.warehouse_dataset, ''), m.role
			from orgs o join memberships m on m.org_id = o.id and m.user_id = $1
			where o.slug = $2 or o.id = $3::uuid`, u.ID, ref, id).
			Scan(&t.Org.ID, &t.Org.Slug, &t.Org.Name, &t.Org.Plan, &t.Org.Isolation, &t.Org.Dataset, &t.Role)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return tenant.Tenant{}, notFound
	}
	if err != nil {
		return tenant.Tenant{}, convert(err, "organisation")
	}
	return t, nil
}

// FindOrgByID reads an org by id in its own tenant transaction, for workers
// that restore the tenant named in a message or task: the message says which
// org, PostgreSQL says whether it exists and what it is.
func (db *DB) FindOrgByID(ctx context.Context, orgID string) (tenant.Org, error) {
	var o tenant.Org
	if !isUUID(orgID) {
		return o, apperr.Errorf(apperr.NotFound, "organisation not found")
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: orgID}})
	err := db.InTenantTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select id::text, slug, name, plan, isolation, coalesce(warehouse_dataset, '') from orgs where id = $1`, orgID).
			Scan(&o.ID, &o.Slug, &o.Name, &o.Plan, &o.Isolation, &o.Dataset)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return o, apperr.Errorf(apperr.NotFound, "organisation not found")
	}
	return o, err
}

// FindMemberRole reads a user's role in the tenant in ctx.
func (db *DB) FindMemberRole(ctx context.Context, userID string) (tenant.Role, error) {
	var role tenant.Role
	if !isUUID(userID) {
		return "", apperr.Errorf(apperr.NotFound, "member not found")
	}
	err := db.InTenantTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select role from memberships where user_id = $1`, userID).Scan(&role)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", apperr.Errorf(apperr.NotFound, "member not found")
	}
	return role, err
}
