package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/tenant"
)

// AuditParams tunes the audit writer.
type AuditParams struct {
	FlushEvery time.Duration // how long an entry may wait for company
	Batch      int           // entries per insert
	Buffer     int           // entries queued before Record waits
	Wait       time.Duration // how long Record waits for room before it writes inline
	Log        *slog.Logger
}

// AuditLog stores audit entries in batches off the request path and reads
// them back. It loses nothing: a full queue makes Record write inline, Close
// flushes everything queued, an entry the table refuses is stored on its
// own (degraded if need be) without costing the others theirs, and entries
// that PostgreSQL still refuses are written to the log (all but the
// summary).
//
// Recording appends to a slice under a mutex and wakes the writer only
// when a batch is complete; otherwise the writer's ticker collects what
// waits. Every request records an entry, cached reads included, so
// waking the writer once per entry would cost each request a thread
// hand-off.
type AuditLog struct {
	db *DB
	p  AuditParams

	mu      sync.Mutex
	pending []audit.Entry // recorded, not yet taken by the writer; at most p.Buffer
	closed  bool
	room    chan struct{} // closed (and replaced) whenever the writer takes entries

	full chan struct{} // a batch is complete (capacity 1)
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the writer has flushed and returned
}

var (
	_ audit.Recorder = (*AuditLog)(nil)
	_ audit.Service  = (*AuditLog)(nil)
)

// NewAuditLog starts the writer.
func NewAuditLog(db *DB, p AuditParams) *AuditLog {
	if p.FlushEvery <= 0 {
		p.FlushEvery = 200 * time.Millisecond
	}
	if p.Batch <= 0 {
		p.Batch = 200
	}
	if p.Buffer <= 0 {
		p.Buffer = 50 * p.Batch
	}
	if p.Wait <= 0 {
		p.Wait = 2 * time.Second
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	a := &AuditLog{db: db, p: p, room: make(chan struct{}), full: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go a.run()
	return a
}

// Record queues an entry. When the queue is full (the database is slower
// than the requests for a while) it waits for room, up to Wait, so that the
// requests slow down to the writer's pace: writing each entry inline would
// turn every request into a transaction of its own just when the database
// is busiest. Past Wait, or after Close, it writes the entry inline.
func (a *AuditLog) Record(ctx context.Context, e audit.Entry) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	var timeout <-chan time.Time
	for {
		a.mu.Lock()
		if a.closed {
			a.mu.Unlock()
			break
		}
		if len(a.pending) < a.p.Buffer {
			a.pending = append(a.pending, e)
			if len(a.pending) == a.p.Batch {
				select {
				case a.full <- struct{}{}:
				default: // the writer is already told
				}
			}
			a.mu.Unlock()
			return
		}
		room := a.room
		a.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(a.p.Wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-room:
			continue
		case <-timeout:
		}
		break
	}
	a.write(context.WithoutCancel(ctx), []audit.Entry{e})
}

// Close stops taking entries into the queue and flushes it. Entries recorded
// after Close are written inline.
func (a *AuditLog) Close(ctx context.Context) error {
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.stop)
	}
	a.mu.Unlock()
	select {
	case <-a.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flushing the audit log: %w", ctx.Err())
	}
}

func (a *AuditLog) run() {
	defer close(a.done)
	tick := time.NewTicker(a.p.FlushEvery)
	defer tick.Stop()
	batch := make([]audit.Entry, 0, a.p.Batch)
	for {
		select {
		case <-tick.C:
			a.flush(batch, true)
		case <-a.full:
			a.flush(batch, false)
		case <-a.stop:
			a.flush(batch, true)
			return
		}
	}
}

// flush writes, a batch at a time into batch's array, the entries queued
// when it starts (all) or, woken by a full batch, full batches only.
// Entries that arrive while it writes wait for the next full batch or the
// next tick (at most FlushEvery): a flush that took them as they came
// would write a steady stream as one transaction per handful that arrived
// during the previous one.
func (a *AuditLog) flush(batch []audit.Entry, all bool) {
	a.mu.Lock()
	due := len(a.pending)
	a.mu.Unlock()
	for {
		a.mu.Lock()
		n := min(len(a.pending), a.p.Batch)
		switch {
		case all:
			n = min(n, due)
		case n < a.p.Batch:
			n = 0
		}
		due -= n
		batch = append(batch[:0], a.pending[:n]...)
		a.pending = a.pending[:copy(a.pending, a.pending[n:])]
		if n > 0 {
			close(a.room)
			a.room = make(chan struct{})
		}
		a.mu.Unlock()
		if n == 0 {
			return
		}
		a.write(context.Background(), batch)
	}
}

