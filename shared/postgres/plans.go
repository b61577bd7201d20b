package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/tenant"
)

// PlanService reads plans, remembering each for a minute: plans change by
// migration or by hand, and every limited request needs one.
type PlanService struct {
	db  *DB
	ttl time.Duration

	mu    sync.Mutex
	cache map[string]cachedPlan
}

type cachedPlan struct {
	plan billing.Plan
	at   time.Time
}

// NewPlanService returns the service.
func NewPlanService(db *DB) *PlanService {
	return &PlanService{db: db, ttl: time.Minute, cache: map[string]cachedPlan{}}
}

// FindPlan returns a plan's limits.
func (s *PlanService) FindPlan(ctx context.Context, id string) (billing.Plan, error) {
	s.mu.Lock()
	c, ok := s.cache[id]
	s.mu.Unlock()
	if ok && time.Since(c.at) < s.ttl {
		return c.plan, nil
	}
	var p billing.Plan
	err := s.db.pool.QueryRow(ctx, `
		select id, queries_per_minute, user_queries_per_minute, report_orders_per_minute, user_report_orders_per_minute,
		  uploads_per_minute, user_uploads_per_minute, reports_per_day, uploads_per_day, bytes_per_day, max_bytes_per_query
		from plans where id = $1`, id).
		Scan(&p.ID, &p.QueriesPerMinute, &p.UserQueriesPerMinute, &p.ReportOrdersPerMinute, &p.UserReportOrdersPerMinute,
			&p.UploadsPerMinute, &p.UserUploadsPerMinute, &p.ReportsPerDay, &p.UploadsPerDay, &p.BytesPerDay, &p.MaxBytesPerQuery)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, apperr.Errorf(apperr.Internal, "plan %q does not exist", id)
	}
	if err != nil {
		return p, err
	}
	s.mu.Lock()
	s.cache[id] = cachedPlan{plan: p, at: time.Now()}
	s.mu.Unlock()
	return p, nil
}

// BudgetService tells how many BigQuery bytes the tenant in ctx may still
// process today (UTC): its plan's daily budget less what the usage table
// holds as processed and as reserved by running queries, and what this
// process counted but has not flushed yet. It reserves a query's estimate
// before the query runs and settles it to the billed bytes after.
type BudgetService struct {
	db    *DB
	plans *PlanService
	usage *UsageLog
	now   func() time.Time
}

// NewBudgetService returns the service. Settlements it cannot write go to
// usage, which retries them; with a nil usage they are only logged.
func NewBudgetService(db *DB, plans *PlanService, usage *UsageLog) *BudgetService {
	return &BudgetService{db: db, plans: plans, usage: usage, now: time.Now}
}

// today is the tenant's plan, the UTC day and the midnight it resets at.
func (s *BudgetService) today(ctx context.Context) (tenant.Tenant, billing.Plan, string, time.Time, error) {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return t, billing.Plan{}, "", time.Time{}, apperr.Errorf(apperr.Internal, "byte budget without a tenant")
	}
	p, err := s.plans.FindPlan(ctx, t.Org.Plan)
	if err != nil {
		return t, p, "", time.Time{}, err
	}
	now := s.now().UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	return t, p, now.Format("2006-01-02"), midnight, nil
}

// ByteBudget returns the tenant's budget for today.
func (s *BudgetService) ByteBudget(ctx context.Context) (billing.ByteBudget, error) {
	t, p, day, midnight, err := s.today(ctx)
	if err != nil {
		return billing.ByteBudget{}, err
	}
	var used int64
	err = s.db.queryTenantRow(ctx, func(r pgx.Row) error {
		err := r.Scan(&used)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	}, `select bytes_processed + bytes_reserved from usage where day = $1`, day)
	if err != nil {
		return billing.ByteBudget{}, err
	}
	if s.usage != nil {
		used += s.usage.pendingBytes(t.Org.ID, day)
	}
	return billing.ByteBudget{Daily: p.BytesPerDay, Used: used, MaxPerQuery: p.MaxBytesPerQuery, ResetsAt: midnight}, nil
}

