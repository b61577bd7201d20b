package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/functions/api"
	"github.com/mirante/mirante/scripts/internal/apiclient"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/localcloud"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/semantic"
)

// apiBench holds what the stack benchmarks share: the stack, a signed-in
// client per demo org, and a Redis client for the baseline.
type apiBench struct {
	cfg     Config
	st      *Stack
	base    string
	clients map[string]*apiclient.Client // by org slug
	orgIDs  map[string]string
	rdb     *goredis.Client
}

func newAPIBench(ctx context.Context, cfg Config, st *Stack) (*apiBench, error) {
	a := &apiBench{cfg: cfg, st: st, base: st.Vars["API_URL"], clients: map[string]*apiclient.Client{}, orgIDs: map[string]string{}}
	hc := apiclient.NewHTTP(64)
	for _, d := range apiclient.Demos {
		tok, err := apiclient.SignIn(ctx, hc, st.Vars["FIREBASE_AUTH_EMULATOR_HOST"], d.Email)
		if err != nil {
			return nil, err
		}
		c := &apiclient.Client{Base: a.base, Token: tok, HTTP: hc}
		ids, err := c.OrgIDs(ctx)
		if err != nil {
			return nil, err
		}
		a.clients[d.Org], a.orgIDs[d.Org] = c, ids[d.Org]
	}
	opt, err := goredis.ParseURL(st.Vars["REDIS_URL"])
	if err != nil {
		return nil, err
	}
	a.rdb = goredis.NewClient(opt)
	return a, nil
}

func (a *apiBench) Close() { a.rdb.Close() }

// coldStart builds the deployed binary (functions/cmd/server) and times exec
// to the first 200 on /healthz, with the stack's PostgreSQL and Redis up.
func (a *apiBench) coldStart(ctx context.Context) ([]Entry, error) {
	bin := filepath.Join(a.cfg.Out, "bin", "server")
	logf("cold start: building functions/cmd/server as functions/Dockerfile does")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./functions/cmd/server")
	build.Dir = a.cfg.Root
	// As functions/Dockerfile builds it.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the server: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return nil, err
	}
	var ms []float64
	for i := 0; i < a.cfg.ColdRuns; i++ {
		d, err := a.coldOnce(ctx, bin)
		if err != nil {
			return nil, err
		}
		ms = append(ms, float64(d.Microseconds())/1000)
	}
	logf("cold start: median %.0f ms over %d runs; binary %.1f MiB", Median(ms), len(ms), float64(fi.Size())/(1<<20))
	size := []float64{float64(fi.Size()) / (1 << 20)}
	return []Entry{
		ValueEntry("cold_start_ms", "ms", "≤ 300", ms, Median),
		ValueEntry("deployed_binary_mib", "MiB", "", size, Median),
	}, nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port), nil
}

func (a *apiBench) coldOnce(ctx context.Context, bin string) (time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"FUNCTION_TARGET=API", "PORT=" + port,
		"APP_DATABASE_URL=" + a.st.Vars["APP_DATABASE_URL"], "REDIS_URL=" + a.st.Vars["REDIS_URL"],
		"FIREBASE_AUTH_EMULATOR_HOST=" + a.st.Vars["FIREBASE_AUTH_EMULATOR_HOST"], "FIREBASE_PROJECT_ID=" + a.st.Vars["FIREBASE_PROJECT_ID"],
		"STORAGE_EMULATOR_HOST=" + a.st.Vars["STORAGE_EMULATOR_HOST"], "MIRANTE_ENV=local",
		// The deployed binary links BigQuery and Pub/Sub only; the api
		// creates their clients at start without calling them, so stand-in
		// addresses keep it from looking for Google credentials.
		"BIGQUERY_PROJECT=demo-mirante", "BIGQUERY_ENDPOINT=http://127.0.0.1:1", "PUBSUB_EMULATOR_HOST=127.0.0.1:1",
	}
	logPath := filepath.Join(a.cfg.Out, "cold-start.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	c, err := startChild(cmd)
	if err != nil {
		return 0, err
	}
	defer c.stop(10 * time.Second)
	if err := c.awaitOK(ctx, "http://127.0.0.1:"+port+"/healthz", 2*time.Millisecond, 30*time.Second); err != nil {
		if errors.Is(err, errExited) {
			b, _ := os.ReadFile(logPath)
			return 0, fmt.Errorf("the server %v\n%s", err, b)
		}
		return 0, err
	}
	return time.Since(start), nil
}

