// Command load drives a running stack with make bench's mixed workload:
// 70 % cached queries, 20 % uncached queries and 10 % view writes, spread
// over the three demo orgs, for a bounded time at each of several
// concurrency levels. It prints one line per level, writes the figures as
// JSON and a plot of latency against concurrency as SVG.
//
//	go run ./scripts/load -api http://127.0.0.1:8080 -emulator 127.0.0.1:9099 \
//	  -conc 4,16,32 -duration 15s -out .data/bench
//
// Every non-2xx answer and every transport error counts as an error; the
// command exits non-zero when there is any. Uncached queries are distinct
// specs (see apiclient.Demo.Spec), numbered from -seed so that a second run
// within the cache's TTL still misses; the JSON says how many did hit.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mirante/mirante/scripts/internal/apiclient"
)

// Level is the outcome at one concurrency.
type Level struct {
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	Throughput  float64 `json:"throughput_rps"`
	P50         float64 `json:"p50_ms"`
	P95         float64 `json:"p95_ms"`
	P99         float64 `json:"p99_ms"`
	Max         float64 `json:"max_ms"`
	Errors      int     `json:"errors"`
	// ByKind counts requests per kind (cached, uncached, view_write).
	ByKind map[string]int `json:"by_kind"`
	// P95ByKind is each kind's own p95 in ms.
	P95ByKind map[string]float64 `json:"p95_ms_by_kind"`
	// UncachedHits counts uncached queries the cache answered anyway.
	UncachedHits int `json:"uncached_hits"`
	// FirstErrors quotes up to five errors.
	FirstErrors []string `json:"first_errors,omitempty"`
}

// Result is the whole run, written to load.json.
type Result struct {
	Mix    map[string]float64 `json:"mix"`
	Orgs   []string           `json:"orgs"`
	Levels []Level            `json:"levels"`
}

