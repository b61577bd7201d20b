package postgres

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// EntitlementService implements tenant.EntitlementService.
type EntitlementService struct {
	db       *DB
	isPublic func(dataset string) bool
}

// NewEntitlementService returns the service; isPublic says which datasets are
// public marts that entitlements may name.
func NewEntitlementService(db *DB, isPublic func(string) bool) *EntitlementService {
	return &EntitlementService{db: db, isPublic: isPublic}
}

var _ tenant.EntitlementService = (*EntitlementService)(nil)

// FindEntitlements lists the org's public marts.
func (s *EntitlementService) FindEntitlements(ctx context.Context) ([]string, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var out []string
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		m, err := entitlements(ctx, tx)
		for d := range m {
			out = append(out, d)
		}
		return err
	})
	sort.Strings(out)
	return out, err
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