// clearCache drops the org's cached query answers (its own namespace of
// the cache, which outlives a stack: a warehouse generated at another size
// has the same watermark, hence the same keys), so that the next queries
// are computed. The API's near copies are not reached; they hold only this
// run's answers, whose specs the later benchmarks do not repeat.
func (a *apiBench) clearCache(ctx context.Context, org string) error {
	id := a.orgIDs[org]
	if id == "" {
		return fmt.Errorf("no org id for %s", org)
	}
	iter := a.rdb.Scan(ctx, 0, query.CacheKeyPrefix(id)+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	return a.rdb.Del(ctx, keys...).Err()
}

// loadKinds are scripts/load's request kinds, each with a p95 of its own.
var loadKinds = []string{"cached", "uncached", "view_write"}

// load runs the load generator (scripts/load) against the stack.
func (a *apiBench) load(ctx context.Context) ([]Entry, error) {
	logf("load: building scripts/load, then %s at each concurrency of %s", a.cfg.LoadDuration, a.cfg.LoadConc)
	bin, err := buildTool(ctx, a.cfg, "./scripts/load")
	if err != nil {
		return nil, err
	}
	for _, d := range apiclient.Demos {
		if err := a.clearCache(ctx, d.Org); err != nil {
			return nil, err
		}
	}
	cmd := exec.CommandContext(ctx, bin, "-api", a.base, "-emulator", a.st.Vars["FIREBASE_AUTH_EMULATOR_HOST"],
		"-conc", a.cfg.LoadConc, "-duration", a.cfg.LoadDuration.String(), "-out", a.cfg.Out, "-seed", "1000")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the load test: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(a.cfg.Out, "load.json"))
	if err != nil {
		return nil, err
	}
	var res struct {
		Levels []struct {
			Throughput float64            `json:"throughput_rps"`
			P50        float64            `json:"p50_ms"`
			P95        float64            `json:"p95_ms"`
			P99        float64            `json:"p99_ms"`
			Errors     int                `json:"errors"`
			P95ByKind  map[string]float64 `json:"p95_ms_by_kind"`
		} `json:"levels"`
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res.Levels) == 0 {
		return nil, fmt.Errorf("reading load.json: %v", err)
	}
	// Each figure is the value at the highest concurrency; min, median and
	// max run over the levels (load.json has each).
	var rps, p50, p95, p99, errs []float64
	byKind := map[string][]float64{}
	for _, lv := range res.Levels {
		rps, p50, p95, p99 = append(rps, lv.Throughput), append(p50, lv.P50), append(p95, lv.P95), append(p99, lv.P99)
		errs = append(errs, float64(lv.Errors))
		for _, k := range loadKinds {
			byKind[k] = append(byKind[k], lv.P95ByKind[k])
		}
	}
	at := func(xs []float64) Stat { return func([]float64) float64 { return xs[len(xs)-1] } }
	rss, err := a.st.APIResidentMiB()
	if err != nil {
		return nil, fmt.Errorf("the API's resident memory after the load test: %w", err)
	}
	logf("load: the API's resident memory after the load test: %.0f MiB", rss)
	out := []Entry{
		ValueEntry("api_rss_mib_after_load", "MiB", "≤ 200", []float64{rss}, Median),
		ValueEntry("load_mixed_throughput_rps", "req/s", "", rps, at(rps)),
		ValueEntry("load_mixed_p50_ms", "ms", "", p50, at(p50)),
		ValueEntry("load_mixed_p95_ms", "ms", "", p95, at(p95)),
		ValueEntry("load_mixed_p99_ms", "ms", "", p99, at(p99)),
	}
	for _, k := range loadKinds {
		out = append(out, ValueEntry("load_mixed_p95_ms_"+k, "ms", "", byKind[k], at(byKind[k])))
	}
	return append(out, ValueEntry("load_mixed_errors", "count", "= 0", errs, func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	})), nil
}

