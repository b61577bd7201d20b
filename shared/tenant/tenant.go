// Package tenant holds who is asking and for which organisation: the request's
// user and org, their role, and the context helpers that carry them. It imports
// nothing but the standard library, so every layer can use it.
package tenant

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Role is a member's role in one organisation.
type Role string

// The roles, from least to most privileged.
const (
	Viewer  Role = "viewer"
	Analyst Role = "analyst"
	Admin   Role = "admin"
	Owner   Role = "owner"
)

var roleRank = map[Role]int{Viewer: 1, Analyst: 2, Admin: 3, Owner: 4}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return r.Valid() && roleRank[r] >= roleRank[min] }

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q", s)
	}
	return r, nil
}

// Isolation is how an org's own warehouse data is kept apart.
type Isolation string

// Row mode shares the tenant marts with a tenant key; dataset mode gives the
// org a warehouse dataset of its own.
const (
	IsolationRow     Isolation = "row"
	IsolationDataset Isolation = "dataset"
)

// Org is one tenant.
type Org struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Plan      string    `json:"plan"`
	Isolation Isolation `json:"isolation"`
	// Dataset is the org's own warehouse dataset in dataset mode.
	Dataset string `json:"-"`
}

// IsOrgID reports whether ref has the form of an org id (a UUID, in any
// letter case) rather than a slug. Slugs never have that form.
func IsOrgID(ref string) bool {
	if len(ref) != 36 {
		return false
	}
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// CanonicalOrgRef is the one spelling of an org reference: an id in lower
// case (as PostgreSQL prints it), a slug as written (slugs are lower case, so
// no other spelling of one names an org). Every reference that names the same
// org by id has the same canonical form.
func CanonicalOrgRef(ref string) string {
	if IsOrgID(ref) {
		return strings.ToLower(ref)
	}
	return ref
}

// User is an authenticated person, known by the id we give them. FirebaseUID
// and Email never leave the process except in the user's own /v1/me.
type User struct {
	ID          string
	FirebaseUID string
	Email       string
	Locale      string
	// EmailVerified is what the request's own token says about Email; it is
	// never stored, so a later token that says otherwise is believed.
	EmailVerified bool
}

// Tenant is the org a request acts for and the caller's role in it.
type Tenant struct {
	Org  Org
	Role Role
}

// ID returns the org id, the value every tenant row carries.
func (t Tenant) ID() string { return t.Org.ID }

type ctxKey int

const (
	tenantKey ctxKey = iota
	userKey
)

// With returns a context that carries t. Receivers of queue messages and tasks
// restore the tenant with it after checking the message against PostgreSQL.
func With(ctx context.Context, t Tenant) context.Context {
	return context.WithValue(ctx, tenantKey, t)
}

// FromContext returns the tenant in ctx, if any.
func FromContext(ctx context.Context) (Tenant, bool) {
	t, ok := ctx.Value(tenantKey).(Tenant)
	return t, ok && t.Org.ID != ""
}

// WithUser returns a context that carries the authenticated user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFromContext returns the authenticated user in ctx, if any.
func UserFromContext(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey).(User)
	return u, ok && u.ID != ""
}

// Identity is what a verified ID token says about its bearer.
type Identity struct {
	FirebaseUID string
	Email       string
	// EmailVerified is the token's email_verified claim: Firebase sets it
	// only once the bearer has followed a link sent to Email.
	EmailVerified bool
}

// Membership is a user's role in one org.
type Membership struct {
	Org  Org
	Role Role
}

// UserService finds users and the orgs they belong to.
type UserService interface {
	// EnsureUser returns the user of a verified identity, creating the row on
	// the user's first verified request.
	EnsureUser(ctx context.Context, id Identity) (User, error)
	// FindMemberships lists the orgs of the user in ctx, with their role.
	FindMemberships(ctx context.Context) ([]Membership, error)
}

// Member is a user's membership as admins see it.
type Member struct {
	UserID    string    `json:"user_id"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// MemberKey is a position in the list of members (by e-mail), for cursors.
type MemberKey struct {
	Email  string `json:"e"`
	UserID string `json:"u"`
}

// MemberFilter pages the list of members.
type MemberFilter struct {
	After *MemberKey
	Limit int
}

// MemberService manages the members of the tenant in ctx. Every member may
// list; admins add, re-role and remove members below owner; only owners touch
// the owner role; the last owner can be neither removed nor demoted.
type MemberService interface {
	FindMembers(ctx context.Context, f MemberFilter) ([]*Member, error)
	FindMemberByID(ctx context.Context, userID string) (*Member, error)
	// AddMember attaches the address's account when only the address's
	// owner can be signed into it: its e-mail is verified, or nobody has
	// claimed it yet (no password; it is then created when missing). An
	// account someone claimed without proving the address is never
	// attached: the address is invited instead, and the invite returned.
	AddMember(ctx context.Context, email string, role Role) (*Member, *IssuedInvite, error)
	UpdateMemberRole(ctx context.Context, userID string, role Role) (*Member, error)
	RemoveMember(ctx context.Context, userID string) error
}

// IdentityDirectory finds people in the identity provider by e-mail, creating
// the account when there is none (they then sign in by e-mail link or reset).
type IdentityDirectory interface {
	FindOrCreateByEmail(ctx context.Context, email string) (Account, error)
}

// Account is a sign-in account as the identity provider holds it.
type Account struct {
	Identity
	// Claimed is true once the account can be signed into other than by a
	// link mailed to its address: someone signed up with a password, or
	// set one. An unclaimed account can only be entered from the mailbox.
	Claimed bool
}

// EntitlementService reads and sets the public marts an org may query.
type EntitlementService interface {
	FindEntitlements(ctx context.Context) ([]string, error)
	SetEntitlements(ctx context.Context, datasets []string) ([]string, error)
}
