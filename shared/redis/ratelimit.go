package redis

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/tenant"
)

// RateLimiter keeps GCRA budgets in Redis, one per org and one per user
// within the org for each bucket, at the rates of the org's plan. Both are
// decided by one script, in one round trip: the user's budget first, and a
// request refused by either spends nothing of either. Keys carry the org
// id, so no org can spend or read another's budget.
//
// A user who sends requests faster than one per lease period is given
// leases: the script spends several requests of both budgets at once, and
// this instance hands them out from memory until they run out or the lease
// expires. Nothing is admitted that Redis did not grant first, so leases
// never let an org past its plan. An expired lease's unspent requests go
// back to both budgets with the user's next ask; until then they are held
// here, which can refuse the user early on another instance (at most a
// lease's size, for LeaseTTL). A lease takes at most a quarter of what is
// left in either budget, so near the limit every request asks Redis, as
// does a user sending one request at a time; and one lease at a time is
// asked for per user, while the user's other requests wait for it.
type RateLimiter struct {
	rdb   goredis.Scripter
	plans billing.Plans
	scale float64
	now   func() time.Time

	mu     sync.Mutex
	leases map[leaseKey]*lease
}

// LeaseTTL bounds how long an instance may hand out requests Redis
// granted: a lease spent later than that could exceed a burst.
const LeaseTTL = 500 * time.Millisecond

// MaxLease bounds the requests one lease may hold.
const MaxLease = 64

// maxLeases bounds the remembered leases; past it the memory starts over.
const maxLeases = 50_000

type leaseKey struct {
	bucket      ratelimit.Bucket
	org, userID string
}

// lease is what this instance may still admit for one user of one org
// without asking Redis, and what to say about the budget meanwhile.
type lease struct {
	left      int           // granted by Redis, not yet spent here
	expires   time.Time     // after it, left goes back to Redis with the next ask
	asked     time.Time     // when the last grant came
	size      int           // how many the next lease asks for
	ready     chan struct{} // while a lease is asked for; closed when it lands
	limit     int           // of the tighter budget at the grant
	remaining int           // left of it in Redis after the grant
	resetAt   time.Time     // when it is whole again
}

// NewRateLimiter returns a limiter; scale multiplies every plan's rates
// (benchmarks and tests raise it).
func NewRateLimiter(c *Client, plans billing.Plans, scale float64) *RateLimiter {
	if scale <= 0 {
		scale = 1
	}
	return &RateLimiter{rdb: c.rdb, plans: plans, scale: scale, now: time.Now, leases: map[leaseKey]*lease{}}
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

// gcra spends up to ARGV[1] requests at once from every key in KEYS (the
// user's, then the org's; or the org's alone) with the generic cell rate
// algorithm: a key holds its theoretical arrival time (TAT), in seconds
// since an epoch that keeps the numbers small enough for Lua's doubles to
// hold microseconds. ARGV[2] is a refund: requests an expired lease
// charged to every key and never admitted, given back first. ARGV holds
// then, per key, its burst and its emission interval (seconds per
// request). It grants what every key can spare, but no more than a
// quarter of what any has left (at least one), and writes the TATs (the
// refund is written even when it refuses). It returns the grant, then per
// key the requests left after it and the seconds until the key is whole;
// or, when a key refuses, 0, that key's position, the seconds until one
// request fits and until it is whole. (Seconds are strings: Redis would
// truncate Lua numbers to integers.)
var gcra = goredis.NewScript(`
local t = redis.call("TIME")
local now = (tonumber(t[1]) - 1700000000) + tonumber(t[2]) / 1000000
local grant = tonumber(ARGV[1])
local refund = tonumber(ARGV[2])
local tats, fits, refused = {}, {}, nil
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[2 * i + 1])
  local emission = tonumber(ARGV[2 * i + 2])
  local tat = tonumber(redis.call("GET", key))
  if tat then tat = tat - refund * emission end
  if not tat or tat < now then tat = now end
  local fit = math.floor((now - tat) / emission + burst + 1e-9)
  tats[i], fits[i] = tat, fit
  if fit < 1 then
    refused = {0, i, tostring(tat + emission * (1 - burst) - now), tostring(tat - now)}
    break
  end
  grant = math.min(grant, math.max(1, math.floor(fit / 4)))
end
if refused then grant = 0 end
local out = {grant}
for i, key in ipairs(KEYS) do
  if not tats[i] or (refused and refund == 0) then break end
  local new_tat = tats[i] + grant * tonumber(ARGV[2 * i + 2])
  redis.call("SET", key, string.format("%.6f", new_tat), "EX", math.max(1, math.ceil(new_tat - now)))
  table.insert(out, fits[i] - grant)
  table.insert(out, tostring(new_tat - now))
end
return refused or out
`)

// Allow spends one request of the bucket for the tenant and user in ctx from
// the user's budget and the org's: from this instance's lease when it holds
// one, else from Redis. The decision reports the tighter budget.
func (l *RateLimiter) Allow(ctx context.Context, b ratelimit.Bucket) (ratelimit.Decision, error) {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return ratelimit.Decision{}, apperr.Errorf(apperr.Internal, "rate limit without a tenant")
	}
	u, _ := tenant.UserFromContext(ctx)
	k := leaseKey{bucket: b, org: t.Org.ID, userID: u.ID}
	for {
		want, refund := 1, 0
		var asker *lease
		l.mu.Lock()
		if ls := l.leases[k]; ls != nil {
			now := l.now()
			if ls.left > 0 && now.Before(ls.expires) {
				ls.left--
				d := ratelimit.Decision{Allowed: true, Limit: ls.limit, Remaining: ls.remaining + ls.left, Reset: max(0, ls.resetAt.Sub(now)), Window: time.Minute}
				l.mu.Unlock()
				return d, nil
			}
			if ls.ready != nil {
				// Another request is asking for the user's next lease:
				// wait for it rather than ask Redis too.
				ready := ls.ready
				l.mu.Unlock()
				select {
				case <-ready:
					continue
				case <-ctx.Done():
					return ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", ctx.Err())
				}
			}
			// Expired unspent: give them back.
			refund, ls.left = ls.left, 0
			if refund > 0 {
				ls.size = max(1, ls.size/2)
			} else if now.Sub(ls.asked) < LeaseTTL/2 {
				// Spent in less than half its time: ask for more.
				ls.size = min(MaxLease, ls.size*2)
			}
			if ls.size > 1 {
				want, asker = ls.size, ls
				ls.ready = make(chan struct{})
			}
		}
		l.mu.Unlock()
		granted, d, err := l.ask(ctx, t, u, b, want, refund)
		// The requests held here are still the user's to spend.
		d.Remaining += l.remember(k, asker, granted, err, d)
		return d, err
	}
}

