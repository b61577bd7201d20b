package reports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// DueFinder finds due schedule runs in every org.
type DueFinder interface {
	DueSchedules(ctx context.Context, at time.Time, perOrg int) ([]Due, error)
}

// Enqueuer creates one task per due run, named after it.
type Enqueuer interface {
	Enqueue(ctx context.Context, d Due, traceparent string) (created bool, err error)
}

// TickResult counts what a scheduler tick did.
type TickResult struct {
	Due      int `json:"due"`
	Created  int `json:"created"`
	Existing int `json:"existing"`
	Failed   int `json:"failed"`
}

// Tick enqueues a dispatch task for every due run. Task names are derived from
// the run, so a tick repeated (or two ticks overlapping) creates each task once.
func Tick(ctx context.Context, f DueFinder, e Enqueuer, now time.Time, traceparent string) (TickResult, error) {
	var res TickResult
	due, err := f.DueSchedules(ctx, now, 100)
	if err != nil {
		return res, err
	}
	res.Due = len(due)
	var firstErr error
	for _, d := range due {
		created, err := e.Enqueue(ctx, d, traceparent)
		switch {
		case err != nil:
			res.Failed++
			if firstErr == nil {
				firstErr = err
			}
		case created:
			res.Created++
		default:
			res.Existing++
		}
	}
	return res, firstErr
}

// Tenancy restores the tenant a task names, from PostgreSQL.
type Tenancy interface {
	FindOrgByID(ctx context.Context, orgID string) (tenant.Org, error)
	FindMemberRole(ctx context.Context, userID string) (tenant.Role, error)
}

// ScheduleRunner reads a schedule and moves it past a run.
type ScheduleRunner interface {
	FindScheduleByID(ctx context.Context, id string) (*Schedule, error)
	AdvanceSchedule(ctx context.Context, id string, runAt time.Time) (*Schedule, bool, error)
}

// Dispatcher orders the report of one schedule run.
type Dispatcher struct {
	Tenancy   Tenancy
	Schedules ScheduleRunner
	Reports   Service
}

// DispatchResult says what a run became.
type DispatchResult struct {
	Report  *Report `json:"report,omitempty"`
	Skipped string  `json:"skipped,omitempty"`
}

// Dispatch orders the report of a run, on behalf of the schedule's creator and
// with their current role, then moves the schedule past the run. Both steps
// are idempotent: the report's idempotency key is the run's.
func (d *Dispatcher) Dispatch(ctx context.Context, orgID, scheduleID string, runAt time.Time) (DispatchResult, error) {
	org, err := d.Tenancy.FindOrgByID(ctx, orgID)
	if err != nil {
		return DispatchResult{}, err
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	sc, err := d.Schedules.FindScheduleByID(ctx, scheduleID)
	if err != nil {
		return DispatchResult{}, err
	}
	if !sc.Enabled {
		return DispatchResult{Skipped: "the schedule is disabled"}, nil
	}
	if sc.NextRunAt != nil && sc.NextRunAt.After(runAt) && (sc.LastRunAt == nil || !sc.LastRunAt.Equal(runAt)) {
		return DispatchResult{Skipped: "a stale run"}, nil
	}
	role, err := d.Tenancy.FindMemberRole(ctx, sc.CreatedBy)
	if err != nil || !role.Can(tenant.OrderReports) {
		if _, _, aerr := d.Schedules.AdvanceSchedule(ctx, scheduleID, runAt); aerr != nil {
			return DispatchResult{}, aerr
		}
		return DispatchResult{Skipped: "the schedule's creator may no longer order reports"}, nil
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: org, Role: role})
	ctx = tenant.WithUser(ctx, tenant.User{ID: sc.CreatedBy})
	rep, _, err := d.Reports.OrderReport(ctx, OrderParams{
		Template: sc.Template, Format: sc.Format, ViewID: sc.ViewID, Params: sc.Params,
		IdempotencyKey: RunKey(scheduleID, runAt), ScheduleID: scheduleID, OnBehalfOf: sc.CreatedBy,
	})
	if err != nil {
		if apperr.Is(err, apperr.RateLimited) || apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.NotFound) {
			// Retrying cannot help: record the run as done and say why.
			if _, _, aerr := d.Schedules.AdvanceSchedule(ctx, scheduleID, runAt); aerr != nil {
				return DispatchResult{}, aerr
			}
			return DispatchResult{Skipped: fmt.Sprintf("not ordered: %v", err)}, nil
		}
		return DispatchResult{}, err
	}
	if _, _, err := d.Schedules.AdvanceSchedule(ctx, scheduleID, runAt); err != nil {
		return DispatchResult{}, err
	}
	return DispatchResult{Report: rep}, nil
}

// Idempotency keys live in two namespaces: a client's Idempotency-Key is
// stored under clientKeyPrefix, and the keys the system derives (RunKey)
// never start with it. A client can therefore repeat its own orders but
// never take, or pre-empt, an order of the system's, whatever key it sends.
const (
	clientKeyPrefix = "client:"
	runKeyPrefix    = "schedule:"
)

// RunKey is the idempotency key of a schedule run's report.
func RunKey(scheduleID string, runAt time.Time) string {
	return runKeyPrefix + scheduleID + ":" + strconv.FormatInt(runAt.Unix(), 10)
}

// ManualRunKey is the idempotency key of a schedule's "run now": one per
// client key (one click), a fresh one without.
func ManualRunKey(scheduleID, clientKey string) string {
	if clientKey == "" {
		clientKey = randomKey()
	}
	return runKeyPrefix + scheduleID + ":now:" + clientKey
}

// randomKey is a fresh key of 128 random bits, in hex.
func randomKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// ClientKey is how a client's Idempotency-Key is stored.
func ClientKey(key string) string { return clientKeyPrefix + key }

// IsSystemKey reports whether key is one the system derives (RunKey).
func IsSystemKey(key string) bool { return strings.HasPrefix(key, runKeyPrefix) }
