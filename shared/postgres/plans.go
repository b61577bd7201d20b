package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
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
	plan ratelimit.Plan
	at   time.Time
}

// NewPlanService returns the service.
func NewPlanService(db *DB) *PlanService {
	return &PlanService{db: db, ttl: time.Minute, cache: map[string]cachedPlan{}}
}

// FindPlan returns a plan's limits.
func (s *PlanService) FindPlan(ctx context.Context, id string) (ratelimit.Plan, error) {
	s.mu.Lock()
	c, ok := s.cache[id]
	s.mu.Unlock()
	if ok && time.Since(c.at) < s.ttl {
		return c.plan, nil
	}
	var p ratelimit.Plan
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
// holds and what this process counted but has not flushed yet.
type BudgetService struct {
	db    *DB
	plans *PlanService
	usage *UsageLog
	now   func() time.Time
}

// NewBudgetService returns the service.
func NewBudgetService(db *DB, plans *PlanService, usage *UsageLog) *BudgetService {
	return &BudgetService{db: db, plans: plans, usage: usage, now: time.Now}
}

// ByteBudget returns the tenant's budget for today.
func (s *BudgetService) ByteBudget(ctx context.Context) (ratelimit.ByteBudget, error) {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return ratelimit.ByteBudget{}, apperr.Errorf(apperr.Internal, "byte budget without a tenant")
	}
	p, err := s.plans.FindPlan(ctx, t.Org.Plan)
	if err != nil {
		return ratelimit.ByteBudget{}, err
	}
	now := s.now().UTC()
	day := now.Format("2006-01-02")
	var used int64
	err = s.db.queryTenantRow(ctx, func(r pgx.Row) error {
		err := r.Scan(&used)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	}, `select bytes_processed from usage where day = $1`, day)
	if err != nil {
		return ratelimit.ByteBudget{}, err
	}
	if s.usage != nil {
		used += s.usage.pendingBytes(t.Org.ID, day)
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	return ratelimit.ByteBudget{Daily: p.BytesPerDay, Used: used, MaxPerQuery: p.MaxBytesPerQuery, ResetsAt: midnight}, nil
}

// OrgUsage reads the tenant's usage today against its plan: what the usage
// table holds plus what this process counted and has not written yet.
// Admins read it (the audit permission).
func (s *BudgetService) OrgUsage(ctx context.Context) (ratelimit.Usage, error) {
	if err := tenant.Authorize(ctx, tenant.ReadAudit); err != nil {
		return ratelimit.Usage{}, err
	}
	t, _ := tenant.FromContext(ctx)
	p, err := s.plans.FindPlan(ctx, t.Org.Plan)
	if err != nil {
		return ratelimit.Usage{}, err
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
		return ratelimit.Usage{}, err
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
	return ratelimit.Usage{
		Day: day, Plan: p.ID,
		Queries:        ratelimit.Meter{Used: q},
		BytesProcessed: ratelimit.Meter{Used: b, Limit: p.BytesPerDay},
		Reports:        ratelimit.Meter{Used: r, Limit: int64(p.ReportsPerDay)},
		Uploads:        ratelimit.Meter{Used: u, Limit: int64(p.UploadsPerDay)},
		ResetsAt:       time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC),
		RateLimits:     rates,
	}, nil
}
