package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// InviteService implements tenant.InviteService.
type InviteService struct {
	db       *DB
	observer tenant.MembershipObserver
	// TTL is how long a new invite stays acceptable.
	TTL time.Duration
}

// NewInviteService returns the PostgreSQL invite service; observer hears of
// every accepted invite after it commits.
func NewInviteService(db *DB, observer tenant.MembershipObserver) *InviteService {
	return &InviteService{db: db, observer: observer, TTL: tenant.DefaultInviteTTL}
}

var _ tenant.InviteService = (*InviteService)(nil)

// inviteTokenBytes is the entropy of an invite token.
const inviteTokenBytes = 32

// inviteToken is base64url without padding, strict, so that one token has
// exactly one spelling.
var inviteToken = base64.RawURLEncoding.Strict()

// newInviteToken returns a fresh token and the hash under which it is kept.
func newInviteToken() (string, []byte, error) {
	b := make([]byte, inviteTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("generating an invite token: %w", err)
	}
	h := sha256.Sum256(b)
	return inviteToken.EncodeToString(b), h[:], nil
}

// inviteTokenHash returns the hash of a token, or false when s cannot be one.
func inviteTokenHash(s string) ([]byte, bool) {
	if len(s) != inviteToken.EncodedLen(inviteTokenBytes) {
		return nil, false
	}
	b, err := inviteToken.DecodeString(s)
	if err != nil || len(b) != inviteTokenBytes {
		return nil, false
	}
	h := sha256.Sum256(b)
	return h[:], true
}

const inviteColumns = `id::text, email, role,
	case when revoked_at is not null then 'revoked' when accepted_at is not null then 'accepted'
	     when expires_at <= now() then 'expired' else 'pending' end,
	coalesce(created_by::text, ''), created_at, expires_at, accepted_at, coalesce(accepted_by::text, ''), revoked_at`

func scanInvite(row pgx.Row) (*tenant.Invite, error) {
	var i tenant.Invite
	err := row.Scan(&i.ID, &i.Email, &i.Role, &i.Status, &i.CreatedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt, &i.AcceptedBy, &i.RevokedAt)
	return &i, err
}

// insertInvite invites email into the org of tx's tenant (app.org_id must
// name orgID), revoking the address's pending invite there. createdBy is ""
// for an operator.
func insertInvite(ctx context.Context, tx pgx.Tx, orgID, email string, role tenant.Role, createdBy string, ttl time.Duration) (*tenant.IssuedInvite, error) {
	if ttl <= 0 {
		ttl = tenant.DefaultInviteTTL
	}
	var member bool
	if err := tx.QueryRow(ctx, `select exists(select from memberships m join users u on u.id = m.user_id
		where m.org_id = $1 and u.email = $2)`, orgID, email).Scan(&member); err != nil {
		return nil, fmt.Errorf("checking membership: %w", err)
	}
	if member {
		return nil, &apperr.Error{Code: apperr.Conflict, Message: "already a member of this organisation",
			Fields: []apperr.FieldError{{Field: "email", Reason: "already a member"}}}
	}
	token, hash, err := newInviteToken()
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `update invites set revoked_at = now()
		where org_id = $1 and email = $2 and accepted_at is null and revoked_at is null`, orgID, email); err != nil {
		return nil, fmt.Errorf("revoking earlier invites: %w", err)
	}
	inv, err := scanInvite(tx.QueryRow(ctx, `
		insert into invites (org_id, email, role, token_hash, created_by, expires_at)
		values ($1, $2, $3, $4, nullif($5, '')::uuid, now() + make_interval(secs => $6))
		returning `+inviteColumns, orgID, email, string(role), hash, createdBy, ttl.Seconds()))
	if err != nil {
		return nil, convert(err, "invite")
	}
	return &tenant.IssuedInvite{Invite: *inv, Token: token}, nil
}

// CreateInvite invites an address into the org in ctx.
func (s *InviteService) CreateInvite(ctx context.Context, email string, role tenant.Role) (*tenant.IssuedInvite, error) {
	if err := tenant.Authorize(ctx, tenant.ManageMembers); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, apperr.Invalidf("role", "must be owner, admin, analyst or viewer")
	}
	if role == tenant.Owner {
		if err := tenant.Authorize(ctx, tenant.ManageOwners); err != nil {
			return nil, err
		}
	}
	email, err := checkEmail(email)
	if err != nil {
		return nil, err
	}
	t, u := caller(ctx)
	var out *tenant.IssuedInvite
	err = s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = insertInvite(ctx, tx, t.ID(), email, role, u.ID, s.TTL)
		return err
	})
	return out, err
}

