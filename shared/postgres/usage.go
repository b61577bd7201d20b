package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/tenant"
)

// UsageLog counts queries and bytes processed per org and day in memory and
// adds them to the usage table every second and on Close, so that counting
// costs a query nothing.
type UsageLog struct {
	db    *DB
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	pending map[usageKey]*usageDelta
	stop    chan struct{}
	done    chan struct{}
}

type usageKey struct {
	org string
	day string
}

type usageDelta struct {
	queries int64
	bytes   int64
	reports int64
	uploads int64
}

// NewUsageLog starts the flusher.
func NewUsageLog(db *DB, every time.Duration, log *slog.Logger) *UsageLog {
	if every <= 0 {
		every = time.Second
	}
	u := &UsageLog{db: db, log: log, every: every, pending: map[usageKey]*usageDelta{}, stop: make(chan struct{}), done: make(chan struct{})}
	go u.run()
	return u
}

// RecordQuery counts one query of the tenant in ctx.
func (u *UsageLog) RecordQuery(ctx context.Context, bytes int64, cached bool) {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return
	}
	k := usageKey{org: t.Org.ID, day: time.Now().UTC().Format("2006-01-02")}
	u.mu.Lock()
	defer u.mu.Unlock()
	d := u.pending[k]
	if d == nil {
		d = &usageDelta{}
		u.pending[k] = d
	}
	d.queries++
	d.bytes += bytes
}

func (u *UsageLog) run() {
	defer close(u.done)
	tick := time.NewTicker(u.every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			u.flush()
		case <-u.stop:
			u.flush()
			return
		}
	}
}

// Close flushes what is counted.
func (u *UsageLog) Close(ctx context.Context) error {
	close(u.stop)
	select {
	case <-u.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (u *UsageLog) flush() {
	u.mu.Lock()
	batch := u.pending
	u.pending = map[usageKey]*usageDelta{}
	u.mu.Unlock()
	for k, d := range batch {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := u.db.InTenantTx(tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: k.org}}), func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `
				insert into usage (org_id, day, queries, bytes_processed, reports, uploads) values ($1, $2, $3, $4, $5, $6)
				on conflict (org_id, day) do update set queries = usage.queries + excluded.queries,
				  bytes_processed = usage.bytes_processed + excluded.bytes_processed,
				  reports = usage.reports + excluded.reports, uploads = usage.uploads + excluded.uploads`,
				k.org, k.day, d.queries, d.bytes, d.reports, d.uploads)
			return err
		})
		cancel()
		if err != nil {
			u.log.Error("usage not stored", "error", err.Error(), "org_id", k.org, "day", k.day, "queries", d.queries, "bytes", d.bytes)
		}
	}
}

// pendingBytes is what this process counted for an org and day but has not
// written yet.
func (u *UsageLog) pendingBytes(orgID, day string) int64 {
	_, b := u.unflushed(orgID, day)
	return b
}

// unflushed is the queries and bytes counted for an org and day and not
// written yet.
func (u *UsageLog) unflushed(orgID, day string) (queries, bytes int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if d := u.pending[usageKey{org: orgID, day: day}]; d != nil {
		return d.queries, d.bytes
	}
	return 0, 0
}
