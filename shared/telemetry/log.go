// Package telemetry sets up logging with Cloud Logging's field names and
// carries per-request facts (trace id, route, org, user) for the access log.
package telemetry

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/config"
)

// Config chooses how much is logged and where traces and metrics go.
type Config struct {
	Level          string        `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	Exporter       string        `envconfig:"TELEMETRY_EXPORTER" default:"none" desc:"where traces and metrics go: none, stdout (spans on stderr), otlp (spans over OTLP/HTTP) or gcp (Cloud Trace and Cloud Monitoring, production)"`
	OTLPEndpoint   string        `envconfig:"TELEMETRY_OTLP_ENDPOINT" default:"http://127.0.0.1:4318" desc:"OTLP/HTTP collector that receives spans when TELEMETRY_EXPORTER=otlp (a bare address gets /v1/traces)"`
	SampleRatio    float64       `envconfig:"TELEMETRY_SAMPLE_RATIO" default:"1" desc:"share of new traces sampled (0 to 1); a caller's sampled traceparent is always followed"`
	MetricInterval time.Duration `envconfig:"TELEMETRY_METRIC_INTERVAL" default:"60s" desc:"how often metrics are sent to Cloud Monitoring when TELEMETRY_EXPORTER=gcp"`
}

// Validate checks the level and the export settings.
func (c *Config) Validate() error {
	if _, err := parseLevel(c.Level); err != nil {
		return config.Errorf("LOG_LEVEL", "must be debug, info, warn or error")
	}
	return c.validateExport()
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(strings.ToUpper(s)))
	return l, err
}

// NewLogger returns a JSON logger whose records Cloud Logging understands:
// "severity" and "message" instead of slog's "level" and "msg", and the
// request's trace id under logging.googleapis.com/trace.
func NewLogger(w io.Writer, cfg Config) *slog.Logger {
	level, err := parseLevel(cfg.Level)
	if err != nil {
		level = slog.LevelInfo
	}
	h := slog.NewJSONHandler(tapped{w}, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.LevelKey:
				a.Key = "severity"
				if l, ok := a.Value.Any().(slog.Level); ok {
					a.Value = slog.StringValue(severity(l))
				}
			case slog.MessageKey:
				a.Key = "message"
			}
			return a
		},
	})
	return slog.New(traceHandler{h})
}

func severity(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}

// traceHandler adds the trace and span ids of the record's context: those of
// its OpenTelemetry span, so that Cloud Logging shows the line under the span.
type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("logging.googleapis.com/trace", traceName(sc.TraceID().String())),
			slog.String("logging.googleapis.com/spanId", sc.SpanID().String()),
			slog.Bool("logging.googleapis.com/trace_sampled", sc.IsSampled()))
	} else if id := TraceID(ctx); id != "" {
		r.AddAttrs(slog.String("logging.googleapis.com/trace", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(as)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}

// traceName is the trace's name as Cloud Logging links it to Cloud Trace
// ("projects/P/traces/ID") in production, the bare id elsewhere.
func traceName(id string) string {
	if p, _ := traceProject.Load().(string); p != "" {
		return "projects/" + p + "/traces/" + id
	}
	return id
}
