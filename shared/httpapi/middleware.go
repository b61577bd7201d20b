package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// chain applies middleware so that the first listed runs first.
func chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// statusWriter remembers the status and whether anything was written.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.status, w.written = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverer turns a panic into a logged stack and a problem+json 500.
func recoverer(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw, ok := w.(*statusWriter)
			if !ok {
				sw = &statusWriter{ResponseWriter: w}
			}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !sw.written {
					Error(sw, r, apperr.Errorf(apperr.Internal, "internal error"))
				}
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// traced opens the request's server span (otelhttp), which continues the
// caller's trace when it sends a valid traceparent, and returns the trace id
// in X-Trace-Id. Without telemetry.Setup (some tests) spans are not recorded,
// and the id is the caller's or a fresh one.
func traced(next http.Handler) http.Handler {
	return telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := telemetry.TraceID(r.Context())
		if id == "" {
			id = telemetry.NewTraceID()
			r = r.WithContext(telemetry.WithTraceID(r.Context(), id))
		}
		w.Header().Set("X-Trace-Id", id)
		next.ServeHTTP(w, r)
	}), "api")
}

// accessLog writes one line per request: route pattern, status, latency, and
// the opaque org and user ids. Never a token, an e-mail or a body.
func accessLog(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			info := &telemetry.RequestInfo{}
			ctx := telemetry.WithRequestInfo(withLogger(r.Context(), log), info)
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r.WithContext(ctx))
			status := sw.status
			if !sw.written {
				status = http.StatusOK
			}
			route := info.Route
			if route == "" {
				route = "unmatched"
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			// The span and the duration histogram are named after the route
			// template (no method: the pattern's path), never the raw path.
			httpRoute := route
			if _, path, ok := strings.Cut(route, " "); ok {
				httpRoute = path
			}
			span := trace.SpanFromContext(ctx)
			span.SetName(r.Method + " " + httpRoute)
			span.SetAttributes(attribute.String("http.route", httpRoute), attribute.Int("http.response.status_code", status))
			if info.OrgID != "" {
				span.SetAttributes(attribute.String("mirante.org_id", info.OrgID))
			}
			if status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			elapsed := time.Since(start)
			telemetry.RequestServed(ctx, r.Method, httpRoute, status, elapsed)
			if !log.Enabled(ctx, level) {
				return
			}
			// The record goes to the handler directly: a line whose source
			// is never logged need not pay for finding its caller.
			rec := slog.NewRecord(time.Now(), level, "request", 0)
			rec.AddAttrs(
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
				slog.String("org_id", info.OrgID),
				slog.String("user_id", info.UserID),
			)
			_ = log.Handler().Handle(ctx, rec)
		})
	}
}

// maxTokenBytes bounds the Authorization header we are willing to parse.
const maxTokenBytes = 8 << 10

// authenticate verifies the Firebase ID token and puts the caller's user in
// the context, creating the user row on the first verified request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			Error(w, r, apperr.Errorf(apperr.Unauthorized, "a Bearer token is required"))
			return
		}
		if len(token) > maxTokenBytes {
			Error(w, r, apperr.Errorf(apperr.Unauthorized, "invalid token"))
			return
		}
		id, err := s.Verifier.Verify(ctx, strings.TrimSpace(token))
		if err != nil {
			Error(w, r, err)
			return
		}
		u, err := s.Users.EnsureUser(ctx, id)
		if err != nil {
			Error(w, r, err)
			return
		}
		u.EmailVerified = id.EmailVerified
		telemetry.Info(ctx).UserID = u.ID
		next.ServeHTTP(w, r.WithContext(tenant.WithUser(ctx, u)))
	})
}
