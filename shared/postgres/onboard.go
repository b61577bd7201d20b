package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// OnboardParams describes a new org and its first owner.
type OnboardParams struct {
	Org          tenant.Org
	Entitlements []string
	OwnerEmail   string
	// TTL is how long the owner's invite stays acceptable.
	TTL time.Duration
}

// Onboard creates an org, its entitlements and an invite for its first
// owner, all or nothing. A taken slug or warehouse dataset is a Conflict:
// onboarding never changes an org that exists.
func (a *Admin) Onboard(ctx context.Context, p OnboardParams) (tenant.Org, *tenant.IssuedInvite, error) {
	email, err := checkEmail(p.OwnerEmail)
	if err != nil {
		return tenant.Org{}, nil, err
	}
	o := p.Org
	if err := checkOrgDataset(o); err != nil {
		return tenant.Org{}, nil, err
	}
	var dataset *string
	if o.Dataset != "" {
		dataset = &o.Dataset
	}
	var inv *tenant.IssuedInvite
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `insert into orgs (slug, name, plan, isolation, warehouse_dataset)
			values ($1, $2, $3, $4, $5) returning id::text`,
			o.Slug, o.Name, o.Plan, string(o.Isolation), dataset).Scan(&o.ID)
		if err != nil {
			return orgError(err, o)
		}
		if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true)`, o.ID); err != nil {
			return err
		}
		if len(p.Entitlements) > 0 {
			if _, err := tx.Exec(ctx, `insert into entitlements (org_id, dataset) select $1, unnest($2::text[])`,
				o.ID, p.Entitlements); err != nil {
				return convert(err, "entitlement")
			}
		}
		inv, err = insertInvite(ctx, tx, o.ID, email, tenant.Owner, "", p.TTL)
		return err
	})
	if err != nil {
		return tenant.Org{}, nil, err
	}
	return o, inv, nil
}

// checkOrgDataset refuses a warehouse dataset that breaks
// tenant.ValidDataset, before the database's CHECK would.
func checkOrgDataset(o tenant.Org) error {
	if o.Dataset != "" && !tenant.ValidDataset(o.Dataset) {
		return datasetError(o.Dataset)
	}
	return nil
}

func datasetError(name string) error {
	return apperr.Invalidf("dataset", "the warehouse dataset %q must be %s then 1 to 120 of a-z, 0-9 and _", clipText(name), tenant.DatasetPrefix)
}

// orgError says which of the org's unique or checked values was refused.
func orgError(err error, o tenant.Org) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == uniqueViolation && strings.Contains(pe.ConstraintName, "slug"):
			return apperr.Errorf(apperr.Conflict, "an org with the slug %s already exists", o.Slug)
		case pe.Code == uniqueViolation && strings.Contains(pe.ConstraintName, "warehouse_dataset"):
			return apperr.Errorf(apperr.Conflict, "the warehouse dataset %s already belongs to another org", o.Dataset)
		case pe.Code == checkViolation && strings.Contains(pe.ConstraintName, "warehouse_dataset"):
			return datasetError(o.Dataset)
		case pe.Code == foreignKeyViolation:
			return apperr.Errorf(apperr.Invalid, "no plan named %s", o.Plan)
		}
	}
	return convert(err, "org "+o.Slug)
}

// FindOrgBySlug reads an org as the owner.
func (a *Admin) FindOrgBySlug(ctx context.Context, slug string) (tenant.Org, error) {
	var o tenant.Org
	err := a.pool.QueryRow(ctx, `select id::text, slug, name, plan, isolation, coalesce(warehouse_dataset, '') from orgs where slug = $1`, slug).
		Scan(&o.ID, &o.Slug, &o.Name, &o.Plan, &o.Isolation, &o.Dataset)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, apperr.Errorf(apperr.NotFound, "no org with the slug %s", slug)
	}
	return o, convert(err, "org "+slug)
}

// Invite invites an address into an org as an operator (no inviting
// member), revoking the address's pending invite there.
func (a *Admin) Invite(ctx context.Context, orgID, email string, role tenant.Role, ttl time.Duration) (*tenant.IssuedInvite, error) {
	if !role.Valid() {
		return nil, apperr.Invalidf("role", "must be owner, admin, analyst or viewer")
	}
	email, err := checkEmail(email)
	if err != nil {
		return nil, err
	}
	var inv *tenant.IssuedInvite
	err = a.inOrg(ctx, orgID, func(tx pgx.Tx) error {
		var err error
		inv, err = insertInvite(ctx, tx, orgID, email, role, "", ttl)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("inviting into org %s: %w", orgID, err)
	}
	return inv, nil
}

// FindPlans lists the plans' ids.
func (a *Admin) FindPlans(ctx context.Context) ([]string, error) {
	rows, err := a.pool.Query(ctx, `select id from plans order by queries_per_minute, id`)
	if err != nil {
		return nil, fmt.Errorf("reading plans: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
