package redis

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/tenant"
)

// RateLimiter keeps GCRA budgets in Redis (redis_rate), one per org and one
// per user within the org for each bucket, at the rates of the org's plan.
// Keys carry the org id, so no org can spend or read another's budget.
type RateLimiter struct {
	rl    *redis_rate.Limiter
	plans ratelimit.Plans
	scale float64
}

// NewRateLimiter returns a limiter; scale multiplies every plan's rates
// (benchmarks and tests raise it).
func NewRateLimiter(c *Client, plans ratelimit.Plans, scale float64) *RateLimiter {
	if scale <= 0 {
		scale = 1
	}
	return &RateLimiter{rl: redis_rate.NewLimiter(c.rdb), plans: plans, scale: scale}
}

func rateKey(b ratelimit.Bucket, orgID, userID string) string {
	if userID == "" {
		return "mirante:rl:" + string(b) + ":" + orgID
	}
	return "mirante:rl:" + string(b) + ":" + orgID + ":u:" + userID
}

func (l *RateLimiter) limit(perMinute int) redis_rate.Limit {
	n := int(math.Max(1, math.Round(float64(perMinute)*l.scale)))
	return redis_rate.Limit{Rate: n, Burst: n, Period: time.Minute}
}

// Allow spends one request of the bucket for the tenant and user in ctx from
// the user's budget and the org's. The decision reports the tighter.
func (l *RateLimiter) Allow(ctx context.Context, b ratelimit.Bucket) (ratelimit.Decision, error) {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return ratelimit.Decision{}, apperr.Errorf(apperr.Internal, "rate limit without a tenant")
	}
	u, _ := tenant.UserFromContext(ctx)
	p, err := l.plans.FindPlan(ctx, t.Org.Plan)
	if err != nil {
		return ratelimit.Decision{}, err
	}
	orgRate, userRate := p.PerMinute(b)
	// The user's budget first: a user refused by their own budget spends
	// nothing of the org's, so one noisy member cannot starve the others.
	var user ratelimit.Decision
	if u.ID != "" {
		r, err := l.rl.Allow(ctx, rateKey(b, t.Org.ID, u.ID), l.limit(userRate))
		if err != nil {
			return ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
		}
		if user = decision(r, l.limit(userRate)); !user.Allowed {
			return user, nil
		}
	}
	r, err := l.rl.Allow(ctx, rateKey(b, t.Org.ID, ""), l.limit(orgRate))
	if err != nil {
		return ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	org := decision(r, l.limit(orgRate))
	if !org.Allowed || u.ID == "" || org.Remaining < user.Remaining {
		return org, nil
	}
	return user, nil
}

func decision(r *redis_rate.Result, lim redis_rate.Limit) ratelimit.Decision {
	d := ratelimit.Decision{Allowed: r.Allowed > 0, Limit: lim.Rate, Remaining: r.Remaining, Reset: r.ResetAfter, Window: lim.Period}
	if !d.Allowed {
		d.RetryAfter = r.RetryAfter
	}
	return d
}
