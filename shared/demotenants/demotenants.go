// Package demotenants defines the demo tenants of the local stack (../shared/API.md):
// three orgs, their users and roles, and their entitlements. Seeding is
// idempotent, so `make up` can run it on every start.
package demotenants

import (
	"context"
	"fmt"

	"github.com/mirante/mirante/shared/tenant"
)

// Password is every demo user's password.
const Password = "mirante-demo"

// Orgs are the demo tenants.
var Orgs = []tenant.Org{
	{Slug: "porto-sul", Name: "Porto Sul Logística", Plan: "standard", Isolation: tenant.IsolationRow},
	{Slug: "agro-nordeste", Name: "Agro Nordeste Cooperativa", Plan: "standard", Isolation: tenant.IsolationRow},
	{Slug: "banco-regional", Name: "Banco Regional de Desenvolvimento", Plan: "enterprise", Isolation: tenant.IsolationDataset, Dataset: "tenant_banco_regional"},
}

// User is a demo person with fixed Firebase uid and roles by org slug.
type User struct {
	UID   string
	Email string
	Roles map[string]tenant.Role
}

// Users are the demo people. Each org also has an owner, so that "the last
// owner cannot leave" holds for the demo orgs too.
var Users = []User{
	{UID: "demo-ana", Email: "ana@porto-sul.demo", Roles: map[string]tenant.Role{"porto-sul": tenant.Admin}},
	{UID: "demo-bruno", Email: "bruno@agro-nordeste.demo", Roles: map[string]tenant.Role{"agro-nordeste": tenant.Analyst}},
	{UID: "demo-carla", Email: "carla@banco-regional.demo", Roles: map[string]tenant.Role{"banco-regional": tenant.Viewer}},
	{UID: "demo-dora", Email: "dora@multi.demo", Roles: map[string]tenant.Role{"porto-sul": tenant.Viewer, "agro-nordeste": tenant.Admin}},
	{UID: "demo-otavio", Email: "otavio@porto-sul.demo", Roles: map[string]tenant.Role{"porto-sul": tenant.Owner}},
	{UID: "demo-olivia", Email: "olivia@agro-nordeste.demo", Roles: map[string]tenant.Role{"agro-nordeste": tenant.Owner}},
	{UID: "demo-oscar", Email: "oscar@banco-regional.demo", Roles: map[string]tenant.Role{"banco-regional": tenant.Owner}},
}

// PublicMarts are the public datasets of the minimum catalog.
var PublicMarts = []string{"comex_monthly", "comex_municipal_monthly", "antaq_monthly", "caged_monthly", "pib_municipal", "ipca_monthly", "siconfi_annual"}

// Entitlements are the public marts each org may query.
var Entitlements = map[string][]string{
	"porto-sul":      PublicMarts,
	"agro-nordeste":  PublicMarts,
	"banco-regional": {"ipca_monthly", "pib_municipal"},
}

// Provisioner writes orgs, users, memberships and entitlements.
type Provisioner interface {
	EnsureOrg(ctx context.Context, o tenant.Org) (tenant.Org, error)
	EnsureUser(ctx context.Context, id tenant.Identity) (string, error)
	SetMembership(ctx context.Context, orgID, userID string, role tenant.Role) error
	SetEntitlements(ctx context.Context, orgID string, datasets []string) error
}

// IdentityProvider creates sign-in accounts.
type IdentityProvider interface {
	EnsurePasswordUser(ctx context.Context, uid, email, password string) error
}

// Seed creates or refreshes every demo org, user, role and entitlement, and
// returns the orgs with their ids by slug.
func Seed(ctx context.Context, p Provisioner, idp IdentityProvider) (map[string]tenant.Org, error) {
	orgs := map[string]tenant.Org{}
	for _, o := range Orgs {
		got, err := p.EnsureOrg(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("seeding org %s: %w", o.Slug, err)
		}
		orgs[o.Slug] = got
		if err := p.SetEntitlements(ctx, got.ID, Entitlements[o.Slug]); err != nil {
			return nil, fmt.Errorf("seeding entitlements of %s: %w", o.Slug, err)
		}
	}
	for _, u := range Users {
		if idp != nil {
			if err := idp.EnsurePasswordUser(ctx, u.UID, u.Email, Password); err != nil {
				return nil, fmt.Errorf("seeding sign-in of %s: %w", u.Email, err)
			}
		}
		userID, err := p.EnsureUser(ctx, tenant.Identity{FirebaseUID: u.UID, Email: u.Email})
		if err != nil {
			return nil, fmt.Errorf("seeding user %s: %w", u.Email, err)
		}
		for slug, role := range u.Roles {
			if err := p.SetMembership(ctx, orgs[slug].ID, userID, role); err != nil {
				return nil, fmt.Errorf("seeding %s in %s: %w", u.Email, slug, err)
			}
		}
	}
	return orgs, nil
}
