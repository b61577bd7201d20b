package tenant

import (
	"context"
	"time"
)

// InviteStatus is where an invite stands.
type InviteStatus string

// An invite is pending until it is accepted, revoked or past its expiry;
// only a pending invite can be accepted, and only once.
const (
	InvitePending  InviteStatus = "pending"
	InviteAccepted InviteStatus = "accepted"
	InviteRevoked  InviteStatus = "revoked"
	InviteExpired  InviteStatus = "expired"
)

// DefaultInviteTTL is how long an invite stays acceptable.
const DefaultInviteTTL = 7 * 24 * time.Hour

// Invite is an offer of membership in one org to whoever proves, with a
// verified e-mail, that they hold the invited address. The token that
// accepts it is shown once, when it is created, and is never stored.
type Invite struct {
	ID     string       `json:"id"`
	Email  string       `json:"email"`
	Role   Role         `json:"role"`
	Status InviteStatus `json:"status"`
	// CreatedBy is the inviting member's user id; "" for an operator.
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	AcceptedBy string     `json:"accepted_by"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// IssuedInvite is a new invite with the token that accepts it.
type IssuedInvite struct {
	Invite
	Token string `json:"token"`
}

// InviteKey is a position in the list of invites (newest first), for cursors.
type InviteKey struct {
	CreatedAt time.Time `json:"c"`
	ID        string    `json:"i"`
}

// InviteFilter pages the list of invites.
type InviteFilter struct {
	After *InviteKey
	Limit int
}

// Acceptance is what an attempt to accept an invite found. Org is set
// whenever the token named an invite, accepted or not, so that the attempt
// can be recorded in that org's audit log; a refused caller is never told
// which org it was.
type Acceptance struct {
	Org      Org
	Role     Role
	InviteID string
}

// InviteService manages the invites of the tenant in ctx (admins; owners
// for the owner role) and lets a signed-in user accept one.
type InviteService interface {
	// CreateInvite invites an address with a role; a pending invite of the
	// same address in the org is revoked, so that only the newest link works.
	CreateInvite(ctx context.Context, email string, role Role) (*IssuedInvite, error)
	FindInvites(ctx context.Context, f InviteFilter) ([]*Invite, error)
	RevokeInvite(ctx context.Context, id string) error
	// AcceptInvite makes the user in ctx a member of the invite's org with
	// its role. The user's token must carry a verified e-mail equal to the
	// invited one; the invite must be pending. It needs no tenant in ctx.
	AcceptInvite(ctx context.Context, token string) (Acceptance, error)
}
