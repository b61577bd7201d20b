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
//
// The span keeps the name the handler gives it (the API names it after the
// route template): functions-framework serves every function through a
// ServeMux at "/", and otelhttp renames the span after a request's mux
// pattern when it has one, so the pattern is cleared on the way in.
func HTTPHandler(h http.Handler, operation string) http.Handler {
	oh := otelhttp.NewHandler(h, operation,
		otelhttp.WithMeterProvider(noop.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(op string, r *http.Request) string { return op + " " + r.Method }))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Pattern != "" {
			r = r.WithContext(r.Context())
			r.Pattern = ""
		}
		oh.ServeHTTP(w, r)
	})
}
