package postgres

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// MemberService implements tenant.MemberService.
type MemberService struct {
	db       *DB
	idp      tenant.IdentityDirectory
	observer tenant.MembershipObserver
}

// NewMemberService returns the PostgreSQL member service. idp finds or creates
// sign-in accounts; observer hears of every change after it commits.
func NewMemberService(db *DB, idp tenant.IdentityDirectory, observer tenant.MembershipObserver) *MemberService {
	return &MemberService{db: db, idp: idp, observer: observer}
}

var _ tenant.MemberService = (*MemberService)(nil)

const memberColumns = `m.user_id::text, u.email, m.role, m.created_at`

func scanMember(row pgx.Row) (*tenant.Member, error) {
	var m tenant.Member
	err := row.Scan(&m.UserID, &m.Email, &m.Role, &m.CreatedAt)
	return &m, err
}

// FindMembers lists the org's members by e-mail.
func (s *MemberService) FindMembers(ctx context.Context, f tenant.MemberFilter) ([]*tenant.Member, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var q listQuery
	if f.After != nil {
		q.and("(u.email, m.user_id) > (%s, %s::uuid)", f.After.Email, f.After.UserID)
	}
	sql := q.sql(`select `+memberColumns+` from memberships m join users u on u.id = m.user_id`, "u.email, m.user_id", f.Limit)
	out, err := findRows(ctx, s.db, sql, q.args, scanMember)
	if err != nil {
		return nil, fmt.Errorf("finding members: %w", err)
	}
	return out, nil
}

// FindMemberByID returns one member.
func (s *MemberService) FindMemberByID(ctx context.Context, userID string) (*tenant.Member, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var m *tenant.Member
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		m, err = findMember(ctx, tx, userID, false)
		return err
	})
	return m, err
}

func findMember(ctx context.Context, tx pgx.Tx, userID string, lock bool) (*tenant.Member, error) {
	if !isUUID(userID) {
		return nil, apperr.Errorf(apperr.NotFound, "member not found")
	}
	q := `select ` + memberColumns + ` from memberships m join users u on u.id = m.user_id where m.user_id = $1`
	if lock {
		q += ` for update of m`
	}
	m, err := scanMember(tx.QueryRow(ctx, q, userID))
	if err != nil {
		return nil, convert(err, "member")
	}
	return m, nil
}

// AddMember adds a person by e-mail: their account is attached only when
// no one but the address's owner can be signed into it (see
// tenant.MemberService); otherwise the address is invited, and the invite
// (with its token) returned instead of a member.
func (s *MemberService) AddMember(ctx context.Context, email string, role tenant.Role) (*tenant.Member, *tenant.IssuedInvite, error) {
	if err := tenant.Authorize(ctx, tenant.ManageMembers); err != nil {
		return nil, nil, err
	}
	if !role.Valid() {
		return nil, nil, apperr.Invalidf("role", "must be owner, admin, analyst or viewer")
	}
	if role == tenant.Owner {
		if err := tenant.Authorize(ctx, tenant.ManageOwners); err != nil {
			return nil, nil, err
		}
	}
	email, err := checkEmail(email)
	if err != nil {
		return nil, nil, err
	}
	acct, err := s.idp.FindOrCreateByEmail(ctx, email)
	if err != nil {
		return nil, nil, err
	}
	t, me := caller(ctx)
	if acct.Claimed && !acct.EmailVerified {
		// Whoever signed this account up never proved the address: attaching
		// it would hand them the membership (an account takeover).
		var inv *tenant.IssuedInvite
		err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
			var err error
			inv, err = insertInvite(ctx, tx, t.ID(), email, role, me.ID, tenant.DefaultInviteTTL)
			return err
		})
		return nil, inv, err
	}
	var m *tenant.Member
	err = s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		// The new member's user row is written as that identity, which is
		// what the users table's policy asks.
		if _, err := tx.Exec(ctx, `select set_config('app.firebase_uid', $1, true)`, acct.FirebaseUID); err != nil {
			return err
		}
		var userID string
		if err := tx.QueryRow(ctx, `
			insert into users (firebase_uid, email) values ($1, $2)
			on conflict (firebase_uid) do update set email = excluded.email
			returning id::text`, acct.FirebaseUID, strings.ToLower(acct.Email)).Scan(&userID); err != nil {
			return convert(err, "user")
		}
		if _, err := tx.Exec(ctx, `insert into memberships (org_id, user_id, role) values ($1, $2, $3)`, t.ID(), userID, string(role)); err != nil {
			if apperr.CodeOf(convert(err, "member")) == apperr.Conflict {
				return &apperr.Error{Code: apperr.Conflict, Message: "already a member of this organisation", Fields: []apperr.FieldError{{Field: "email", Reason: "already a member"}}}
			}
			return convert(err, "member")
		}
		var err error
		m, err = findMember(ctx, tx, userID, false)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.changed(ctx, m.UserID)
	return m, nil, nil
}

// UpdateMemberRole changes a member's role.
func (s *MemberService) UpdateMemberRole(ctx context.Context, userID string, role tenant.Role) (*tenant.Member, error) {
	if err := tenant.Authorize(ctx, tenant.ManageMembers); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, apperr.Invalidf("role", "must be owner, admin, analyst or viewer")
	}
	var m *tenant.Member
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if err := lockOwners(ctx, tx); err != nil {
			return err
		}
		cur, err := findMember(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if cur.Role == tenant.Owner || role == tenant.Owner {
			if err := tenant.Authorize(ctx, tenant.ManageOwners); err != nil {
				return err
			}
		}
		if cur.Role == tenant.Owner && role != tenant.Owner {
			if err := otherOwners(ctx, tx, userID, "demoted"); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `update memberships set role = $2, updated_at = now() where user_id = $1`, userID, string(role)); err != nil {
			return convert(err, "member")
		}
		m, err = findMember(ctx, tx, userID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, userID)
	return m, nil
}

// RemoveMember takes a member out of the org. Any member may leave.
func (s *MemberService) RemoveMember(ctx context.Context, userID string) error {
	_, me := caller(ctx)
	self := userID == me.ID
	if !self {
		if err := tenant.Authorize(ctx, tenant.ManageMembers); err != nil {
			return err
		}
	} else if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return err
	}
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if err := lockOwners(ctx, tx); err != nil {
			return err
		}
		cur, err := findMember(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if cur.Role == tenant.Owner {
			if !self {
				if err := tenant.Authorize(ctx, tenant.ManageOwners); err != nil {
					return err
				}
			}
			if err := otherOwners(ctx, tx, userID, "removed"); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `delete from memberships where user_id = $1`, userID)
		return err
	})
	if err != nil {
		return err
	}
	s.changed(ctx, userID)
	return nil
}

// lockOwners locks the org's owner rows, so that two concurrent demotions
// cannot each see the other as the remaining owner.
func lockOwners(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `select 1 from memberships where role = 'owner' for update`)
	return err
}

func otherOwners(ctx context.Context, tx pgx.Tx, userID, verb string) error {
	var n int
	if err := tx.QueryRow(ctx, `select count(*) from memberships where role = 'owner' and user_id <> $1`, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Errorf(apperr.Conflict, "the last owner cannot be %s; make another member owner first", verb)
	}
	return nil
}

func (s *MemberService) changed(ctx context.Context, userID string) {
	if s.observer == nil {
		return
	}
	t, _ := caller(ctx)
	s.observer.MembershipChanged(ctx, t.Org, userID)
}

func checkEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return "", apperr.Invalidf("email", "not a valid e-mail address")
	}
	return email, nil
}