// uncached: the median and p95 of uncached queries through the API on the
// generated comex_monthly, against the same compiled SQL run straight on
// DuckDB.
//
// Both sides run in this process, interleaved, on one DuckDB handle: the
// stack's API is stopped (DuckDB lets one process open the file) and the
// api function is set up here from the stack's environment, as the local
// runner sets it up, and served on a port of its own. Its requests go
// through HTTP, auth, membership, rate limit, budget, cache and audit as
// anywhere; the raw runs are the same compiled SQL on the same handle.
// Taking turns (and swapping who goes first) gives both sides the same
// machine, whatever else it is doing; one block after the other would
// measure the machine's load as much as either side.
func (a *apiBench) uncached(ctx context.Context) ([]Entry, error) {
	org := apiclient.Demos[0].Org
	if err := a.clearCache(ctx, org); err != nil {
		return nil, err
	}
	if err := a.st.StopAPI(ctx); err != nil {
		return nil, err
	}
	base, stop, err := a.startAPIHere(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	c := &apiclient.Client{Base: base, Token: a.clients[org].Token, HTTP: apiclient.NewHTTP(4)}

	cat, err := semantic.LoadCatalog()
	if err != nil {
		return nil, err
	}
	// The API opened the warehouse at this path: duckdb.Open hands out the
	// same handle.
	wh, err := duckdb.Open(ctx, duckdb.Config{Path: a.st.Vars["WAREHOUSE_PATH"], Timeout: 5 * time.Minute})
	if err != nil {
		return nil, err
	}
	defer wh.Close()
	var rowCount int64
	if err := wh.SQL().QueryRowContext(ctx, "SELECT count(*) FROM marts.comex_monthly").Scan(&rowCount); err != nil {
		return nil, err
	}
	logf("uncached: marts.comex_monthly has %d rows", rowCount)
	scope := semantic.TenantScope{OrgID: a.orgIDs[org]}
	access := semantic.Access{Entitled: map[string]bool{"comex_monthly": true}}

	kinds := []struct {
		name string
		spec func(i int) map[string]any
	}{
		{"uf_by_month", func(i int) map[string]any { return apiclient.UFByMonth(400 + i) }},
		{"top_sh4", func(i int) map[string]any { return apiclient.TopSH4(20 + i) }},
	}
	viaAPI := func(spec map[string]any) (float64, error) {
		t0 := time.Now()
		m, err := c.Query(ctx, org, spec)
		d := float64(time.Since(t0).Microseconds()) / 1000
		if err == nil && m.Cache != "miss" {
			err = fmt.Errorf("an uncached query answered with meta.cache %q", m.Cache)
		}
		return d, err
	}
	straight := func(spec map[string]any) (float64, error) {
		d, err := runRaw(ctx, wh.SQL(), cat, access, scope, spec)
		return float64(d.Microseconds()) / 1000, err
	}
	settle("uncached", time.Minute)
	// One of each first, on each side, not counted: pages into memory,
	// connections open.
	for _, k := range kinds {
		if _, err := viaAPI(k.spec(a.cfg.Uncached + 1)); err != nil {
			return nil, err
		}
		if _, err := straight(k.spec(a.cfg.Uncached + 1)); err != nil {
			return nil, err
		}
	}
	ours, raw := map[string][]float64{}, map[string][]float64{}
	var all, rawAll []float64
	// The api function runs in this process here: one profile has both sides.
	stopProfile := a.profile("uncached", false)
	defer stopProfile()
	for i := 0; i < a.cfg.Uncached; i++ {
		for j, k := range kinds {
			spec := k.spec(i)
			var o, r float64
			var err error
			if (i+j)%2 == 0 {
				if o, err = viaAPI(spec); err == nil {
					r, err = straight(spec)
				}
			} else {
				if r, err = straight(spec); err == nil {
					o, err = viaAPI(spec)
				}
			}
			if err != nil {
				return nil, err
			}
			ours[k.name], raw[k.name] = append(ours[k.name], o), append(raw[k.name], r)
			all, rawAll = append(all, o), append(rawAll, r)
		}
	}
	logf("uncached through the API: p95 %.1f ms, median %.1f ms (uf_by_month p95 %.1f, top_sh4 p95 %.1f)", Percentile(0.95)(all),
		Median(all), Percentile(0.95)(ours["uf_by_month"]), Percentile(0.95)(ours["top_sh4"]))
	logf("uncached straight on DuckDB: p95 %.1f ms, median %.1f ms", Percentile(0.95)(rawAll), Median(rawAll))
	p95 := Percentile(0.95)
	return []Entry{
		RatioEntry("uncached_query_latency_vs_raw_duckdb", "ms", "≤ 1.05", all, rawAll, Median),
		RatioEntry("uncached_query_p95_vs_raw_duckdb", "ms", "≤ 1.05", all, rawAll, p95),
		ValueEntry("uncached_uf_by_month_p95_ms", "ms", "≤ 250", ours["uf_by_month"], p95),
		ValueEntry("uncached_top_sh4_p95_ms", "ms", "≤ 250", ours["top_sh4"], p95),
	}, nil
}

// startAPIHere sets the api function up in this process as the local
// runner does (the cloud's stand-ins in memory, the stack's environment)
// and serves it on a port of its own. Its log lines go to api-bench.log
// beside the results. stop drains it, stops the stand-ins and restores
// the environment; the function cannot be set up twice in one process.
func (a *apiBench) startAPIHere(ctx context.Context) (base string, stop func(), err error) {
	saved := os.Environ()
	var undo []func()
	stop = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		os.Clearenv()
		for _, kv := range saved {
			if k, v, ok := strings.Cut(kv, "="); ok {
				os.Setenv(k, v)
			}
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	// What the local runner is started with: this process's environment,
	// the stack's settings (RATE_LIMIT_SCALE...), then its stack.env.
	for _, m := range []map[string]string{a.st.Env, a.st.Vars, {"MIRANTE_ENV": "local"}} {
		for k, v := range m {
			if err := os.Setenv(k, v); err != nil {
				return "", nil, err
			}
		}
	}
	var (
		pscfg pubsub.Config
		gcfg  gcs.Config
	)
	if err := config.Load(&pscfg, &gcfg); err != nil {
		return "", nil, err
	}
	logFile, err := os.Create(filepath.Join(a.cfg.Out, "api-bench.log"))
	if err != nil {
		return "", nil, err
	}
	undo = append(undo, func() { logFile.Close() })
	log := slog.New(slog.NewTextHandler(logFile, nil))
	cloud, err := localcloud.Start(ctx, localcloud.Params{Buckets: []string{gcfg.RawBucket, gcfg.ReportsBucket}, PubSub: pscfg, Log: log})
	if err != nil {
		return "", nil, err
	}
	undo = append(undo, cloud.Close)
	// The function logs to standard output (and spans, when exported to
	// stdout, to standard error), taken when it is set up.
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = logFile, logFile
	var fn *api.Function
	acfg, err := api.LoadConfig()
	if err == nil {
		fn, err = api.New(ctx, acfg, api.Deps{Engines: duckdb.Engines})
	}
	os.Stdout, os.Stderr = stdout, stderr
	if err != nil {
		return "", nil, fmt.Errorf("setting the api function up here: %w", err)
	}
	undo = append(undo, func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := fn.Close(sctx); err != nil {
			logf("stopping the api function: %v", err)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: fn, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	undo = append(undo, func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), stop, nil
}

// runRaw compiles spec as the API does (explicit time range, so the
// watermark's defaults play no part) and runs it, reading every row.
func runRaw(ctx context.Context, db *sql.DB, cat *semantic.Catalog, access semantic.Access, scope semantic.TenantScope, spec map[string]any) (time.Duration, error) {
	b, _ := json.Marshal(spec)
	s, err := semantic.ParseSpec(b)
	if err != nil {
		return 0, err
	}
	q, err := cat.Validate(s, access)
	if err != nil {
		return 0, err
	}
	comp, err := q.Compile(semantic.DuckDB, scope)
	if err != nil {
		return 0, err
	}
	args := make([]any, len(comp.Params))
	for i, p := range comp.Params {
		args[i] = sql.Named(p.Name, p.Value)
	}
	t0 := time.Now()
	rows, err := db.QueryContext(ctx, comp.SQL, args...)
	if err != nil {
		return 0, fmt.Errorf("raw DuckDB: %w\n%s", err, comp.SQL)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}