func main() {
	var (
		base     = flag.String("api", "http://127.0.0.1:8080", "the API's base URL")
		emulator = flag.String("emulator", "127.0.0.1:9099", "host:port of the Firebase Auth emulator")
		concs    = flag.String("conc", "4,16,32", "concurrency levels, comma-separated")
		duration = flag.Duration("duration", 15*time.Second, "time spent at each level")
		out      = flag.String("out", ".data/bench", "folder for load.json and load.svg")
		seed     = flag.Int64("seed", time.Now().Unix()%100_000*1000, "first number of the uncached specs")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	levels, err := parseLevels(*concs)
	if err == nil {
		err = run(ctx, *base, *emulator, levels, *duration, *out, *seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func parseLevels(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-conc: %q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// caller is one demo org's user.
type caller struct {
	demo apiclient.Demo
	c    *apiclient.Client
}

func run(ctx context.Context, base, emulator string, levels []int, d time.Duration, out string, seed int64) error {
	hc := apiclient.NewHTTP(slices.Max(levels))
	var callers []caller
	for _, demo := range apiclient.Demos {
		tok, err := apiclient.SignIn(ctx, hc, emulator, demo.Email)
		if err != nil {
			return err
		}
		c := caller{demo: demo, c: &apiclient.Client{Base: base, Token: tok, HTTP: hc}}
		// Warm each org's cached query, so that it is answered from cache.
		if _, err := c.c.Query(ctx, demo.Org, demo.Spec(0)); err != nil {
			return fmt.Errorf("warming %s: %w", demo.Org, err)
		}
		callers = append(callers, c)
	}
	res := Result{Mix: map[string]float64{"cached": 0.7, "uncached": 0.2, "view_write": 0.1}}
	for _, c := range callers {
		res.Orgs = append(res.Orgs, c.demo.Org)
	}
	next := atomic.Int64{}
	next.Store(seed)
	// View names are unique per org: a run's names carry its start time,
	// so runs against the same database never collide.
	runID := time.Now().UTC().Format("20060102T150405.000")
	failed := 0
	for _, n := range levels {
		lv := runLevel(ctx, callers, n, d, &next, runID)
		fmt.Printf("load: concurrency %3d  %7.1f req/s  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  errors %d  (uncached hits %d)\n",
			lv.Concurrency, lv.Throughput, lv.P50, lv.P95, lv.P99, lv.Errors, lv.UncachedHits)
		for _, e := range lv.FirstErrors {
			fmt.Println("  error:", e)
		}
		failed += lv.Errors
		res.Levels = append(res.Levels, lv)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "load.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "load.svg"), []byte(plot(res.Levels)), 0o644); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d requests failed", failed)
	}
	return nil
}

type sample struct {
	kind string
	dur  time.Duration
	err  error
	hit  bool
}

func runLevel(ctx context.Context, callers []caller, conc int, d time.Duration, next *atomic.Int64, runID string) Level {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	results := make([][]sample, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), uint64(conc)))
			for ctx.Err() == nil {
				c := callers[rnd.IntN(len(callers))]
				s := sample{}
				// The request itself is not bound to the level's deadline: a
				// request in flight when time is up finishes and counts.
				rctx := context.WithoutCancel(ctx)
				t0 := time.Now()
				switch p := rnd.Float64(); {
				case p < 0.7:
					s.kind = "cached"
					_, s.err = c.c.Query(rctx, c.demo.Org, c.demo.Spec(0))
				case p < 0.9:
					s.kind = "uncached"
					var m apiclient.QueryMeta
					m, s.err = c.c.Query(rctx, c.demo.Org, c.demo.Spec(int(next.Add(1))))
					s.hit = m.Cache == "hit"
				default:
					s.kind = "view_write"
					s.err = c.c.CreateView(rctx, c.demo.Org, fmt.Sprintf("load %s #%d", runID, next.Add(1)), c.demo.Spec(0))
				}
				s.dur = time.Since(t0)
				results[w] = append(results[w], s)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	lv := Level{Concurrency: conc, Seconds: elapsed.Seconds(), ByKind: map[string]int{}, P95ByKind: map[string]float64{}}
	var all []time.Duration
	kinds := map[string][]time.Duration{}
	for _, rs := range results {
		for _, s := range rs {
			lv.Requests++
			lv.ByKind[s.kind]++
			all = append(all, s.dur)
			kinds[s.kind] = append(kinds[s.kind], s.dur)
			if s.err != nil {
				lv.Errors++
				if len(lv.FirstErrors) < 5 {
					lv.FirstErrors = append(lv.FirstErrors, s.err.Error())
				}
			}
			if s.hit {
				lv.UncachedHits++
			}
		}
	}
	lv.Throughput = float64(lv.Requests) / elapsed.Seconds()
	lv.P50, lv.P95, lv.P99 = pct(all, 0.50), pct(all, 0.95), pct(all, 0.99)
	lv.Max = pct(all, 1)
	for k, ds := range kinds {
		lv.P95ByKind[k] = pct(ds, 0.95)
	}
	return lv
}

// pct is the q-quantile in ms (nearest rank).
func pct(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

// plot draws p50, p95 and p99 latency (ms) against concurrency, and the
// throughput as bars, in a plain SVG any browser opens.
func plot(levels []Level) string {
	const w, h, l, r, t, b = 640.0, 400.0, 60.0, 60.0, 40.0, 50.0
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", w, h)
	sb.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	sb.WriteString(`<text x="320" y="20" text-anchor="middle" font-size="13">Mixed load (70% cached, 20% uncached, 10% view writes): latency against concurrency</text>` + "\n")
	if len(levels) == 0 {
		sb.WriteString("</svg>\n")
		return sb.String()
	}
	maxY, maxT := 1.0, 1.0
	for _, lv := range levels {
		maxY, maxT = max(maxY, lv.P99), max(maxT, lv.Throughput)
	}
	maxY *= 1.1
	maxT *= 1.1
	const pad = 30.0 // keeps the end bars off the axes
	x := func(i int) float64 {
		if len(levels) == 1 {
			return (l + w - r) / 2
		}
		return l + pad + float64(i)*(w-l-r-2*pad)/float64(len(levels)-1)
	}
	y := func(v float64) float64 { return h - b - v/maxY*(h-t-b) }
	yt := func(v float64) float64 { return h - b - v/maxT*(h-t-b) }
	fmt.Fprintf(&sb, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`+"\n", l, h-b, w-r, h-b)
	fmt.Fprintf(&sb, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`+"\n", l, t, l, h-b)
	for k := 0; k <= 4; k++ {
		v := maxY * float64(k) / 4
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.1f" text-anchor="end">%.0f</text>`+"\n", l-6, y(v)+4, v)
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.1f" fill="#999">%.0f</text>`+"\n", w-r+6, yt(maxT*float64(k)/4)+4, maxT*float64(k)/4)
	}
	fmt.Fprintf(&sb, `<text x="16" y="%.0f" transform="rotate(-90 16 %.0f)" text-anchor="middle">latency (ms)</text>`+"\n", h/2, h/2)
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" transform="rotate(90 %.0f %.0f)" text-anchor="middle" fill="#999">throughput (req/s, bars)</text>`+"\n", w-14, h/2, w-14, h/2)
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="middle">concurrency</text>`+"\n", (l+w-r)/2, h-12)
	for i, lv := range levels {
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="16" height="%.1f" fill="#ddd"/>`+"\n", x(i)-8, yt(lv.Throughput), h-b-yt(lv.Throughput))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" text-anchor="middle">%d</text>`+"\n", x(i), h-b+16, lv.Concurrency)
	}
	series := []struct {
		name, color string
		v           func(Level) float64
	}{
		{"p50", "#1b9e77", func(lv Level) float64 { return lv.P50 }},
		{"p95", "#d95f02", func(lv Level) float64 { return lv.P95 }},
		{"p99", "#7570b3", func(lv Level) float64 { return lv.P99 }},
	}
	for si, s := range series {
		var pts []string
		for i, lv := range levels {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s.v(lv))))
			fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x(i), y(s.v(lv)), s.color)
		}
		fmt.Fprintf(&sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), s.color)
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" fill="%s">%s</text>`+"\n", l+pad+float64(si)*50, t+12, s.color, s.name)
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}
