package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tasks"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/telemetry/telemetrytest"
)

// spansAndLogs records the spans and the log lines written from now until
// the test ends.
type spansAndLogs struct {
	rec   *tracetest.SpanRecorder
	mu    sync.Mutex
	lines []map[string]any
}

func recordTelemetry(t *testing.T) *spansAndLogs {
	t.Helper()
	tp := telemetry.TracerProvider()
	if tp == nil {
		t.Fatal("telemetry.Setup has not run: setup() must install the tracer provider")
	}
	s := &spansAndLogs{rec: tracetest.NewSpanRecorder()}
	tp.RegisterSpanProcessor(s.rec)
	t.Cleanup(func() { tp.UnregisterSpanProcessor(s.rec) })
	remove := telemetry.AddLogTap(func(line []byte) {
		var m map[string]any
		if json.Unmarshal(line, &m) != nil {
			return
		}
		s.mu.Lock()
		s.lines = append(s.lines, m)
		s.mu.Unlock()
	})
	t.Cleanup(remove)
	return s
}

func (s *spansAndLogs) logsOfTrace(traceID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range s.lines {
		if l["logging.googleapis.com/trace"] == traceID {
			out = append(out, l)
		}
	}
	return out
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// A caller's traceparent: the request's server span continues the caller's
// trace with the org on it, the PostgreSQL, Redis and warehouse calls are its
// descendants, and the access log line carries the same trace and span ids.
func TestTraceparentJoinsSpansAndLogs(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	rec := recordTelemetry(t)
	traceID, parentID := randomHex(t, 16), randomHex(t, 8)
	spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"],"time":{"from":"2024-01","to":"2024-06"}}`
	r := b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec, "traceparent", "00-"+traceID+"-"+parentID+"-01")
	if got := r.header.Get("X-Trace-Id"); got != traceID {
		t.Fatalf("X-Trace-Id = %q, want the caller's %s", got, traceID)
	}
	org := b.orgs["porto-sul"].ID

	var server trace.SpanContext
	kinds := map[string]bool{}
	for _, s := range rec.rec.Ended() {
		if s.SpanContext().TraceID().String() != traceID {
			continue
		}
		name := s.Name()
		kinds[strings.Fields(name)[0]] = true
		if name == "pg batch" {
			// The byte budget's read: its statements, never their arguments.
			for _, kv := range s.Attributes() {
				if kv.Key == "db.query.text" && (!strings.Contains(kv.Value.AsString(), "from usage") || strings.Contains(kv.Value.AsString(), org)) {
					t.Errorf("pg batch text %q: want the usage read, without the org id", kv.Value.AsString())
				}
			}
			kinds["pg batch"] = true
		}
		if s.SpanKind() != trace.SpanKindServer {
			continue
		}
		server = s.SpanContext()
		if name != "POST /v1/orgs/{org}/query" {
			t.Errorf("server span name = %q, want the route template", name)
		}
		if s.Parent().SpanID().String() != parentID || !s.Parent().IsRemote() {
			t.Errorf("server span's parent = %s, want the caller's span %s", s.Parent().SpanID(), parentID)
		}
		attrs := map[string]string{}
		for _, kv := range s.Attributes() {
			attrs[string(kv.Key)] = kv.Value.String()
		}
		if attrs["mirante.org_id"] != org || attrs["http.route"] != "/v1/orgs/{org}/query" || attrs["http.response.status_code"] != "200" {
			t.Errorf("server span attributes = %v, want org %s, the route and 200", attrs, org)
		}
		for k, v := range attrs {
			if strings.Contains(v, "@") || strings.HasPrefix(v, "eyJ") {
				t.Errorf("span attribute %s = %q: an e-mail or a token", k, v)
			}
		}
	}
	if !server.IsValid() {
		t.Fatalf("no server span in trace %s; spans: %v", traceID, kinds)
	}
	for _, k := range []string{"pg", "pg batch", "redis", "duckdb.query"} {
		// redisotel names its spans after the command (get, set, ...).
		found := kinds[k]
		if k == "redis" {
			found = kinds["get"] || kinds["set"]
		}
		if !found {
			t.Errorf("no %s span in the request's trace; spans: %v", k, kinds)
		}
	}

	var access map[string]any
	for _, l := range rec.logsOfTrace(traceID) {
		if l["message"] == "request" {
			access = l
		}
	}
	if access == nil {
		t.Fatalf("no access log line with trace %s", traceID)
	}
	if access["logging.googleapis.com/spanId"] != server.SpanID().String() || access["org_id"] != org ||
		access["route"] != "POST /v1/orgs/{org}/query" || access["status"] != float64(200) || access["severity"] != "INFO" {
		t.Errorf("access log line = %v, want span %s, org %s, the route and 200", access, server.SpanID(), org)
	}
	if uid, _ := access["user_id"].(string); len(uid) != 36 {
		t.Errorf("user_id = %v, want the opaque user id", access["user_id"])
	}
}

