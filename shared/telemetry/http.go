package telemetry

import (
	"net/http"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// HTTPHandler wraps a function's handler in a server span per request that
// continues the caller's traceparent (Cloud Tasks, Pub/Sub push and
// browsers send one). The span is named "<operation> <method>" until the
// handler names it (the API names it after the route template); it carries
// the method, the scheme and the path, and at the end the status, an error
// status for a 5xx. The request duration histogram is recorded per route
// pattern by the access log (RequestServed), not here.
//
// It does what the request's span needs and no more: the response writer
// is wrapped only to learn the status, and the span is started with its
// attributes in one call.
func HTTPHandler(h http.Handler, operation string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := otel.GetTextMapPropagator().Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		ctx, span := tracer().Start(ctx, operation+" "+r.Method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				attribute.String("http.request.method", r.Method),
				attribute.String("url.scheme", scheme),
				attribute.String("url.path", r.URL.Path),
			))
		sw := &spanStatusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			span.SetAttributes(attribute.Int("http.response.status_code", status))
			if status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			span.End()
		}()
		h.ServeHTTP(sw, r.WithContext(ctx))
	})
}

// spanStatusWriter remembers the status of the response it passes on.
type spanStatusWriter struct {
	http.ResponseWriter
	status int
}

func (w *spanStatusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *spanStatusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *spanStatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
