package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/mirante/mirante/scripts/internal/apiclient"
	"github.com/mirante/mirante/shared/redis"
)

// target is one side of the cached-query comparison: where the load client
// sends its requests, with what, and whether the API serves it (so that
// its CPU profile says something).
type target struct {
	name, url, bodyFile, token string
	// profile, when set, is where the client writes its CPU profile.
	profile  string
	hit, api bool
}

// buildTool builds the command in pkg (./scripts/...) into the bench's bin
// folder and returns its path.
func buildTool(ctx context.Context, cfg Config, pkg string) (string, error) {
	bin := filepath.Join(cfg.Out, "bin", filepath.Base(pkg))
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	build.Dir = cfg.Root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}

// runClient runs the load client against t at conc for d, in a process of
// its own.
func runClient(ctx context.Context, bin string, t target, conc int, d time.Duration) (apiclient.LoadResult, error) {
	args := []string{"-url", t.url, "-conc", fmt.Sprint(conc), "-duration", d.String()}
	if t.profile != "" {
		args = append(args, "-cpuprofile", t.profile)
	}
	if t.bodyFile != "" {
		args = append(args, "-body-file", t.bodyFile)
	}
	if t.hit {
		args = append(args, "-hit")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "LOADCLIENT_TOKEN="+t.token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return apiclient.LoadResult{}, fmt.Errorf("load client against %s: %v: %s", t.name, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var res apiclient.LoadResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Requests == 0 {
		return apiclient.LoadResult{}, fmt.Errorf("load client against %s: no result (%v): %s", t.name, err, stdout.Bytes())
	}
	return res, nil
}

// startFloor starts the baseline handler (scripts/bench/redisget) as a
// process of its own on a free port, once it answers; stop ends it. args
// go to the handler (-static: it reads the value once and serves it from
// memory).
func startFloor(ctx context.Context, bin, redisURL string, args ...string) (url string, stop func(), err error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:" + port}, args...)...)
	cmd.Env = append(os.Environ(), "REDIS_URL="+redisURL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	c, err := startChild(cmd)
	if err != nil {
		return "", nil, err
	}
	url = "http://127.0.0.1:" + port + "/"
	if err := c.awaitOK(ctx, url, 20*time.Millisecond, 15*time.Second); err != nil {
		c.stop(5 * time.Second)
		return "", nil, fmt.Errorf("the baseline handler: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return url, func() { c.stop(5 * time.Second) }, nil
}

// serveNear serves the baseline handler from this process, beside nothing
// but the bench's own bookkeeping.
func serveNear(redisURL string) (url string, stop func(), err error) {
	h, closeRedis, err := redis.BenchBaseline(redis.Config{URL: redisURL, Timeout: 500 * time.Millisecond})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		closeRedis()
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { srv.Close(); closeRedis() }, nil
}

// cachedSetup makes the run's cached query, checks that it is a hit, and
// stores a value as large as its answer under the baselines' key. It
// returns the query's target.
func (a *apiBench) cachedSetup(ctx context.Context) (target, error) {
	org := apiclient.Demos[0].Org
	c := a.clients[org]
	// A limit of the run's own makes its cache entry fresh: an entry left by
	// an earlier run on the same stack could expire mid-measurement.
	spec := apiclient.UFByMonth(1000 + int(time.Now().Unix()%4_000))
	if _, err := c.Query(ctx, org, spec); err != nil {
		return target{}, err
	}
	st, body, err := c.Do(ctx, http.MethodPost, "/v1/orgs/"+org+"/query", spec)
	if err != nil || st != http.StatusOK {
		return target{}, fmt.Errorf("cached query: status %d, %v", st, err)
	}
	if m, err := apiclient.ParseMeta(body); err != nil || m.Cache != "hit" {
		return target{}, fmt.Errorf("the second identical query was not a cache hit (meta.cache %q, %v)", m.Cache, err)
	}
	if err := a.rdb.Set(ctx, redis.BenchBaselineKey, body, 30*time.Minute).Err(); err != nil {
		return target{}, err
	}
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return target{}, err
	}
	specFile := filepath.Join(a.cfg.Out, "tmp", "cached-spec.json")
	if err := os.MkdirAll(filepath.Dir(specFile), 0o755); err != nil {
		return target{}, err
	}
	if err := os.WriteFile(specFile, specJSON, 0o644); err != nil {
		return target{}, err
	}
	return target{name: "ours", url: a.base + "/v1/orgs/" + org + "/query", bodyFile: specFile, token: c.Token, hit: true, api: true}, nil
}

// cachedSides holds each side's samples at one concurrency.
type cachedSides map[string][]apiclient.LoadResult

func (s cachedSides) rates(name string) []float64 {
	var out []float64
	for _, r := range s[name] {
		out = append(out, r.Rate)
	}
	return out
}

func (s cachedSides) latencies(name string, p func(apiclient.LoadResult) float64) []float64 {
	var out []float64
	for _, r := range s[name] {
		out = append(out, p(r))
	}
	return out
}

// cachedThroughput: POST /query answered from the cache, through auth,
// membership, rate limit and audit, against a bare net/http handler that
// does one Redis GET of a value as large as the answer. The load client is
// a process of its own (scripts/bench/loadclient), and so is the handler
// the target is set against (scripts/bench/redisget, "floor"); the same
// handler is also measured inside the API's binary ("base", the local
// runner's LOCAL_BENCH_BASELINE route) and inside this process ("near"),
// for the figures earlier runs reported. The sides take turns within each
// round, each round starting with the next side.
func (a *apiBench) cachedThroughput(ctx context.Context) ([]Entry, error) {
	ours, err := a.cachedSetup(ctx)
	if err != nil {
		return nil, err
	}
	defer a.rdb.Del(context.WithoutCancel(ctx), redis.BenchBaselineKey)
	client, err := buildTool(ctx, a.cfg, "./scripts/bench/loadclient")
	if err != nil {
		return nil, err
	}
	floorBin, err := buildTool(ctx, a.cfg, "./scripts/bench/redisget")
	if err != nil {
		return nil, err
	}
	floorURL, stopFloor, err := startFloor(ctx, floorBin, a.st.Vars["REDIS_URL"])
	if err != nil {
		return nil, err
	}
	defer stopFloor()
	staticURL, stopStatic, err := startFloor(ctx, floorBin, a.st.Vars["REDIS_URL"], "-static")
	if err != nil {
		return nil, err
	}
	defer stopStatic()
	nearURL, stopNear, err := serveNear(a.st.Vars["REDIS_URL"])
	if err != nil {
		return nil, err
	}
	defer stopNear()
	floor, static := target{name: "floor", url: floorURL}, target{name: "static", url: staticURL}
	all := []target{ours, floor, static, {name: "base", url: a.base + "/debug/bench/redis-get", api: true}, {name: "near", url: nearURL}}
	byConc := map[int]cachedSides{}
	for _, conc := range []int{16, 64, 1} {
		sides := all
		if conc == 1 {
			sides = all[:3] // the latency at one connection: ours, the floor and the static answer
		}
		if byConc[conc], err = a.cachedRounds(ctx, client, sides, conc); err != nil {
			return nil, err
		}
	}
	es := cachedEntries(byConc)
	audit, err := a.auditCost(ctx, client, ours)
	if err != nil {
		return nil, err
	}
	return append(es, audit), nil
}

// cachedRounds measures each side at conc, BENCH_ROUNDS times, the order
// rotating by one side each round.
func (a *apiBench) cachedRounds(ctx context.Context, client string, sides []target, conc int) (cachedSides, error) {
	out := cachedSides{}
	for r := 0; r < a.cfg.Rounds; r++ {
		line, cpuLine := "", ""
		for i := range sides {
			t := sides[(i+r)%len(sides)]
			c0, t0 := readCPU(), time.Now()
			name := fmt.Sprintf("cached-%s-c%d-r%d", t.name, conc, r+1)
			stop := a.profile(name, t.api)
			if a.cfg.ProfileDir != "" {
				t.profile = filepath.Join(a.cfg.ProfileDir, "client-"+name+".pprof")
			}
			res, err := runClient(ctx, client, t, conc, a.cfg.Window)
			if err != nil && ctx.Err() == nil {
				// One failed request ends a run (a Redis call past its
				// timeout on a crowded machine, say); a second failure
				// in a row ends the benchmark.
				logf("cached, concurrency %d, round %d: %v; measuring %s again", conc, r+1, err, t.name)
				c0, t0 = readCPU(), time.Now()
				res, err = runClient(ctx, client, t, conc, a.cfg.Window)
			}
			stop()
			if err != nil {
				return nil, err
			}
			out[t.name] = append(out[t.name], res)
			// The client's warm-up requests fall inside the CPU reading.
			spent := time.Since(t0).Seconds()
			line += fmt.Sprintf("; %s %.0f req/s p50 %.3f ms", t.name, res.Rate, res.P50)
			// The client has exited by now: it says its CPU itself.
			if cpu := perRequest(c0, readCPU(), res.Rate*spent); cpu != "" {
				cpuLine += fmt.Sprintf("; %s: %s, client %.3f", t.name, cpu, res.CPU/(res.Rate*spent))
			}
		}
		logf("cached, concurrency %d, round %d%s", conc, r+1, line)
		if cpuLine != "" {
			logf("  CPU ms per request%s", cpuLine)
		}
	}
	return out, nil
}

// cachedEntries reduces the rounds to the figures of results.json.
func cachedEntries(by map[int]cachedSides) []Entry {
	c16, c64, c1 := by[16], by[64], by[1]
	lower := func(name, base, target string) Entry {
		e16 := RatioEntry(name, "req/s", target, c16.rates("ours"), c16.rates(base), Median)
		e64 := RatioEntry(name, "req/s", target, c64.rates("ours"), c64.rates(base), Median)
		logf("cached throughput against %s: ratio %.3f at 16, %.3f at 64", base, *e16.Ratio, *e64.Ratio)
		if *e64.Ratio < *e16.Ratio {
			return e64
		}
		return e16
	}
	p50 := func(r apiclient.LoadResult) float64 { return r.P50 }
	p95 := func(r apiclient.LoadResult) float64 { return r.P95 }
	return []Entry{
		RatioEntry("cached_query_throughput_vs_redis_get_outside", "req/s", "≥ 0.8", c16.rates("ours"), c16.rates("floor"), Median),
		RatioEntry("cached_query_p50_ms_c1", "ms", "≤ 0.25", c1.latencies("ours", p50), c1.latencies("floor", p50), Median),
		lower("cached_query_throughput_vs_redis_get", "base", "≥ 0.5"),
		lower("cached_query_throughput_vs_redis_get_in_bench", "near", ""),
		ValueEntry("cached_query_p95_ms", "ms", "≤ 5", c1.latencies("ours", p95), Median),
		// No target: against an answer of the same size served from
		// memory (no Redis, nothing behind it), what HTTP alone allows on
		// this machine.
		RatioEntry("cached_query_throughput_vs_static_answer", "req/s", "—", c16.rates("ours"), c16.rates("static"), Median),
		RatioEntry("cached_query_p50_ms_c1_vs_static_answer", "ms", "—", c1.latencies("ours", p50), c1.latencies("static", p50), Median),
	}
}
