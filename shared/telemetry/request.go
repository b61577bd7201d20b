package telemetry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

type ctxKey int

const (
	traceKey ctxKey = iota
	infoKey
)

var traceparent = regexp.MustCompile(`^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$`)

// TraceIDFromTraceparent returns the trace id of a W3C traceparent header, or
// "" when the header is absent or malformed (all-zero ids are invalid).
func TraceIDFromTraceparent(h string) string {
	m := traceparent.FindStringSubmatch(h)
	if m == nil || m[1] == "00000000000000000000000000000000" || m[2] == "0000000000000000" {
		return ""
	}
	return m[1]
}

// NewTraceID returns a random 16-byte trace id in hex.
func NewTraceID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// WithTraceID returns ctx carrying the request's trace id.
func WithTraceID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, traceKey, id)
}

// TraceID returns the trace id of ctx's span, else the one WithTraceID put
// there, or "".
func TraceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		return sc.TraceID().String()
	}
	id, _ := ctx.Value(traceKey).(string)
	return id
}

// RequestInfo collects what the inner layers learn about a request (its route
// pattern, org and user) for the access log written by the outer layer.
type RequestInfo struct {
	Route  string
	OrgID  string
	UserID string
}

// WithRequestInfo returns ctx carrying info, which inner layers fill in.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, infoKey, info)
}

// Info returns the request's info, or a throwaway one so callers need not check.
func Info(ctx context.Context) *RequestInfo {
	if i, ok := ctx.Value(infoKey).(*RequestInfo); ok {
		return i
	}
	return &RequestInfo{}
}

// Traceparent returns a W3C traceparent for an outgoing message or task that
// continues the request's trace, or "" outside a request.
func Traceparent(ctx context.Context) string {
	if trace.SpanContextFromContext(ctx).IsValid() {
		c := propagation.MapCarrier{}
		propagation.TraceContext{}.Inject(ctx, c)
		return c["traceparent"]
	}
	id := TraceID(ctx)
	if id == "" {
		return ""
	}
	span := make([]byte, 8)
	if _, err := rand.Read(span); err != nil {
		panic(err)
	}
	return "00-" + id + "-" + hex.EncodeToString(span) + "-01"
}