// write inserts entries, each org's in a transaction of its tenant. An
// entry the table refuses never costs the others theirs: when a batch is
// refused for its data, each entry is inserted alone, and one refused
// alone is stored degraded (see degrade). Only what still fails, or what
// the database would not take after retries (it is down), goes to the log.
func (a *AuditLog) write(ctx context.Context, entries []audit.Entry) {
	byOrg := map[string][]audit.Entry{}
	for _, e := range entries {
		byOrg[e.OrgID] = append(byOrg[e.OrgID], e.Storable())
	}
	for org, es := range byOrg {
		err := a.insertRetrying(ctx, org, es)
		if err != nil && isDataError(err) {
			for _, e := range es {
				a.insertAlone(ctx, org, e)
			}
			continue
		}
		if err != nil {
			for _, e := range es {
				a.logLost(e, err)
			}
		}
	}
}

// insertAlone stores one entry, degraded if the table refuses it whole.
func (a *AuditLog) insertAlone(ctx context.Context, org string, e audit.Entry) {
	err := a.insertRetrying(ctx, org, []audit.Entry{e})
	if err != nil && isDataError(err) {
		err = a.insertRetrying(ctx, org, []audit.Entry{degrade(e)})
	}
	if err != nil {
		a.logLost(e, err)
	}
}

// degrade keeps who did what, where, when and with which outcome, and
// drops the summary, replaced by a note that it could not be kept. (An
// entry whose user no longer exists is not refused: append_audit stores it
// without the user.)
func degrade(e audit.Entry) audit.Entry {
	e.Summary = json.RawMessage(`{"unstorable":true}`)
	return e
}

// isDataError says whether PostgreSQL refused the statement for what it
// carried (a data exception or a constraint), which no retry changes.
func isDataError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23"))
}

// logLost writes what an entry that could not be stored says, except its
// summary, which may hold e-mails and filter values that logs never do.
func (a *AuditLog) logLost(e audit.Entry, err error) {
	a.p.Log.Error("audit entry not stored", "error", err.Error(), "org_id", e.OrgID, "user_id", e.UserID,
		"action", e.Action, "resource", e.Resource, "status", e.Status, "trace_id", e.TraceID, "at", e.At)
}

// insertRetrying inserts es, retrying a few times unless PostgreSQL refused
// their data.
func (a *AuditLog) insertRetrying(ctx context.Context, org string, es []audit.Entry) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 100 * time.Millisecond) // backoff before a retry
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = a.insert(tenant.With(wctx, tenant.Tenant{Org: tenant.Org{ID: org}}), es)
		cancel()
		if err == nil || isDataError(err) {
			return err
		}
	}
	return err
}

// insert stores es, which Storable has made fit the table, in one statement:
// append_audit checks the org and the users once for the batch, and stores
// an entry whose user no longer exists without one.
func (a *AuditLog) insert(ctx context.Context, es []audit.Entry) error {
	n := len(es)
	users, actions, resources, traces := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	summaries := make([]*string, n)
	statuses := make([]int32, n)
	ats := make([]time.Time, n)
	for i, e := range es {
		users[i], actions[i], resources[i], traces[i], statuses[i], ats[i] = e.UserID, e.Action, e.Resource, e.TraceID, int32(e.Status), e.At
		if len(e.Summary) > 0 {
			s := string(e.Summary)
			summaries[i] = &s
		}
	}
	t, _ := tenant.FromContext(ctx)
	return a.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `select append_audit($1::uuid, $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::timestamptz[])`,
			t.ID(), users, actions, resources, summaries, statuses, traces, ats)
		return err
	})
}

// FindEntries reads the org's audit log, newest first.
func (a *AuditLog) FindEntries(ctx context.Context, f audit.Filter) ([]*audit.Entry, error) {
	if err := tenant.Authorize(ctx, tenant.ReadAudit); err != nil {
		return nil, err
	}
	var q listQuery
	if f.UserID != "" {
		if !isUUID(f.UserID) {
			return []*audit.Entry{}, nil
		}
		q.and("user_id = %s::uuid", f.UserID)
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		q.and("starts_with(action, %s)", f.Action)
	case f.Action != "":
		q.and("action = %s", f.Action)
	}
	if !f.From.IsZero() {
		q.and("at >= %s", f.From)
	}
	if !f.To.IsZero() {
		q.and("at < %s", f.To)
	}
	if f.After != nil {
		q.and("(at, id) < (%s, %s)", f.After.At, f.After.ID)
	}
	sql := q.sql(`select id, coalesce(user_id::text, ''), action, resource, summary, status, coalesce(trace_id, ''), at
		from audit_log`, "at desc, id desc", f.Limit)
	out, err := findRows(ctx, a.db, sql, q.args, func(r pgx.Row) (*audit.Entry, error) {
		var e audit.Entry
		err := r.Scan(&e.ID, &e.UserID, &e.Action, &e.Resource, &e.Summary, &e.Status, &e.TraceID, &e.At)
		return &e, err
	})
	if err != nil {
		return nil, fmt.Errorf("finding audit entries: %w", err)
	}
	return out, nil
}