// FindInvites lists the org's invites, newest first.
func (s *InviteService) FindInvites(ctx context.Context, f tenant.InviteFilter) ([]*tenant.Invite, error) {
	if err := tenant.Authorize(ctx, tenant.ManageMembers); err != nil {
		return nil, err
	}
	var q listQuery
	if f.After != nil {
		if !isUUID(f.After.ID) {
			return nil, apperr.Invalidf("cursor", "not a cursor of this list")
		}
		q.and(olderThan, f.After.CreatedAt, f.After.ID)
	}
	out, err := findRows(ctx, s.db, q.sql(`select `+inviteColumns+` from invites`, newestFirst, f.Limit), q.args, scanInvite)
	if err != nil {
		return nil, fmt.Errorf("finding invites: %w", err)
	}
	return out, nil
}

// RevokeInvite withdraws a pending invite; revoking one already revoked
// changes nothing. Only owners revoke an owner invite.
func (s *InviteService) RevokeInvite(ctx context.Context, id string) error {
	if err := tenant.Authorize(ctx, tenant.ManageMembers); err != nil {
		return err
	}
	if !isUUID(id) {
		return apperr.Errorf(apperr.NotFound, "invite not found")
	}
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		inv, err := scanInvite(tx.QueryRow(ctx, `select `+inviteColumns+` from invites where id = $1 for update`, id))
		if err != nil {
			return convert(err, "invite")
		}
		if inv.Role == tenant.Owner {
			if err := tenant.Authorize(ctx, tenant.ManageOwners); err != nil {
				return err
			}
		}
		switch inv.Status {
		case tenant.InviteRevoked:
			return nil
		case tenant.InviteAccepted:
			return apperr.Errorf(apperr.Conflict, "the invite was already accepted; remove the member instead")
		}
		_, err = tx.Exec(ctx, `update invites set revoked_at = now() where id = $1`, id)
		return err
	})
}

// acceptRefusals are the outcomes of accept_invite() other than accepted,
// as the caller sees them. None names the org.
var acceptRefusals = map[string]*apperr.Error{
	"not_found":      apperr.Errorf(apperr.NotFound, "invitation not found"),
	"revoked":        apperr.Errorf(apperr.Gone, "this invitation was withdrawn; ask for a new one"),
	"used":           apperr.Errorf(apperr.Gone, "this invitation has already been used"),
	"expired":        apperr.Errorf(apperr.Gone, "this invitation has expired; ask for a new one"),
	"email_mismatch": apperr.Errorf(apperr.Forbidden, "this invitation is for another e-mail address: sign in with the address it was sent to"),
	"unverified":     apperr.Errorf(apperr.Forbidden, "your e-mail address is not verified: follow the verification link sent to it, then accept again"),
	"already_member": apperr.Errorf(apperr.Conflict, "you are already a member of this organisation"),
}

// AcceptInvite accepts the invite of a token as the user in ctx, whose
// EmailVerified comes from the request's own token.
func (s *InviteService) AcceptInvite(ctx context.Context, token string) (tenant.Acceptance, error) {
	var acc tenant.Acceptance
	u, ok := tenant.UserFromContext(ctx)
	if !ok {
		return acc, apperr.Errorf(apperr.Unauthorized, "no user in context")
	}
	hash, ok := inviteTokenHash(token)
	if !ok {
		return acc, apperr.Invalidf("token", "not an invitation token")
	}
	var outcome string
	err := s.db.InUserTx(ctx, func(tx pgx.Tx) error {
		var org, role, invite *string
		if err := tx.QueryRow(ctx, `select outcome, invite_org::text, invite_role, invite_id::text
			from accept_invite($1, $2, $3, $4)`, hash, u.ID, u.Email, u.EmailVerified).
			Scan(&outcome, &org, &role, &invite); err != nil {
			return fmt.Errorf("accepting an invite: %w", err)
		}
		if org != nil {
			acc.Org.ID, acc.Role, acc.InviteID = *org, tenant.Role(*role), *invite
		}
		if outcome != "accepted" {
			return nil
		}
		// The new membership makes the org visible to its member.
		return tx.QueryRow(ctx, `select slug, name, plan, isolation, coalesce(warehouse_dataset, '') from orgs where id = $1`, acc.Org.ID).
			Scan(&acc.Org.Slug, &acc.Org.Name, &acc.Org.Plan, &acc.Org.Isolation, &acc.Org.Dataset)
	})
	if err != nil {
		return tenant.Acceptance{}, err
	}
	if outcome != "accepted" {
		refusal, ok := acceptRefusals[outcome]
		if !ok {
			return acc, fmt.Errorf("accept_invite answered %q", outcome)
		}
		// reason lets a client say what to do next without parsing prose.
		return acc, &apperr.Error{Code: refusal.Code, Message: refusal.Message, Details: map[string]any{"reason": outcome}}
	}
	if s.observer != nil {
		s.observer.MembershipChanged(ctx, acc.Org, u.ID)
	}
	return acc, nil
}
