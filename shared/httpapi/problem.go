// Package httpapi is the REST surface: routing, middleware, JSON and
// problem+json rendering. Handlers are methods on Server, which holds the
// domain services as interfaces and imports no adapter.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/telemetry"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type    string              `json:"type"`
	Title   string              `json:"title"`
	Status  int                 `json:"status"`
	Detail  string              `json:"detail,omitempty"`
	TraceID string              `json:"trace_id,omitempty"`
	Errors  []apperr.FieldError `json:"errors,omitempty"`
	// Extra holds extension members (RFC 9457 section 3.2), such as the bytes
	// left in a budget. They never override the standard members.
	Extra map[string]any `json:"-"`
}

// MarshalJSON writes the standard members and then the extensions.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	base, err := json.Marshal(plain(p))
	if err != nil || len(p.Extra) == 0 {
		return base, err
	}
	m := map[string]any{}
	for k, v := range p.Extra {
		m[k] = v
	}
	var std map[string]any
	if err := json.Unmarshal(base, &std); err != nil {
		return nil, err
	}
	for k, v := range std {
		m[k] = v
	}
	return json.Marshal(m)
}

// StatusClientClosed is logged for requests whose client disconnected
// before the answer (nginx's 499).
const StatusClientClosed = 499

var statusOf = map[apperr.Code]int{
	apperr.Invalid:      http.StatusBadRequest,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Precondition: http.StatusPreconditionFailed,
	apperr.Gone:         http.StatusGone,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.Unsupported:  http.StatusUnsupportedMediaType,
	apperr.RateLimited:  http.StatusTooManyRequests,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.Internal:     http.StatusInternalServerError,
}

// StatusOf returns the HTTP status of err's code.
func StatusOf(err error) int {
	if s, ok := statusOf[apperr.CodeOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error writes err as problem+json. It is the only place where error codes
// become statuses. Uncoded errors are logged in full and shown as "internal
// error"; coded ones show their message, which is written to be safe.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	if errors.Is(ctx.Err(), context.Canceled) {
		// The client went away: nobody reads the answer, and it is not the
		// server's error (no 5xx, no ERROR log for the alerts to count).
		w.WriteHeader(StatusClientClosed)
		return
	}
	status := StatusOf(err)
	p := Problem{Status: status, Title: http.StatusText(status), TraceID: telemetry.TraceID(ctx)}
	code := apperr.CodeOf(err)
	telemetry.ErrorAnswered(ctx, string(code), telemetry.Info(ctx).Route, status)
	p.Type = "urn:mirante:problem:" + strings.ReplaceAll(string(code), "_", "-")
	if e, ok := apperr.As(err); ok && code != apperr.Internal {
		p.Detail = e.Message
		p.Errors = e.Fields
		p.Extra = e.Details
	} else {
		p.Detail = "internal error"
		if !errors.Is(err, context.Canceled) {
			logger(ctx).ErrorContext(ctx, "internal error", "error", err.Error())
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mirante"`)
	}
	if s, ok := p.Extra["retry_after_s"].(int); ok && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
		w.Header().Set("Retry-After", strconv.Itoa(s))
	}
	writeJSON(w, status, "application/problem+json", p)
}

type loggerKey struct{}

func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

func logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