// The metrics move as they should: one uncached query is a miss, the same
// query again a hit, both are timed under their route, and a refused query
// counts as an error of its class.
func TestMetricsAfterUncachedAndCachedQuery(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	org := b.orgs["porto-sul"].ID
	route := map[string]string{"http.route": "/v1/orgs/{org}/query", "http.response.status_code": "200"}
	miss := map[string]string{"org_id": org, "result": "miss"}
	hit := map[string]string{"org_id": org, "result": "hit"}
	invalid := map[string]string{"class": "invalid", "http.route": "/v1/orgs/{org}/query", "status_class": "4xx"}
	before := map[string]float64{
		"miss": telemetrytest.Sum(t, "mirante.query.cache.lookups", miss), "hit": telemetrytest.Sum(t, "mirante.query.cache.lookups", hit),
		"timed": telemetrytest.Sum(t, "http.server.request.duration", route), "invalid": telemetrytest.Sum(t, "mirante.errors", invalid),
	}
	spec := `{"dataset":"comex_monthly","measures":["kg_liquido"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"],"time":{"from":"2024-01","to":"2024-06"}}`
	var first queryAnswer
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec).json(t, &first)
	if first.Meta.Cache != "miss" {
		t.Fatalf("first answer's cache = %q, want miss", first.Meta.Cache)
	}
	if d := telemetrytest.Sum(t, "mirante.query.cache.lookups", miss) - before["miss"]; d != 1 {
		t.Errorf("after an uncached query, misses moved by %v, want 1", d)
	}
	if d := telemetrytest.Sum(t, "mirante.query.cache.lookups", hit) - before["hit"]; d != 0 {
		t.Errorf("after an uncached query, hits moved by %v, want 0", d)
	}
	var second queryAnswer
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec).json(t, &second)
	if second.Meta.Cache != "hit" {
		t.Fatalf("second answer's cache = %q, want hit", second.Meta.Cache)
	}
	if d := telemetrytest.Sum(t, "mirante.query.cache.lookups", hit) - before["hit"]; d != 1 {
		t.Errorf("after a cached query, hits moved by %v, want 1", d)
	}
	if d := telemetrytest.Sum(t, "mirante.query.cache.lookups", miss) - before["miss"]; d != 1 {
		t.Errorf("after a cached query, misses moved by %v, want still 1", d)
	}
	if d := telemetrytest.Sum(t, "http.server.request.duration", route) - before["timed"]; d < 2 {
		t.Errorf("request durations recorded under the query route moved by %v, want at least 2", d)
	}
	b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["nope"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
	if d := telemetrytest.Sum(t, "mirante.errors", invalid) - before["invalid"]; d < 1 {
		t.Errorf("a refused query moved the invalid errors by %v, want at least 1", d)
	}
	// No metric carries a user's id or e-mail: the caller's user id appears
	// in no attribute of any data point.
	var exposition strings.Builder
	rm, err := telemetry.CollectMetrics(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	telemetry.WritePrometheus(&exposition, rm)
	if uid := b.userID(t, ana); strings.Contains(exposition.String(), uid) || strings.Contains(exposition.String(), "@") {
		t.Errorf("the metrics carry a user id or an e-mail:\n%s", exposition.String())
	}
	if !strings.Contains(exposition.String(), `mirante_query_cache_lookups_total{org_id="`+org+`",result="hit"}`) {
		t.Errorf("the Prometheus text lacks the org's hits:\n%s", exposition.String())
	}
}

// endedSpans hands the ended spans of one trace that keep accepts to a
// channel, so a test can wait for a span that ends after the answer it polled
// for.
type endedSpans struct {
	traceID string
	keep    func(name string) bool
	ch      chan sdktrace.ReadOnlySpan
}

func (e *endedSpans) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (e *endedSpans) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.SpanContext().TraceID().String() == e.traceID && e.keep(s.Name()) {
		e.ch <- s
	}
}
func (e *endedSpans) Shutdown(context.Context) error   { return nil }
func (e *endedSpans) ForceFlush(context.Context) error { return nil }

