package redis

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/tenant"
)

// onePlan serves the same plan under every id.
type onePlan billing.Plan

func (p onePlan) FindPlan(context.Context, string) (billing.Plan, error) {
	return billing.Plan(p), nil
}

// countingScripter counts the scripts sent to the real Redis behind it.
type countingScripter struct {
	goredis.Scripter
	calls atomic.Int64
}

func (c *countingScripter) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *goredis.Cmd {
	c.calls.Add(1)
	return c.Scripter.EvalSha(ctx, sha, keys, args...)
}

func (c *countingScripter) Eval(ctx context.Context, script string, keys []string, args ...any) *goredis.Cmd {
	c.calls.Add(1)
	return c.Scripter.Eval(ctx, script, keys, args...)
}

// limiter is an instance of the rate limiter on the test's Redis, counting
// its round trips.
func limiter(t *testing.T, c *Client, p billing.Plan) (*RateLimiter, *countingScripter) {
	t.Helper()
	l := NewRateLimiter(c, onePlan(p), 1)
	cs := &countingScripter{Scripter: l.rdb}
	l.rdb = cs
	return l, cs
}

// asUser is a request context of a user in an org, with ids of the test's
// own so that runs never share a budget.
func asUser(t *testing.T, org, user string) context.Context {
	t.Helper()
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	ctx := tenant.With(context.Background(), tenant.Tenant{Org: tenant.Org{ID: org + "-" + suffix, Plan: "p"}, Role: tenant.Viewer})
	return tenant.WithUser(ctx, tenant.User{ID: user + "-" + suffix})
}

// A user sending requests back to back is served from leases: a few round
// trips to Redis for hundreds of requests, each still counted, so the
// remaining budget falls by one a request.
func TestRateLimiterLeasesSpareRoundTrips(t *testing.T) {
	c := testClient(t)
	l, cs := limiter(t, c, billing.Plan{QueriesPerMinute: 100_000, UserQueriesPerMinute: 10_000})
	ctx := asUser(t, "org", "ana")
	const n = 300
	start := time.Now()
	var last ratelimit.Decision
	for i := range n {
		d, err := l.Allow(ctx, ratelimit.Queries)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Allowed || d.Limit != 10_000 {
			t.Fatalf("request %d: %+v, want allowed against the user's 10000", i+1, d)
		}
		last = d
	}
	// 10000 a minute: one request comes back every 6 ms.
	back := int(time.Since(start)/(6*time.Millisecond)) + 1
	if last.Remaining < 10_000-n || last.Remaining > 10_000-n+back {
		t.Errorf("after %d requests %d remain, want %d (+ up to %d come back meanwhile)", n, last.Remaining, 10_000-n, back)
	}
	if calls := cs.calls.Load(); calls > n/10 {
		t.Errorf("%d requests took %d round trips to Redis; leases should need about a dozen", n, calls)
	} else {
		t.Logf("%d requests, %d round trips", n, calls)
	}
}

