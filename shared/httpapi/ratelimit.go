package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/ratelimit"
)

// limited spends one request of the bucket for the tenant and user before h
// runs, and says where the budget stands in RateLimit-* headers. When the
// limiter cannot decide because its store failed, the bucket's policy
// applies: queries go through with a warning, report orders and uploads are
// refused with 503. A request whose own context ended before the limiter
// decided (the client left, its deadline passed, possibly while it waited
// for another request's lease) is never let through: only a store failure
// opens the gate.
func (s *Server) limited(b ratelimit.Bucket, h http.HandlerFunc) http.HandlerFunc {
	if s.Limiter == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		d, err := s.Limiter.Allow(ctx, b)
		if err != nil && ctx.Err() != nil {
			logger(ctx).DebugContext(ctx, "request ended before the rate limiter decided; refused", "bucket", string(b), "error", err.Error())
			Error(w, r, &apperr.Error{Code: apperr.Unavailable,
				Message: "the request ended before its rate limit was decided; try again",
				Details: map[string]any{"retry_after_s": 1}})
			return
		}
		if err != nil {
			if s.OnLimiterDown != nil {
				s.OnLimiterDown(ctx, b)
			}
			if b.FailsOpen() {
				logger(ctx).WarnContext(ctx, "rate limiter unavailable; request allowed", "bucket", string(b), "error", err.Error())
				h(w, r)
				return
			}
			logger(ctx).ErrorContext(ctx, "rate limiter unavailable; request refused", "bucket", string(b), "error", err.Error())
			Error(w, r, &apperr.Error{Code: apperr.Unavailable,
				Message: "rate limiting is unavailable, so " + string(b) + " are refused for now; try again shortly",
				Details: map[string]any{"retry_after_s": 5}})
			return
		}
		hd := w.Header()
		hd.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
		hd.Set("RateLimit-Remaining", strconv.Itoa(max(0, d.Remaining)))
		hd.Set("RateLimit-Reset", strconv.Itoa(seconds(d.Reset)))
		hd.Set("RateLimit-Policy", strconv.Itoa(d.Limit)+";w="+strconv.Itoa(seconds(d.Window)))
		if !d.Allowed {
			if s.OnRateLimited != nil {
				s.OnRateLimited(ctx, b)
			}
			retry := max(1, seconds(d.RetryAfter))
			Error(w, r, &apperr.Error{Code: apperr.RateLimited,
				Message: "too many " + string(b) + " for this organisation's plan; retry in " + strconv.Itoa(retry) + "s",
				Details: map[string]any{"retry_after_s": retry, "bucket": string(b), "limit": d.Limit, "window_s": seconds(d.Window)}})
			return
		}
		h(w, r)
	}
}

// seconds rounds up: a client that waits this long is not refused again.
func seconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