// ReserveBytes holds n bytes of the tenant's budget for today. One
// statement checks and reserves: the upsert locks the org's usage row, so
// concurrent reservations (from any process) wait for each other and each
// sees what the ones before it hold; together they never hold more than
// the plan's bytes_per_day less what was processed.
func (s *BudgetService) ReserveBytes(ctx context.Context, n int64) (billing.ByteReservation, billing.ByteBudget, bool, error) {
	t, p, day, midnight, err := s.today(ctx)
	if err != nil {
		return billing.ByteReservation{}, billing.ByteBudget{}, false, err
	}
	var pending int64
	if s.usage != nil {
		pending = s.usage.pendingBytes(t.Org.ID, day)
	}
	b := billing.ByteBudget{Daily: p.BytesPerDay, MaxPerQuery: p.MaxBytesPerQuery, ResetsAt: midnight}
	ok := false
	err = s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var held int64
		err := tx.QueryRow(ctx, `
			insert into usage (org_id, day, bytes_reserved) select $1, $2, $3::bigint where $3::bigint + $4::bigint <= $5::bigint
			on conflict (org_id, day) do update set bytes_reserved = usage.bytes_reserved + excluded.bytes_reserved
			  where usage.bytes_processed + usage.bytes_reserved + $3::bigint + $4::bigint <= $5::bigint
			returning bytes_processed + bytes_reserved - $3::bigint`, t.Org.ID, day, n, pending, p.BytesPerDay).Scan(&held)
		if err == nil {
			ok, b.Used = true, held+pending
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		err = tx.QueryRow(ctx, `select coalesce((select bytes_processed + bytes_reserved from usage where org_id = $1 and day = $2), 0)`, t.Org.ID, day).Scan(&held)
		b.Used = held + pending
		return err
	})
	if err != nil {
		return billing.ByteReservation{}, billing.ByteBudget{}, false, fmt.Errorf("reserving bytes: %w", err)
	}
	if !ok {
		return billing.ByteReservation{}, b, false, nil
	}
	return billing.ByteReservation{OrgID: t.Org.ID, Day: day, Bytes: n}, b, true, nil
}

// SettleBytes releases a reservation and counts the bytes billed in its
// place, in one update; if that fails, the usage log writes it with its
// next flush, and retries until it is written.
func (s *BudgetService) SettleBytes(ctx context.Context, r billing.ByteReservation, billed int64) {
	ctx = tenant.With(context.WithoutCancel(ctx), tenant.Tenant{Org: tenant.Org{ID: r.OrgID}})
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `update usage set bytes_reserved = greatest(0, bytes_reserved - $3), bytes_processed = bytes_processed + $4
			where org_id = $1 and day = $2`, r.OrgID, r.Day, r.Bytes, billed)
		return err
	})
	if err == nil {
		return
	}
	if s.usage == nil {
		slog.ErrorContext(ctx, "usage not stored", "error", err.Error(), "org_id", r.OrgID, "day", r.Day, "bytes", billed, "released", r.Bytes)
		return
	}
	s.usage.add(usageKey{org: r.OrgID, day: r.Day}, usageDelta{bytes: billed, released: r.Bytes})
}

// OrgUsage reads the tenant's usage today against its plan: what the usage
// table holds plus what this process counted and has not written yet.
// Admins read it (the audit permission).
func (s *BudgetService) OrgUsage(ctx context.Context) (billing.Usage, error) {
	if err := tenant.Authorize(ctx, tenant.ReadAudit); err != nil {
		return billing.Usage{}, err
	}
	t, _ := tenant.FromContext(ctx)
	p, err := s.plans.FindPlan(ctx, t.Org.Plan)
	if err != nil {
		return billing.Usage{}, err
	}
	now := s.now().UTC()
	day := now.Format("2006-01-02")
	var q, b, r, u int64
	err = s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `select queries, bytes_processed, reports, uploads from usage where day = $1`, day).Scan(&q, &b, &r, &u)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return billing.Usage{}, err
	}
	if s.usage != nil {
		pq, pb := s.usage.unflushed(t.Org.ID, day)
		q, b = q+pq, b+pb
	}
	rates := map[string]map[string]int{}
	for _, bk := range []ratelimit.Bucket{ratelimit.Queries, ratelimit.ReportOrders, ratelimit.Uploads} {
		o, us := p.PerMinute(bk)
		rates[string(bk)] = map[string]int{"org_per_minute": o, "user_per_minute": us}
	}
	return billing.Usage{
		Day: day, Plan: p.ID,
		Queries:        billing.Meter{Used: q},
		BytesProcessed: billing.Meter{Used: b, Limit: p.BytesPerDay},
		Reports:        billing.Meter{Used: r, Limit: int64(p.ReportsPerDay)},
		Uploads:        billing.Meter{Used: u, Limit: int64(p.UploadsPerDay)},
		ResetsAt:       time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC),
		RateLimits:     rates,
	}, nil
}