// A report ordered with a traceparent is rendered in the same trace: the
// worker's report.render span is the child of the API's Pub/Sub publish
// span, and the report's duration and queue age are recorded.
func TestReportJoinsTheOrderingTrace(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	traceID := randomHex(t, 16)
	ended := &endedSpans{traceID: traceID, ch: make(chan sdktrace.ReadOnlySpan, 16), keep: func(name string) bool {
		return name == "report.render" || strings.HasPrefix(name, "pubsub.publish")
	}}
	tp := telemetry.TracerProvider()
	tp.RegisterSpanProcessor(ended)
	t.Cleanup(func() { tp.UnregisterSpanProcessor(ended) })
	done := map[string]string{"format": "html", "outcome": "succeeded"}
	durations, ages := telemetrytest.Sum(t, "mirante.report.duration", done), telemetrytest.Sum(t, "mirante.report.queue_age", nil)
	startWorker(t)

	var r reportJSON
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports",
		`{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"],"time":{"from":"2024-01","to":"2024-06"}}}`,
		"traceparent", "00-"+traceID+"-"+randomHex(t, 8)+"-01").json(t, &r)
	if got := b.waitReport(t, ana, "porto-sul", r.ID); got.Status != "succeeded" {
		t.Fatalf("report: %+v", got)
	}
	var publish, render sdktrace.ReadOnlySpan
	timeout := time.After(30 * time.Second)
	for render == nil {
		select {
		case s := <-ended.ch:
			switch {
			case strings.HasPrefix(s.Name(), "pubsub.publish"):
				publish = s
			case s.Name() == "report.render":
				render = s
			}
		case <-timeout:
			t.Fatal("no report.render span in the ordering request's trace")
		}
	}
	if publish == nil || render.Parent().SpanID() != publish.SpanContext().SpanID() || render.SpanKind() != trace.SpanKindConsumer {
		t.Fatalf("report.render's parent = %s, want the publish span %v", render.Parent().SpanID(), publish)
	}
	attrs := map[string]string{}
	for _, kv := range render.Attributes() {
		attrs[string(kv.Key)] = kv.Value.String()
	}
	if attrs["mirante.org_id"] != b.orgs["porto-sul"].ID || attrs["mirante.report_id"] != r.ID {
		t.Errorf("report.render attributes = %v", attrs)
	}
	if d := telemetrytest.Sum(t, "mirante.report.duration", done) - durations; d != 1 {
		t.Errorf("report durations (html, succeeded) moved by %v, want 1", d)
	}
	if d := telemetrytest.Sum(t, "mirante.report.queue_age", nil) - ages; d < 1 {
		t.Errorf("report queue ages moved by %v, want at least 1", d)
	}
}

