package postgres

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// EntitlementService implements tenant.EntitlementService. Every query
// checks the org's entitlements, so each org's list is remembered in process
// for EntitlementTTL; a change made through this service is seen at once by
// its process, and by other instances within the TTL.
type EntitlementService struct {
	db       *DB
	isPublic func(dataset string) bool

	mu   sync.Mutex
	orgs map[string]orgEntitlements
	// gen counts changes per org, so that a read which began before a
	// change cannot store what it read after the change dropped it.
	gen map[string]uint64
	now func() time.Time
}

type orgEntitlements struct {
	datasets []string
	at       time.Time
}

// EntitlementTTL bounds how long another instance may answer from an org's
// entitlements after they change.
const EntitlementTTL = 5 * time.Second

// NewEntitlementService returns the service; isPublic says which datasets are
// public marts that entitlements may name.
func NewEntitlementService(db *DB, isPublic func(string) bool) *EntitlementService {
	return &EntitlementService{db: db, isPublic: isPublic, orgs: map[string]orgEntitlements{}, gen: map[string]uint64{}, now: time.Now}
}

var _ tenant.EntitlementService = (*EntitlementService)(nil)

// FindEntitlements lists the org's public marts.
func (s *EntitlementService) FindEntitlements(ctx context.Context) ([]string, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	t, _ := tenant.FromContext(ctx)
	org := t.Org.ID
	s.mu.Lock()
	c, ok := s.orgs[org]
	gen := s.gen[org]
	s.mu.Unlock()
	if ok && s.now().Sub(c.at) < EntitlementTTL {
		return slices.Clone(c.datasets), nil
	}
	var out []string
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		m, err := entitlements(ctx, tx)
		for d := range m {
			out = append(out, d)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	s.mu.Lock()
	if s.gen[org] == gen {
		s.orgs[org] = orgEntitlements{datasets: out, at: s.now()}
	}
	s.mu.Unlock()
	return slices.Clone(out), nil
}

// forget drops an org's remembered entitlements.
func (s *EntitlementService) forget(org string) {
	s.mu.Lock()
	delete(s.orgs, org)
	s.gen[org]++
	s.mu.Unlock()
}

// SetEntitlements replaces the org's public marts with datasets.
func (s *EntitlementService) SetEntitlements(ctx context.Context, datasets []string) ([]string, error) {
	if err := tenant.Authorize(ctx, tenant.ManageEntitlements); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	clean := []string{}
	for i, d := range datasets {
		if !s.isPublic(d) {
			return nil, apperr.Invalidf(fmt.Sprintf("datasets[%d]", i), "%q is not a public dataset", d)
		}
		if !seen[d] {
			seen[d] = true
			clean = append(clean, d)
		}
	}
	t, _ := caller(ctx)
	defer s.forget(t.Org.ID)
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `delete from entitlements where dataset <> all($1)`, clean); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `insert into entitlements (org_id, dataset) select $1, unnest($2::text[]) on conflict do nothing`, t.ID(), clean)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("setting entitlements: %w", err)
	}
	sort.Strings(clean)
	return clean, nil
}
