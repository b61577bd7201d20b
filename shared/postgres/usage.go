package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/tenant"
)

// UsageLog counts queries and bytes processed per org and day in memory and
// adds them to the usage table every second and on Close, so that counting
// costs a query nothing. What a flush cannot write stays counted and is
// written by a later one: nothing counted is dropped while the process
// lives, and Close retries until its context ends.
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
	// released is reserved bytes to release (a settlement that could not
	// be written when its query ended).
	released int64
}

func (d *usageDelta) merge(o usageDelta) {
	d.queries += o.queries
	d.bytes += o.bytes
	d.reports += o.reports
	d.uploads += o.uploads
	d.released += o.released
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
	u.add(usageKey{org: t.Org.ID, day: time.Now().UTC().Format("2006-01-02")}, usageDelta{queries: 1, bytes: bytes})
}

// add counts d for the org and day, to be written by the next flush.
func (u *UsageLog) add(k usageKey, d usageDelta) {
	u.mu.Lock()
	defer u.mu.Unlock()
	p := u.pending[k]
	if p == nil {
		p = &usageDelta{}
		u.pending[k] = p
	}
	p.merge(d)
}

func (u *UsageLog) run() {
	defer close(u.done)
	tick := time.NewTicker(u.every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			u.flush(context.Background()) //nolint:errcheck // logged; kept for the next tick
		case <-u.stop:
			return
		}
	}
}

// Close stops the flusher and writes what is counted, trying again (every
// 100 ms) until it is written or ctx ends; what is still unwritten then is
// logged, entry by entry, and returned as an error.
func (u *UsageLog) Close(ctx context.Context) error {
	close(u.stop)
	select {
	case <-u.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		err := u.flush(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			u.mu.Lock()
			for k, d := range u.pending {
				u.log.Error("usage lost", "org_id", k.org, "day", k.day, "queries", d.queries, "bytes", d.bytes, "released", d.released,
					"reports", d.reports, "uploads", d.uploads)
			}
			u.mu.Unlock()
			return fmt.Errorf("usage not stored: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Flush writes what is counted now. Entries it cannot write stay counted
// for the next flush; the error is the last failure.
func (u *UsageLog) Flush(ctx context.Context) error { return u.flush(ctx) }

func (u *UsageLog) flush(ctx context.Context) error {
	u.mu.Lock()
	batch := u.pending
	u.pending = map[usageKey]*usageDelta{}
	u.mu.Unlock()
	var failed error
	for k, d := range batch {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := u.db.InTenantTx(tenant.With(fctx, tenant.Tenant{Org: tenant.Org{ID: k.org}}), func(tx pgx.Tx) error {
			_, err := tx.Exec(fctx, `
				insert into usage (org_id, day, queries, bytes_processed, reports, uploads) values ($1, $2, $3, $4, $5, $6)
				on conflict (org_id, day) do update set queries = usage.queries + excluded.queries,
				  bytes_processed = usage.bytes_processed + excluded.bytes_processed,
				  reports = usage.reports + excluded.reports, uploads = usage.uploads + excluded.uploads,
				  bytes_reserved = greatest(0, usage.bytes_reserved - $7)`,
				k.org, k.day, d.queries, d.bytes, d.reports, d.uploads, d.released)
			return err
		})
		cancel()
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23503" {
			// The org was deleted, and its usage with it: nothing to charge.
			u.log.Warn("usage of a deleted org not stored", "org_id", k.org, "day", k.day, "queries", d.queries, "bytes", d.bytes)
			continue
		}
		if err != nil {
			u.log.Error("usage not stored yet; kept for the next flush", "error", err.Error(), "org_id", k.org, "day", k.day,
				"queries", d.queries, "bytes", d.bytes)
			u.add(k, *d)
			failed = err
		}
	}
	return failed
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

// UsageHistory reads the tenant's usage per day over the UTC days from..to
// (both included; every day present, zeros where nothing was counted, today
// with what this process has not written yet) and each member's totals over
// the same days from the audit log. Admins read it (the audit permission).
func (s *BudgetService) UsageHistory(ctx context.Context, from, to time.Time) (billing.UsageHistory, error) {
	if err := tenant.Authorize(ctx, tenant.ReadAudit); err != nil {
		return billing.UsageHistory{}, err
	}
	t, _ := tenant.FromContext(ctx)
	from, to = from.UTC().Truncate(24*time.Hour), to.UTC().Truncate(24*time.Hour)
	h := billing.UsageHistory{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Days: []billing.UsageDay{}, Users: []billing.MemberUsage{}}
	counted := map[string]billing.UsageDay{}
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		if counted, err = usageDays(ctx, tx, from, to); err != nil {
			return err
		}
		h.Users, err = memberUsage(ctx, tx, from, to.AddDate(0, 0, 1))
		return err
	})
	if err != nil {
		return billing.UsageHistory{}, fmt.Errorf("reading usage history: %w", err)
	}
	today := s.now().UTC().Format(time.DateOnly)
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		day := counted[d.Format(time.DateOnly)]
		day.Day = d.Format(time.DateOnly)
		if day.Day == today && s.usage != nil {
			q, b := s.usage.unflushed(t.Org.ID, today)
			day.Queries, day.BytesProcessed = day.Queries+q, day.BytesProcessed+b
		}
		h.Days = append(h.Days, day)
	}
	return h, nil
}

// usageDays reads the usage rows of the days from..to, by day.
func usageDays(ctx context.Context, tx pgx.Tx, from, to time.Time) (map[string]billing.UsageDay, error) {
	rows, err := tx.Query(ctx, `select to_char(day, 'YYYY-MM-DD'), queries, bytes_processed, reports, uploads
		from usage where day between $1::date and $2::date`, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	out := map[string]billing.UsageDay{}
	var d billing.UsageDay
	_, err = pgx.ForEachRow(rows, []any{&d.Day, &d.Queries, &d.BytesProcessed, &d.Reports, &d.Uploads}, func() error {
		out[d.Day] = d
		return nil
	})
	return out, err
}

// memberUsage counts each member's successful queries, report orders,
// uploads and requests of any kind in [from, until), busiest first. A
// member who has left keeps the counts, without an e-mail.
func memberUsage(ctx context.Context, tx pgx.Tx, from, until time.Time) ([]billing.MemberUsage, error) {
	rows, err := tx.Query(ctx, `
		select a.user_id::text, coalesce(min(u.email), ''),
		  count(*) filter (where a.action = 'query.run'),
		  count(*) filter (where a.action = 'reports.order'),
		  count(*) filter (where a.action = 'uploads.create'),
		  count(*)
		from audit_log a left join users u on u.id = a.user_id
		where a.at >= $1 and a.at < $2 and a.status < 400 and a.user_id is not null
		group by a.user_id
		order by 3 desc, 6 desc, 2, 1`, from, until)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (billing.MemberUsage, error) {
		var m billing.MemberUsage
		err := r.Scan(&m.UserID, &m.Email, &m.Queries, &m.Reports, &m.Uploads, &m.Actions)
		return m, err
	})
}
