package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/telemetry"
)

func setup(t *testing.T) {
	t.Helper()
	cfg := telemetry.Config{Level: "info", Exporter: "none", SampleRatio: 1, MetricInterval: time.Minute}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := telemetry.Setup(context.Background(), cfg, "test"); err != nil {
		t.Fatal(err)
	}
}

// A server span continues the caller's traceparent; a line logged under it
// carries the same trace id and the span's id; a traceparent made for a
// message continues the trace.
func TestSpanLogAndTraceparentAgree(t *testing.T) {
	setup(t)
	rec := tracetest.NewSpanRecorder()
	telemetry.TracerProvider().RegisterSpanProcessor(rec)
	defer telemetry.TracerProvider().UnregisterSpanProcessor(rec)
	var buf bytes.Buffer
	log := telemetry.NewLogger(&buf, telemetry.Config{Level: "info"})
	var outgoing string
	h := telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "inside")
		outgoing = telemetry.Traceparent(r.Context())
	}), "test")
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	h.ServeHTTP(httptest.NewRecorder(), req)

	spans := rec.Ended()
	if len(spans) != 1 || spans[0].SpanContext().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || spans[0].SpanKind() != trace.SpanKindServer {
		t.Fatalf("spans = %v, want one server span in the caller's trace", spans)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["logging.googleapis.com/trace"] != "4bf92f3577b34da6a3ce929d0e0e4736" || line["logging.googleapis.com/spanId"] != spans[0].SpanContext().SpanID().String() ||
		line["severity"] != "INFO" || line["message"] != "inside" {
		t.Errorf("log line = %v", line)
	}
	if want := "00-4bf92f3577b34da6a3ce929d0e0e4736-" + spans[0].SpanContext().SpanID().String() + "-01"; outgoing != want {
		t.Errorf("outgoing traceparent = %q, want %q", outgoing, want)
	}
	ctx := telemetry.ContextFromTraceparent(context.Background(), outgoing)
	if telemetry.TraceID(ctx) != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("the message's receiver sees trace %q", telemetry.TraceID(ctx))
	}
}

func TestPrometheusText(t *testing.T) {
	setup(t)
	ctx := context.Background()
	telemetry.RateLimited(ctx, "org-1", "query")
	telemetry.RateLimited(ctx, "org-1", "query")
	telemetry.RequestServed(ctx, "GET", "/v1/me", 200, 30*time.Millisecond)
	telemetry.WarehouseWaited(ctx, "org-1", 20*time.Millisecond)
	srv := httptest.NewServer(telemetry.MetricsHandler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE mirante_ratelimit_rejections_total counter\n",
		`mirante_ratelimit_rejections_total{bucket="query",org_id="org-1"} 2` + "\n",
		"# TYPE http_server_request_duration_seconds histogram\n",
		`http_server_request_duration_seconds_bucket{http_request_method="GET",http_response_status_code="200",http_route="/v1/me",le="0.025"} 0` + "\n",
		`http_server_request_duration_seconds_bucket{http_request_method="GET",http_response_status_code="200",http_route="/v1/me",le="0.05"} 1` + "\n",
		`http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/v1/me"} 1` + "\n",
		"# TYPE mirante_warehouse_wait_seconds histogram\n",
		`mirante_warehouse_wait_seconds_bucket{org_id="org-1",le="0.01"} 0` + "\n",
		`mirante_warehouse_wait_seconds_bucket{org_id="org-1",le="0.025"} 1` + "\n",
	} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("the exposition lacks %q:\n%s", want, body.String())
		}
	}
}

func TestBadExportSettingsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		cfg  telemetry.Config
		want string
	}{
		{telemetry.Config{Level: "info", Exporter: "jaeger", SampleRatio: 1, MetricInterval: time.Minute}, "TELEMETRY_EXPORTER: "},
		{telemetry.Config{Level: "info", Exporter: "none", SampleRatio: 2, MetricInterval: time.Minute}, "TELEMETRY_SAMPLE_RATIO: "},
		{telemetry.Config{Level: "info", Exporter: "gcp", SampleRatio: 1, MetricInterval: time.Second}, "TELEMETRY_METRIC_INTERVAL: "},
	} {
		if err := tc.cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want %s…", tc.cfg, err, tc.want)
		}
	}
}

// BenchmarkHTTPHandler measures what a request pays for its server span (no
// exporter), a log line under it and a duration sample.
func BenchmarkHTTPHandler(b *testing.B) {
	cfg := telemetry.Config{Level: "info", Exporter: "none", SampleRatio: 1, MetricInterval: time.Minute}
	if err := telemetry.Setup(context.Background(), cfg, "bench"); err != nil {
		b.Fatal(err)
	}
	log := telemetry.NewLogger(io.Discard, telemetry.Config{Level: "info"})
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	traced := telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.WriteHeader(http.StatusNoContent)
		telemetry.RequestServed(r.Context(), r.Method, "/v1/me", http.StatusNoContent, time.Since(start))
		log.InfoContext(r.Context(), "request", "route", "GET /v1/me", "status", 204)
	}), "bench")
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"plain", plain}, {"traced+metric+log", traced}} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/v1/me", nil)
			req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			b.ReportAllocs()
			for b.Loop() {
				tc.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}

// Behind functions-framework's ServeMux (pattern "/"), as every deployed
// function is, the span keeps the name the handler gave it.
func TestSpanNameSurvivesAnOuterMux(t *testing.T) {
	setup(t)
	rec := tracetest.NewSpanRecorder()
	telemetry.TracerProvider().RegisterSpanProcessor(rec)
	defer telemetry.TracerProvider().UnregisterSpanProcessor(rec)
	mux := http.NewServeMux()
	mux.Handle("/", telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		trace.SpanFromContext(r.Context()).SetName("GET /v1/orgs/{org}/views")
	}), "api"))
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/orgs/x/views", nil))
	if spans := rec.Ended(); len(spans) != 1 || spans[0].Name() != "GET /v1/orgs/{org}/views" {
		t.Fatalf("spans = %v, want one named after the route template", spans)
	}
}
