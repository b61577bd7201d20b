// Package ratelimit says how fast an org and each of its users may spend
// each bucket of their plan (see package billing): data queries, report
// orders and uploads.
//
// What happens when the store behind the limiter (Redis) is down is part of
// the policy: reads fail open (answered, with a warning and a metric), while
// report orders and uploads fail closed (503), since they start work that
// costs money and cannot be taken back.
package ratelimit

import (
	"context"
	"time"
)

// Bucket is one budget.
type Bucket string

const (
	Queries      Bucket = "queries"
	ReportOrders Bucket = "reports"
	Uploads      Bucket = "uploads"
)

// FailsOpen says whether requests of the bucket are let through when the
// limiter cannot decide.
func (b Bucket) FailsOpen() bool { return b == Queries }

// Decision is the limiter's answer for one request: the tighter of the
// org's and the user's budgets.
type Decision struct {
	Allowed    bool
	Limit      int           // requests per window
	Remaining  int           // left in the window
	Reset      time.Duration // until the budget is whole again
	RetryAfter time.Duration // when not allowed: until one request fits
	Window     time.Duration
}

// Limiter decides for the tenant and user in ctx. An error means it could
// not decide: its store is down, or ctx ended first (then ctx.Err() is set,
// and the request is refused whatever the bucket's policy).
type Limiter interface {
	Allow(ctx context.Context, b Bucket) (Decision, error)
}
