package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/tenant"
)

// UserService implements tenant.UserService. Every authenticated request
// needs its user row, which changes only when Firebase's e-mail does, so
// rows are remembered in process for a minute per Firebase uid and e-mail:
// an e-mail change is a miss and reaches the table at once.
type UserService struct {
	db  *DB
	ttl time.Duration

	mu   sync.Mutex
	seen map[string]seenUser
}

type seenUser struct {
	user tenant.User
	at   time.Time
}

// userCacheSize bounds the remembered rows; past it the memory starts over.
const userCacheSize = 100_000

// NewUserService returns the PostgreSQL user service.
func NewUserService(db *DB) *UserService {
	return &UserService{db: db, ttl: time.Minute, seen: map[string]seenUser{}}
}

var _ tenant.UserService = (*UserService)(nil)

// EnsureUser finds the user of a verified identity, creating it on first sight
// and following an e-mail change made in Firebase.
func (s *UserService) EnsureUser(ctx context.Context, id tenant.Identity) (tenant.User, error) {
	email := strings.ToLower(strings.TrimSpace(id.Email))
	s.mu.Lock()
	c, ok := s.seen[id.FirebaseUID]
	s.mu.Unlock()
	if ok && c.user.Email == email && time.Since(c.at) < s.ttl {
		return c.user, nil
	}
	var u tenant.User
	err := s.db.inIdentityTx(ctx, id.FirebaseUID, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			insert into users (firebase_uid, email) values ($1, $2)
			on conflict (firebase_uid) do update set email = excluded.email
			  where users.email is distinct from excluded.email
			returning id::text, firebase_uid, email, locale`, id.FirebaseUID, email).
			Scan(&u.ID, &u.FirebaseUID, &u.Email, &u.Locale)
		if errors.Is(err, pgx.ErrNoRows) {
			// The row exists and nothing changed.
			err = tx.QueryRow(ctx, `select id::text, firebase_uid, email, locale from users where firebase_uid = $1`, id.FirebaseUID).
				Scan(&u.ID, &u.FirebaseUID, &u.Email, &u.Locale)
		}
		return err
	})
	if err != nil {
		return tenant.User{}, convert(err, "user")
	}
	s.mu.Lock()
	if len(s.seen) >= userCacheSize {
		s.seen = map[string]seenUser{}
	}
	s.seen[id.FirebaseUID] = seenUser{user: u, at: time.Now()}
	s.mu.Unlock()
	return u, nil
}

// FindMemberships lists the orgs of the user in ctx, ordered by slug.
func (s *UserService) FindMemberships(ctx context.Context) ([]tenant.Membership, error) {
	var out []tenant.Membership
	err := s.db.InUserTx(ctx, func(tx pgx.Tx) error {
		u, _ := tenant.UserFromContext(ctx)
		rows, err := tx.Query(ctx, `
			select o.id::text, o.slug, o.name, o.plan, o.isolation, coalesce(o.warehouse_dataset, ''), m.role
			from memberships m join orgs o on o.id = m.org_id
			where m.user_id = $1
			order by o.slug`, u.ID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (tenant.Membership, error) {
			var m tenant.Membership
			err := r.Scan(&m.Org.ID, &m.Org.Slug, &m.Org.Name, &m.Org.Plan, &m.Org.Isolation, &m.Org.Dataset, &m.Role)
			return m, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("finding memberships: %w", err)
	}
	return out, nil
}