// Leases never let requests past the budget: two instances spending one
// user's budget at once admit it whole, and no more than comes back while
// they run.
func TestRateLimiterLeasesNeverExceedTheBudget(t *testing.T) {
	c := testClient(t)
	p := billing.Plan{QueriesPerMinute: 4000, UserQueriesPerMinute: 400}
	a, _ := limiter(t, c, p)
	b, _ := limiter(t, c, p)
	ctx := asUser(t, "org", "ana")
	var admitted atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for _, l := range []*RateLimiter{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 400 {
				d, err := l.Allow(ctx, ratelimit.Queries)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// 400 a minute: one comes back every 150 ms.
	back := int64(time.Since(start)/(150*time.Millisecond)) + 1
	if got := admitted.Load(); got < 400 || got > 400+back {
		t.Fatalf("admitted %d of 1600 requests against a budget of 400 (+ up to %d come back meanwhile)", got, back)
	}
	// Spent: both instances now refuse, with the user's figures.
	for _, l := range []*RateLimiter{a, b} {
		d, err := l.Allow(ctx, ratelimit.Queries)
		if err != nil || d.Allowed || d.Limit != 400 || d.RetryAfter <= 0 {
			t.Errorf("after the budget is spent: %+v, %v; want refused against the user's 400 with a retry", d, err)
		}
	}
}

// A lease is spent only by its own user in its own org, and not after
// LeaseTTL: another user, the same user elsewhere and a stale lease all go
// to Redis.
func TestRateLimiterLeasesAreTheUsersAndExpire(t *testing.T) {
	c := testClient(t)
	l, cs := limiter(t, c, billing.Plan{QueriesPerMinute: 100_000, UserQueriesPerMinute: 10_000})
	start, now := time.Now(), time.Now()
	l.now = func() time.Time { return now }
	ana := asUser(t, "org", "ana")
	// Back to back, the leases grow to 1, 2, 4 and 8 (15 requests): after
	// 12, ana's lease holds 3.
	for range 12 {
		if _, err := l.Allow(ana, ratelimit.Queries); err != nil {
			t.Fatal(err)
		}
	}
	if calls := cs.calls.Load(); calls != 4 {
		t.Fatalf("12 requests took %d round trips, want 4 (leases of 1, 2, 4 and 8)", calls)
	}
	// None of those 3 is anyone else's.
	u, _ := tenant.UserFromContext(ana)
	tn, _ := tenant.FromContext(ana)
	others := map[string]context.Context{
		"another user":          asUser(t, "org", "bruno"),
		"ana in another org":    tenant.WithUser(asUser(t, "org2", "x"), u),
		"ana's org without her": tenant.With(context.Background(), tn),
	}
	for name, ctx := range others {
		before := cs.calls.Load()
		if _, err := l.Allow(ctx, ratelimit.Queries); err != nil {
			t.Fatal(err)
		}
		if cs.calls.Load() != before+1 {
			t.Errorf("%s was served from ana's lease", name)
		}
	}
	before := cs.calls.Load()
	if _, err := l.Allow(ana, ratelimit.Queries); err != nil || cs.calls.Load() != before {
		t.Fatalf("ana's own next request went to Redis (%v)", err)
	}
	now = now.Add(LeaseTTL)
	d, err := l.Allow(ana, ratelimit.Queries)
	if err != nil || cs.calls.Load() != before+1 {
		t.Fatalf("a lease past LeaseTTL was spent (%v)", err)
	}
	// The 2 it left unspent went back to ana's budget: 14 requests of hers
	// were admitted, and 14 are gone (10000 a minute: one comes back every
	// 6 ms, and the test's clock stands still for the leases only).
	back := int(time.Since(start)/(6*time.Millisecond)) + 1
	if d.Remaining < 10_000-14 || d.Remaining > 10_000-14+back {
		t.Errorf("after 14 requests %d remain, want %d: an expired lease's requests are given back", d.Remaining, 10_000-14)
	}
}

// Many requests of one user at once ask for one lease at a time, and wait
// for it: what the instance holds beyond what it admitted stays under
// MaxLease, and few requests go to Redis.
func TestRateLimiterAsksForOneLeaseAtATime(t *testing.T) {
	c := testClient(t)
	p := billing.Plan{QueriesPerMinute: 1_000_000, UserQueriesPerMinute: 100_000}
	l, cs := limiter(t, c, p)
	ctx := asUser(t, "org", "ana")
	start := time.Now()
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				if d, err := l.Allow(ctx, ratelimit.Queries); err != nil || !d.Allowed {
					t.Errorf("%+v, %v", d, err)
					return
				}
				admitted.Add(1)
			}
		}()
	}
	wg.Wait()
	// The others wait for the lease being asked for, rather than each ask
	// Redis for one request.
	if calls := cs.calls.Load(); calls > 1280/8 {
		t.Errorf("1280 requests took %d round trips to Redis", calls)
	} else {
		t.Logf("1280 requests, %d round trips", calls)
	}
	// Another instance reads what Redis has charged.
	other, _ := limiter(t, c, p)
	d, err := other.Allow(ctx, ratelimit.Queries)
	if err != nil {
		t.Fatal(err)
	}
	charged := 100_000 - d.Remaining - 1
	// 100000 a minute: one comes back every 0.6 ms.
	back := int(time.Since(start)/(600*time.Microsecond)) + 1
	if held := charged - int(admitted.Load()); held > MaxLease || held < -back {
		t.Fatalf("%d admitted, %d charged to Redis: the instance holds %d, want at most %d", admitted.Load(), charged, held, MaxLease)
	}
}

// heldScripter holds each script until released, after saying it arrived.
type heldScripter struct {
	goredis.Scripter
	arrived chan struct{}
	release chan struct{}
}

func (h *heldScripter) hold() {
	h.arrived <- struct{}{}
	<-h.release
}

func (h *heldScripter) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *goredis.Cmd {
	h.hold()
	return h.Scripter.EvalSha(ctx, sha, keys, args...)
}

func (h *heldScripter) Eval(ctx context.Context, script string, keys []string, args ...any) *goredis.Cmd {
	h.hold()
	return h.Scripter.Eval(ctx, script, keys, args...)
}

// A request waiting for the lease another request of the user is asking
// for returns when its own context ends, with an error that carries the
// context's, so the caller can tell it from Redis failing (which it must
// not treat alike: a caller that gave up is refused, an outage may open the
// gate).
func TestRateLimiterWaitingForALeaseEndsWithItsContext(t *testing.T) {
	c := testClient(t)
	l, _ := limiter(t, c, billing.Plan{QueriesPerMinute: 100_000, UserQueriesPerMinute: 10_000})
	at := time.Now()
	l.now = func() time.Time { return at } // the second ask follows the first at once: a lease
	ctx := asUser(t, "org", "ana")
	if _, err := l.Allow(ctx, ratelimit.Queries); err != nil {
		t.Fatal(err)
	}
	held := &heldScripter{Scripter: l.rdb, arrived: make(chan struct{}), release: make(chan struct{})}
	l.rdb = held
	asker := make(chan error, 1)
	go func() {
		_, err := l.Allow(ctx, ratelimit.Queries)
		asker <- err
	}()
	<-held.arrived // the lease is being asked for
	waiting, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Allow(waiting, ratelimit.Queries); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait for the lease: %v, want context.Canceled", err)
	}
	close(held.release)
	if err := <-asker; err != nil {
		t.Fatalf("the lease's asker: %v", err)
	}
}
