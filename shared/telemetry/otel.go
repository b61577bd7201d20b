package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	mexporter "github.com/GoogleCloudPlatform/opentelemetry-operations-go/exporter/metric"
	texporter "github.com/GoogleCloudPlatform/opentelemetry-operations-go/exporter/trace"
	"go.opentelemetry.io/contrib/detectors/gcp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/config"
)

// Exporters are the values TELEMETRY_EXPORTER accepts.
var Exporters = []string{"none", "stdout", "otlp", "gcp"}

// validateExport checks the export settings (part of Config.Validate).
func (c *Config) validateExport() error {
	ok := false
	for _, e := range Exporters {
		ok = ok || c.Exporter == e
	}
	if !ok {
		return config.Errorf("TELEMETRY_EXPORTER", "must be none, stdout, otlp or gcp")
	}
	if c.SampleRatio < 0 || c.SampleRatio > 1 {
		return config.Errorf("TELEMETRY_SAMPLE_RATIO", "must be from 0 to 1")
	}
	if c.MetricInterval < 10*time.Second {
		return config.Errorf("TELEMETRY_METRIC_INTERVAL", "must be at least 10s (Cloud Monitoring's limit)")
	}
	return nil
}

var (
	// traceProject is the Google Cloud project whose Cloud Trace holds the
	// spans (production only): log lines then name their trace in full.
	traceProject atomic.Value
	setupOnce    sync.Once
	setupErr     error
	provider     *sdktrace.TracerProvider
	meters       *sdkmetric.MeterProvider
	reader       *sdkmetric.ManualReader
	shutdowns    []func(context.Context) error
)

// Setup installs the process's OpenTelemetry tracer and meter providers and
// the W3C trace-context propagator. Every process records spans and metrics
// (so trace ids and the local /debug/metrics always work); cfg.Exporter says
// where they also go: nowhere ("none", the default, which needs no network),
// stdout (spans as JSON on stderr), OTLP over HTTP, or Google Cloud Trace and
// Monitoring ("gcp", with resource detection from the metadata server).
//
// Several functions share one process locally: the first call wins and the
// others get its result.
func Setup(ctx context.Context, cfg Config, service string) error {
	setupOnce.Do(func() { setupErr = setup(ctx, cfg, service) })
	return setupErr
}

func setup(ctx context.Context, cfg Config, service string) error {
	attrs := resource.WithAttributes(semconv.ServiceName(service))
	res, err := resource.New(ctx, attrs)
	if cfg.Exporter == "gcp" {
		// Only in production: the detector asks the metadata server.
		res, err = resource.New(ctx, resource.WithDetectors(gcp.NewDetector()), resource.WithTelemetrySDK(), attrs)
	}
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return fmt.Errorf("telemetry resource: %w", err)
	}
	if v, ok := res.Set().Value(semconv.CloudAccountIDKey); ok && cfg.Exporter == "gcp" {
		// Cloud Logging links a line to its trace only by the full name.
		traceProject.Store(v.AsString())
	}
	topts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	}
	reader = sdkmetric.NewManualReader()
	mopts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(reader)}
	switch cfg.Exporter {
	case "stdout":
		exp, err := stdouttrace.New(stdouttrace.WithWriter(os.Stderr))
		if err != nil {
			return err
		}
		topts = append(topts, sdktrace.WithBatcher(exp))
	case "otlp":
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(otlpTracesURL(cfg.OTLPEndpoint)))
		if err != nil {
			return fmt.Errorf("TELEMETRY_OTLP_ENDPOINT: %w", err)
		}
		topts = append(topts, sdktrace.WithBatcher(exp))
	case "gcp":
		exp, err := texporter.New()
		if err != nil {
			return fmt.Errorf("cloud trace exporter: %w", err)
		}
		topts = append(topts, sdktrace.WithBatcher(exp))
		mexp, err := mexporter.New()
		if err != nil {
			return fmt.Errorf("cloud monitoring exporter: %w", err)
		}
		mopts = append(mopts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(cfg.MetricInterval))))
	}
	provider = sdktrace.NewTracerProvider(topts...)
	meters = sdkmetric.NewMeterProvider(mopts...)
	otel.SetTracerProvider(provider)
	otel.SetMeterProvider(meters)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	shutdowns = append(shutdowns, provider.Shutdown, meters.Shutdown)
	return nil
}

// TracerProvider returns the SDK provider Setup installed, or nil before
// Setup. Tests register span recorders on it.
func TracerProvider() *sdktrace.TracerProvider { return provider }

// Shutdown flushes and stops the exporters (spans and metrics still held).
func Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range shutdowns {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// tracer is the project's own instrumentation scope.
func tracer() trace.Tracer { return otel.Tracer("github.com/mirante/mirante") }

// StartSpan starts a span for a call to a dependency; end records err (when
// not nil) as the span's error and ends it:
//
//	ctx, end := telemetry.StartSpan(ctx, "gcs.Put", trace.SpanKindClient, attribute.String("gcs.bucket", b))
//	defer func() { end(err) }()
func StartSpan(ctx context.Context, name string, kind trace.SpanKind, attrs ...attribute.KeyValue) (context.Context, func(error)) {
	ctx, span := tracer().Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
	return ctx, func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "error")
		}
		span.End()
	}
}

// ContextFromTraceparent returns ctx continuing the remote trace of a W3C
// traceparent (from a message or a task), or ctx unchanged when tp is empty
// or malformed.
func ContextFromTraceparent(ctx context.Context, tp string) context.Context {
	if tp == "" {
		return ctx
	}
	return propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": tp})
}

// otlpTracesURL is the collector's traces URL: the OTLP/HTTP exporter posts
// to the URL's path as given, so a bare collector address gets /v1/traces.
func otlpTracesURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return endpoint
	}
	u.Path = "/v1/traces"
	return u.String()
}
