package redis

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/tenant"
)

// RateLimiter keeps GCRA budgets in Redis, one per org and one per user
// within the org for each bucket, at the rates of the org's plan. Both are
// decided by one script, in one round trip: the user's budget first, and a
// request refused by either spends nothing of either. Keys carry the org
// id, so no org can spend or read another's budget.
type RateLimiter struct {
	rdb   goredis.Scripter
	plans ratelimit.Plans
	scale float64
}

// NewRateLimiter returns a limiter; scale multiplies every plan's rates
// (benchmarks and tests raise it).
func NewRateLimiter(c *Client, plans ratelimit.Plans, scale float64) *RateLimiter {
	if scale <= 0 {
		scale = 1
	}
	return &RateLimiter{rdb: c.rdb, plans: plans, scale: scale}
}

// rateKey names a budget. (rl2: the TATs of this script's epoch; keys of
// the earlier library's expire on their own.)
func rateKey(b ratelimit.Bucket, orgID, userID string) string {
	if userID == "" {
		return "mirante:rl2:" + string(b) + ":" + orgID
	}
	return "mirante:rl2:" + string(b) + ":" + orgID + ":u:" + userID
}

// perWindow is a plan's rate scaled, at least 1.
func (l *RateLimiter) perWindow(perMinute int) int {
	return int(math.Max(1, math.Round(float64(perMinute)*l.scale)))
}

// gcra decides for each key in KEYS (the user's, then the org's; or the
// org's alone) with the generic cell rate algorithm: a key holds its
// theoretical arrival time (TAT), in seconds since an epoch that keeps the
// numbers small enough for Lua's doubles to hold microseconds. ARGV holds,
// per key, its burst and its emission interval (seconds per request). The
// TATs are written only when every key allows the request. It returns, per
// key: allowed (0/1), remaining, retry-after and reset-after in seconds
// (as strings: Redis would truncate Lua numbers to integers).
var gcra = goredis.NewScript(`
local t = redis.call("TIME")
local now = (tonumber(t[1]) - 1700000000) + tonumber(t[2]) / 1000000
local out, writes = {}, {}
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[2 * i - 1])
  local emission = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call("GET", key))
  if not tat or tat < now then tat = now end
  local new_tat = tat + emission
  local diff = now - (new_tat - emission * burst)
  local remaining = math.floor(diff / emission + 1e-9)
  if remaining < 0 then
    for _, v in ipairs({0, 0, tostring(-diff), tostring(tat - now)}) do table.insert(out, v) end
    return out
  end
  for _, v in ipairs({1, remaining, "-1", tostring(new_tat - now)}) do table.insert(out, v) end
  table.insert(writes, {key, new_tat, math.ceil(new_tat - now)})
end
for _, w in ipairs(writes) do
  redis.call("SET", w[1], string.format("%.6f", w[2]), "EX", math.max(1, w[3]))
end
return out
`)

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
	var (
		keys   []string
		args   []any
		limits []int
	)
	add := func(key string, perMinute int) {
		n := l.perWindow(perMinute)
		keys, limits = append(keys, key), append(limits, n)
		args = append(args, n, time.Minute.Seconds()/float64(n))
	}
	if u.ID != "" {
		add(rateKey(b, t.Org.ID, u.ID), userRate)
	}
	add(rateKey(b, t.Org.ID, ""), orgRate)
	res, err := gcra.Run(ctx, l.rdb, keys, args...).Slice()
	if err != nil {
		return ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	ds, err := decisions(res, limits)
	if err != nil {
		return ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	// The refusing budget, or else the one with less left.
	last := ds[len(ds)-1]
	if !last.Allowed {
		return last, nil
	}
	tight := ds[0]
	for _, d := range ds[1:] {
		if d.Remaining < tight.Remaining {
			tight = d
		}
	}
	return tight, nil
}

// decisions reads the script's answer: four values per key decided (the
// script stops at the first refusal).
func decisions(res []any, limits []int) ([]ratelimit.Decision, error) {
	if len(res) == 0 || len(res)%4 != 0 || len(res)/4 > len(limits) {
		return nil, fmt.Errorf("unexpected answer %v", res)
	}
	var out []ratelimit.Decision
	for i := 0; i < len(res); i += 4 {
		allowed, ok1 := res[i].(int64)
		remaining, ok2 := res[i+1].(int64)
		retry, err1 := seconds(res[i+2])
		reset, err2 := seconds(res[i+3])
		if !ok1 || !ok2 || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("unexpected answer %v", res)
		}
		d := ratelimit.Decision{Allowed: allowed == 1, Limit: limits[i/4], Remaining: int(remaining), Reset: reset, Window: time.Minute}
		if !d.Allowed {
			d.RetryAfter = retry
		}
		out = append(out, d)
	}
	return out, nil
}

func seconds(v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("not a string: %v", v)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	return time.Duration(f * float64(time.Second)), nil
}
