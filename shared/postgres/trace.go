package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/telemetry"
)

// queryTracer gives every statement a client span under the caller's span.
// The span carries the SQL text (parameters are bound, so it holds no
// values) and the number of rows affected, never the arguments.
type queryTracer struct{}

type spanEnd struct{}

// maxStatement bounds the SQL kept on a span.
const maxStatement = 2000

func (queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		// Background work (the audit and usage flushers, pool health checks)
		// would make a root trace of every statement; only requests, jobs and
		// messages are traced.
		return ctx
	}
	return startSpan(ctx, "pg "+operation(d.SQL), d.SQL)
}

// startSpan starts a statement's (or a batch's) client span with its text,
// bounded, and keeps its end in the context for the matching Trace…End.
func startSpan(ctx context.Context, name, text string, attrs ...attribute.KeyValue) context.Context {
	if len(text) > maxStatement {
		text = text[:maxStatement]
	}
	attrs = append(attrs, attribute.String("db.system.name", "postgresql"), attribute.String("db.query.text", text))
	ctx, end := telemetry.StartSpan(ctx, name, trace.SpanKindClient, attrs...)
	return context.WithValue(ctx, spanEnd{}, end)
}

func (queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	end, ok := ctx.Value(spanEnd{}).(func(error))
	if !ok {
		return
	}
	trace.SpanFromContext(ctx).SetAttributes(attribute.Int64("db.response.returned_rows", d.CommandTag.RowsAffected()))
	end(d.Err)
}

// operation is the statement's first keyword (select, insert, with…).
func operation(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return "query"
	}
	return strings.ToLower(f[0])
}

// A batch (queryTenantRow's setting and query, one round trip) is one
// client span, "pg batch", with its statements' text; each statement's
// outcome is an event on it. As for single statements, no argument is kept.
func (queryTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() || d.Batch == nil {
		return ctx
	}
	var stmts []string
	for _, q := range d.Batch.QueuedQueries {
		stmts = append(stmts, q.SQL)
	}
	return startSpan(ctx, "pg batch", strings.Join(stmts, ";\n"), attribute.Int("db.operation.batch.size", len(stmts)))
}

func (queryTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if _, ok := ctx.Value(spanEnd{}).(func(error)); !ok {
		return
	}
	attrs := []attribute.KeyValue{attribute.String("db.operation.name", operation(d.SQL)), attribute.Int64("db.response.returned_rows", d.CommandTag.RowsAffected())}
	if d.Err != nil {
		attrs = append(attrs, attribute.String("error.type", "statement failed"))
	}
	trace.SpanFromContext(ctx).AddEvent("statement", trace.WithAttributes(attrs...))
}

func (queryTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	if end, ok := ctx.Value(spanEnd{}).(func(error)); ok {
		end(d.Err)
	}
}
