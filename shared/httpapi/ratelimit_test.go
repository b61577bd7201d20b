package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/tenant"
)

// onePlan serves the same plan under every id.
type onePlan billing.Plan

func (p onePlan) FindPlan(context.Context, string) (billing.Plan, error) {
	return billing.Plan(p), nil
}

// limiterOn is the Redis rate limiter on the test's Redis, or on url.
func limiterOn(t *testing.T, url string) *redis.RateLimiter {
	t.Helper()
	if url == "" {
		if url = os.Getenv("TEST_REDIS_URL"); url == "" {
			url = "redis://127.0.0.1:6379"
		}
	}
	c, err := redis.New(redis.Config{URL: url, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	p := billing.Plan{QueriesPerMinute: 1000, UserQueriesPerMinute: 1000, ReportOrdersPerMinute: 1000, UserReportOrdersPerMinute: 1000}
	return redis.NewRateLimiter(c, onePlan(p), 1)
}

// A query whose request ends before the limiter decides is refused, like an
// order: the caller's cancellation or deadline is not the limiter's outage.
// Only a Redis failure lets a query through undecided.
func TestLimitedFailsClosedWhenTheCallerGivesUp(t *testing.T) {
	up := limiterOn(t, "")
	down := limiterOn(t, "redis://127.0.0.1:1")
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	cases := []struct {
		name       string
		limiter    ratelimit.Limiter
		bucket     ratelimit.Bucket
		ctx        func() (context.Context, context.CancelFunc)
		wantRun    bool
		wantStatus int
	}{
		{"decided", up, ratelimit.Queries, live, true, http.StatusOK},
		{"redis down, query", down, ratelimit.Queries, live, true, http.StatusOK},
		{"redis down, order", down, ratelimit.ReportOrders, live, false, http.StatusServiceUnavailable},
		{"cancelled, query", up, ratelimit.Queries, cancelled, false, StatusClientClosed},
		{"past its deadline, query", up, ratelimit.Queries, expired, false, http.StatusServiceUnavailable},
		{"cancelled, redis down, query", down, ratelimit.Queries, cancelled, false, StatusClientClosed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var downs int
			s := &Server{Limiter: tc.limiter, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				OnLimiterDown: func(context.Context, ratelimit.Bucket) { downs++ }}
			ran := false
			h := s.limited(tc.bucket, func(w http.ResponseWriter, r *http.Request) {
				ran = true
				w.WriteHeader(http.StatusOK)
			})
			ctx, cancel := tc.ctx()
			defer cancel()
			ctx = tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: "org-" + suffix, Plan: "p"}, Role: tenant.Analyst})
			ctx = tenant.WithUser(ctx, tenant.User{ID: "user-" + suffix})
			rec := httptest.NewRecorder()
			h(rec, httptest.NewRequest(http.MethodPost, "/v1/orgs/x/query", nil).WithContext(ctx))
			if ran != tc.wantRun || rec.Code != tc.wantStatus {
				t.Fatalf("handler ran %v with status %d, want ran %v with %d (%s)", ran, rec.Code, tc.wantRun, tc.wantStatus, rec.Body)
			}
			if tc.limiter == up && downs != 0 {
				t.Errorf("the caller's cancellation counted as the limiter being down")
			}
		})
	}
}

func live() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }

func cancelled() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}

func expired() (context.Context, context.CancelFunc) {
	return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
}
