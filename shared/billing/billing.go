// Package billing holds what an org's plan allows and what it has spent:
// plans with their per-minute rates and daily quotas, the daily BigQuery
// byte budget and its reservations, and usage per day and per member.
// Package ratelimit enforces the rates; the adapters (postgres, redis)
// store the rest.
package billing

import (
	"context"
	"time"

	"github.com/mirante/mirante/shared/ratelimit"
)

// Plan holds a plan's limits.
type Plan struct {
	ID                        string
	QueriesPerMinute          int
	UserQueriesPerMinute      int
	ReportOrdersPerMinute     int
	UserReportOrdersPerMinute int
	UploadsPerMinute          int
	UserUploadsPerMinute      int
	ReportsPerDay             int
	UploadsPerDay             int
	BytesPerDay               int64
	MaxBytesPerQuery          int64
}

// PerMinute returns the org's and each user's rate for a bucket.
func (p Plan) PerMinute(b ratelimit.Bucket) (org, user int) {
	switch b {
	case ratelimit.ReportOrders:
		return p.ReportOrdersPerMinute, p.UserReportOrdersPerMinute
	case ratelimit.Uploads:
		return p.UploadsPerMinute, p.UserUploadsPerMinute
	}
	return p.QueriesPerMinute, p.UserQueriesPerMinute
}

// Plans reads plans by id.
type Plans interface {
	FindPlan(ctx context.Context, id string) (Plan, error)
}

// ByteBudget is the state of an org's daily BigQuery byte budget.
type ByteBudget struct {
	Daily       int64
	Used        int64
	MaxPerQuery int64
	ResetsAt    time.Time
}

// Left is what remains of the day's budget (never negative).
func (b ByteBudget) Left() int64 { return max(0, b.Daily-b.Used) }

// ByteBudgets reads the budget of the tenant in ctx, and holds bytes of it
// for the queries that run.
type ByteBudgets interface {
	ByteBudget(ctx context.Context) (ByteBudget, error)
	// ReserveBytes holds n bytes of the tenant's budget for today if that
	// many are left, atomically with every other reservation of the org,
	// and returns the budget as it stood before: ok is false, and nothing
	// is held, when fewer are left.
	ReserveBytes(ctx context.Context, n int64) (r ByteReservation, before ByteBudget, ok bool, err error)
	// SettleBytes ends a reservation: its bytes are released and billed
	// counted in their place. It does not fail: what it cannot write now
	// is written later.
	SettleBytes(ctx context.Context, r ByteReservation, billed int64)
}

// ByteReservation is bytes of one org's budget for one day held for a
// query while it runs.
type ByteReservation struct {
	OrgID string
	Day   string // UTC, 2006-01-02
	Bytes int64
}

// Meter is one counted resource of a day against its limit (0: none).
type Meter struct {
	Used  int64 `json:"used"`
	Limit int64 `json:"limit,omitempty"`
}

// Usage is an org's consumption today (UTC) against its plan.
type Usage struct {
	Day            string    `json:"day"`
	Plan           string    `json:"plan"`
	Queries        Meter     `json:"queries"`
	BytesProcessed Meter     `json:"bytes_processed"`
	Reports        Meter     `json:"reports"`
	Uploads        Meter     `json:"uploads"`
	ResetsAt       time.Time `json:"resets_at"`
	// RateLimits are the plan's per-minute rates, org and user.
	RateLimits map[string]map[string]int `json:"rate_limits"`
}

// UsageReader reads the usage of the tenant in ctx.
type UsageReader interface {
	OrgUsage(ctx context.Context) (Usage, error)
	// UsageHistory reads the tenant's usage per day and per member over
	// the UTC days from..to, both included.
	UsageHistory(ctx context.Context, from, to time.Time) (UsageHistory, error)
}

// UsageDay is what an org consumed on one UTC day.
type UsageDay struct {
	Day            string `json:"day"`
	Queries        int64  `json:"queries"`
	BytesProcessed int64  `json:"bytes_processed"`
	Reports        int64  `json:"reports"`
	Uploads        int64  `json:"uploads"`
}

// MemberUsage is what one member did over a period, counted from the org's
// audit log (requests that succeeded).
type MemberUsage struct {
	UserID  string `json:"user_id"`
	Email   string `json:"email,omitempty"`
	Queries int64  `json:"queries"`
	Reports int64  `json:"reports"`
	Uploads int64  `json:"uploads"`
	Actions int64  `json:"actions"`
}

// UsageHistory is an org's usage over a period of UTC days: every day of
// it (days with nothing counted included, as zeros) and each member's totals.
type UsageHistory struct {
	From  string        `json:"from"`
	To    string        `json:"to"`
	Days  []UsageDay    `json:"days"`
	Users []MemberUsage `json:"users"`
}
