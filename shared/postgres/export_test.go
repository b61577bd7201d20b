package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// SetClock replaces the service's clock, for tests of its memory.
func (s *EntitlementService) SetClock(now func() time.Time) { s.now = now }

// QueryTenantRow is queryTenantRow, for its isolation test.
func (db *DB) QueryTenantRow(ctx context.Context, scan func(pgx.Row) error, sql string, args ...any) error {
	return db.queryTenantRow(ctx, scan, sql, args...)
}

// OrgSetting reads app.org_id on a connection of the pool, outside any
// tenant's transaction.
func (db *DB) OrgSetting(ctx context.Context) (string, error) {
	var s string
	err := db.pool.QueryRow(ctx, `select coalesce(current_setting('app.org_id', true), '')`).Scan(&s)
	return s, err
}

// Queued says how many entries wait in the audit writer's queue, and its
// capacity.
func (a *AuditLog) Queued() (n, capacity int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.pending), a.p.Buffer
}

// FlushQueued writes what the audit writer's queue holds now, as its
// ticker does.
func (a *AuditLog) FlushQueued() { a.flush(nil, true) }

// MigrateUpTo applies the migrations up to and including version, as the
// owner; tests of a migration set up the rows it meets.
func MigrateUpTo(ctx context.Context, ownerURL string, version int64) error {
	p, closeFn, err := provider(ownerURL, nil)
	if err != nil {
		return err
	}
	defer closeFn()
	_, err = p.UpTo(ctx, version)
	return err
}