// ask runs the script for the tenant's and user's budgets.
func (l *RateLimiter) ask(ctx context.Context, t tenant.Tenant, u tenant.User, b ratelimit.Bucket, want, refund int) (int, ratelimit.Decision, error) {
	p, err := l.plans.FindPlan(ctx, t.Org.Plan)
	if err != nil {
		return 0, ratelimit.Decision{}, err
	}
	orgRate, userRate := p.PerMinute(b)
	var (
		keys   []string
		args   = []any{want, refund}
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
		return 0, ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	granted, d, err := decide(res, limits)
	if err != nil {
		return 0, ratelimit.Decision{}, fmt.Errorf("redis: rate limit: %w", err)
	}
	return granted, d, nil
}

// remember keeps what a grant left for this instance to hand out: granted
// minus the request that asked for it, joined to the requests the user's
// lease still holds, and returns how many it now holds. asker is the lease whose ask this was (nil for a single request): its
// waiters are woken. After an error the user's requests ask one at a time,
// and none waits for another, until Redis answers again.
func (l *RateLimiter) remember(k leaseKey, asker *lease, granted int, err error, d ratelimit.Decision) int {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if asker != nil {
		close(asker.ready)
		asker.ready = nil
	}
	ls := l.leases[k]
	if err != nil || granted == 0 {
		if ls != nil {
			ls.size = 1
			if err != nil {
				ls.asked = time.Time{}
			}
		}
		return 0
	}
	if ls == nil {
		if len(l.leases) >= maxLeases {
			l.leases = map[leaseKey]*lease{}
		}
		ls = &lease{size: 1}
		l.leases[k] = ls
	}
	if !now.Before(ls.expires) {
		ls.left = 0
	}
	ls.left += granted - 1
	ls.asked, ls.expires = now, now.Add(LeaseTTL)
	ls.limit, ls.remaining, ls.resetAt = d.Limit, d.Remaining, now.Add(d.Reset)
	return ls.left
}

// decide reads the script's answer into how many requests were granted and
// the decision for the request that asked: the refusing budget, or else
// the one with less left in Redis.
func decide(res []any, limits []int) (int, ratelimit.Decision, error) {
	bad := fmt.Errorf("unexpected answer %v", res)
	if len(res) == 0 {
		return 0, ratelimit.Decision{}, bad
	}
	granted, ok := res[0].(int64)
	if !ok {
		return 0, ratelimit.Decision{}, bad
	}
	if granted == 0 {
		if len(res) != 4 {
			return 0, ratelimit.Decision{}, bad
		}
		i, ok := res[1].(int64)
		retry, err1 := seconds(res[2])
		reset, err2 := seconds(res[3])
		if !ok || i < 1 || int(i) > len(limits) || err1 != nil || err2 != nil {
			return 0, ratelimit.Decision{}, bad
		}
		return 0, ratelimit.Decision{Limit: limits[i-1], Reset: reset, RetryAfter: retry, Window: time.Minute}, nil
	}
	if len(res) != 1+2*len(limits) {
		return 0, ratelimit.Decision{}, bad
	}
	var d ratelimit.Decision
	for i := range limits {
		left, ok := res[1+2*i].(int64)
		reset, err := seconds(res[2+2*i])
		if !ok || err != nil {
			return 0, ratelimit.Decision{}, bad
		}
		if i == 0 || int(left) < d.Remaining {
			d = ratelimit.Decision{Allowed: true, Limit: limits[i], Remaining: int(left), Reset: reset, Window: time.Minute}
		}
	}
	return int(granted), d, nil
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