// A schedule's run continues the scheduler tick's trace through its Cloud
// Task: dispatch's server span is the child of the CreateTask span, and the
// report dispatch orders is published in the same trace.
func TestScheduledRunContinuesTheTickTrace(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	view := b.createView(t, bruno, "agro-nordeste", "Semanal", "org")
	var sc struct{ ID string }
	b.want(t, http.StatusCreated, bruno, "POST", "/v1/orgs/agro-nordeste/schedules", `{"name":"semanal","cron":"0 8 * * 1","view_id":"`+view+`","format":"html"}`).json(t, &sc)
	b.asOwner(t, "agro-nordeste", func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `update schedules set next_run_at = date_trunc('minute', now()) - interval '1 minute' where id = $1`, sc.ID)
		return err
	})
	dh := newDispatch(t)
	ds := httptest.NewServer(dh)
	defer ds.Close()
	ctx := context.Background()
	db, err := postgres.New(ctx, postgres.Config{URL: b.db.AppURL, MaxConns: 2, ConnectTimeout: 5 * time.Second, StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tcfg tasks.Config
	tcfg.Queue = "projects/demo-mirante/locations/southamerica-east1/queues/report-dispatch"
	tcfg.DispatchURL, tcfg.Endpoint, tcfg.LocalSecret, tcfg.Timeout = ds.URL, os.Getenv("TASKS_ENDPOINT"), "mirante-local-task-secret", 5*time.Second
	enq, err := tasks.New(ctx, tcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer enq.Close()

	traceID := randomHex(t, 16)
	ended := &endedSpans{traceID: traceID, ch: make(chan sdktrace.ReadOnlySpan, 16), keep: func(name string) bool {
		return name == "cloudtasks.CreateTask" || strings.HasPrefix(name, "dispatch ") || strings.HasPrefix(name, "pubsub.publish")
	}}
	tp := telemetry.TracerProvider()
	tp.RegisterSpanProcessor(ended)
	t.Cleanup(func() { tp.UnregisterSpanProcessor(ended) })
	// The tick runs under Cloud Scheduler's request span, as in the function.
	tick := telemetry.ContextFromTraceparent(ctx, "00-"+traceID+"-"+randomHex(t, 8)+"-01")
	if res, err := reports.Tick(tick, db, enq, time.Now(), telemetry.Traceparent(tick)); err != nil || res.Created != 1 {
		t.Fatalf("tick: %+v %v", res, err)
	}
	spans := map[string]sdktrace.ReadOnlySpan{}
	timeout := time.After(30 * time.Second)
	for spans["pubsub.publish"] == nil || spans["dispatch"] == nil { // the server span ends last
		select {
		case s := <-ended.ch:
			spans[strings.Fields(s.Name())[0]] = s
		case <-timeout:
			t.Fatalf("the dispatched report was not published in the tick's trace; spans seen: %v", spans)
		}
	}
	create, server := spans["cloudtasks.CreateTask"], spans["dispatch"]
	if create == nil || server == nil {
		t.Fatalf("spans in the trace: %v, want CreateTask and dispatch's server span", spans)
	}
	if server.SpanKind() != trace.SpanKindServer || server.Parent().SpanID() != create.SpanContext().SpanID() {
		t.Errorf("dispatch's span (kind %v) has parent %s, want the CreateTask span %s", server.SpanKind(), server.Parent().SpanID(), create.SpanContext().SpanID())
	}
}

// A request refused by the rate limit is counted for its org and bucket.
func TestRateLimitRejectionsAreCountedPerOrg(t *testing.T) {
	b := setupStack(t, slowLimits)
	refused := map[string]string{"org_id": b.orgs["porto-sul"].ID, "bucket": "queries"}
	before := telemetrytest.Sum(t, "mirante.ratelimit.rejections", refused)
	values := "/v1/orgs/porto-sul/datasets/comex_monthly/values?field=uf"
	for range 3 {
		b.want(t, http.StatusOK, ana, "GET", values, nil)
	}
	if d := telemetrytest.Sum(t, "mirante.ratelimit.rejections", refused) - before; d != 0 {
		t.Fatalf("rejections moved by %v before any refusal", d)
	}
	b.want(t, http.StatusTooManyRequests, ana, "GET", values, nil)
	if d := telemetrytest.Sum(t, "mirante.ratelimit.rejections", refused) - before; d != 1 {
		t.Errorf("after one 429, rejections for the org moved by %v, want 1", d)
	}
}
