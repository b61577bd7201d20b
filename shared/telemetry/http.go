package telemetry

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/metric/noop"
)

// HTTPHandler wraps a function's handler with otelhttp: a server span per
// request that continues the caller's traceparent (Cloud Tasks, Pub/Sub push
// and browsers send one). otelhttp's own metrics are off: the request
// duration histogram is recorded per route pattern by the access log
// (RequestServed), which otelhttp cannot see.
func HTTPHandler(h http.Handler, operation string) http.Handler {
	return otelhttp.NewHandler(h, operation,
		otelhttp.WithMeterProvider(noop.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(op string, r *http.Request) string { return op + " " + r.Method }))
}
