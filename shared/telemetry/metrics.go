package telemetry

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// The metrics. Attributes carry org ids (opaque uuids), never a user id or
// an e-mail: a metric's labels are kept for weeks and seen by operators.
// Instruments made from the global meter before Setup follow the provider
// Setup installs.
var (
	meter = otel.Meter("github.com/mirante/mirante")

	secondsBuckets = metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

	requestDuration = must(meter.Float64Histogram("http.server.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP requests, per route and status."), secondsBuckets))
	cacheLookups = must(meter.Int64Counter("mirante.query.cache.lookups",
		metric.WithDescription("Query result cache lookups, by result (hit or miss) and org.")))
	warehouseWait = must(meter.Float64Histogram("mirante.warehouse.wait", metric.WithUnit("s"),
		metric.WithDescription("Time a query waited for one of the embedded warehouse's query slots, per org."), secondsBuckets))
	bytesProcessed = must(meter.Int64Counter("mirante.warehouse.bytes_processed", metric.WithUnit("By"),
		metric.WithDescription("Bytes the warehouse processed for queries, per org and engine (BigQuery bills these).")))
	reportDuration = must(meter.Float64Histogram("mirante.report.duration", metric.WithUnit("s"),
		metric.WithDescription("Time to render and store a report, by format and outcome."), secondsBuckets))
	reportQueueAge = must(meter.Float64Histogram("mirante.report.queue_age", metric.WithUnit("s"),
		metric.WithDescription("Time a report request waited in Pub/Sub before a worker took it."), secondsBuckets))
	rateLimited = must(meter.Int64Counter("mirante.ratelimit.rejections",
		metric.WithDescription("Requests refused by a rate limit or a budget, per org and bucket.")))
	ingestRows = must(meter.Int64Counter("mirante.ingest.rows",
		metric.WithDescription("Rows loaded into landing by ingest, per source.")))
	ingestFailures = must(meter.Int64Counter("mirante.ingest.failures",
		metric.WithDescription("Ingest runs refused or failed, per source and reason.")))
	errorsByClass = must(meter.Int64Counter("mirante.errors",
		metric.WithDescription("Errors answered to clients, by class (the apperr code) and route.")))
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// RequestServed records one HTTP request's duration under its route pattern
// and status.
func RequestServed(ctx context.Context, method, route string, status int, d time.Duration) {
	requestDuration.Record(ctx, d.Seconds(), servedSets.get(servedKey{method, route, status}, func() []attribute.KeyValue {
		return []attribute.KeyValue{
			attribute.String("http.request.method", method),
			attribute.String("http.route", route),
			attribute.Int("http.response.status_code", status),
		}
	}))
}

// CacheLookup counts a query-cache hit or miss for the org.
func CacheLookup(ctx context.Context, orgID string, hit bool) {
	cacheLookups.Add(ctx, 1, lookupSets.get(lookupKey{orgID, hit}, func() []attribute.KeyValue {
		result := "miss"
		if hit {
			result = "hit"
		}
		return []attribute.KeyValue{attribute.String("result", result), attribute.String("org_id", orgID)}
	}))
}

type servedKey struct {
	method, route string
	status        int
}

type lookupKey struct {
	org string
	hit bool
}

var (
	servedSets attrSets[servedKey]
	lookupSets attrSets[lookupKey]
)

// attrSets remembers the attribute sets of the measurements most often
// recorded (every request records one of each): making a set sorts and
// hashes its attributes, which a remembered set has done once. A set is a
// function of its key alone.
type attrSets[K comparable] struct {
	mu sync.Mutex
	m  map[K]metric.MeasurementOption
}

// maxAttrSets bounds each memory; past it the memory starts over.
const maxAttrSets = 4096

// get returns the option carrying the set of key's attributes.
func (c *attrSets[K]) get(key K, attrs func() []attribute.KeyValue) metric.MeasurementOption {
	c.mu.Lock()
	opt, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return opt
	}
	opt = metric.WithAttributeSet(attribute.NewSet(attrs()...))
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxAttrSets {
		c.m = map[K]metric.MeasurementOption{}
	}
	c.m[key] = opt
	c.mu.Unlock()
	return opt
}

// BytesProcessed adds the bytes a warehouse query processed for the org.
func BytesProcessed(ctx context.Context, orgID, engine string, n int64) {
	if n <= 0 {
		return
	}
	bytesProcessed.Add(ctx, n, metric.WithAttributes(attribute.String("org_id", orgID), attribute.String("engine", engine)))
}

// WarehouseWaited records how long an org's query waited for a query slot.
func WarehouseWaited(ctx context.Context, orgID string, d time.Duration) {
	warehouseWait.Record(ctx, d.Seconds(), metric.WithAttributes(attribute.String("org_id", orgID)))
}

// ReportRendered records a report's duration; outcome is succeeded or failed.
func ReportRendered(ctx context.Context, format, outcome string, d time.Duration) {
	reportDuration.Record(ctx, d.Seconds(), metric.WithAttributes(attribute.String("format", format), attribute.String("outcome", outcome)))
}

// ReportQueued records how long a report request waited in the queue.
func ReportQueued(ctx context.Context, age time.Duration) {
	if age < 0 {
		age = 0
	}
	reportQueueAge.Record(ctx, age.Seconds())
}

// RateLimited counts a request refused by the rate limiter or a budget.
func RateLimited(ctx context.Context, orgID, bucket string) {
	rateLimited.Add(ctx, 1, metric.WithAttributes(attribute.String("org_id", orgID), attribute.String("bucket", bucket)))
}

// IngestLoaded counts rows an ingest run loaded for a source.
func IngestLoaded(ctx context.Context, source string, rows int64) {
	ingestRows.Add(ctx, rows, metric.WithAttributes(attribute.String("source", source)))
}

// IngestFailed counts a refused or failed ingest run; reason is a short
// class such as contract_broken or load_failed.
func IngestFailed(ctx context.Context, source, reason string) {
	ingestFailures.Add(ctx, 1, metric.WithAttributes(attribute.String("source", source), attribute.String("reason", reason)))
}

// ErrorAnswered counts an error response by class (the apperr code). route
// is the matched pattern ("POST /v1/orgs/{org}/query"); the metric keeps its
// path, as the duration histogram does, or "unmatched" before routing (a 401).
func ErrorAnswered(ctx context.Context, class, route string, status int) {
	if _, path, ok := strings.Cut(route, " "); ok {
		route = path
	}
	if route == "" {
		route = "unmatched"
	}
	errorsByClass.Add(ctx, 1, metric.WithAttributes(attribute.String("class", class), attribute.String("http.route", route),
		attribute.String("status_class", strconv.Itoa(status/100)+"xx")))
}
