// Command bench is `make bench`: every speed target of the project, measured
// in one run against a stack it starts itself on side ports, each as a
// ratio against a baseline measured in the same run (the machines are
// shared and noisy). It prints a table and writes .data/bench/results.json
// (keys fixed, see Entry), load.json and load.svg beside it, then stops
// the stack. scripts/bench/README.md says how to read it.
//
// Sizes and durations come from the environment: BENCH_ROWS (rows of the
// generated comex_monthly, 10 000 000), BENCH_INGEST_ROWS (the large Comex
// file, 1 200 000; the small one has a quarter), BENCH_SECONDS (each
// throughput round, 4), BENCH_ROUNDS (3), BENCH_UNCACHED (queries of each of
// the two uncached kinds, 200), BENCH_COLD_RUNS (5), BENCH_REPORT_RUNS (3),
// BENCH_INGEST_RUNS (3), BENCH_LOAD_CONC (4,16,32), BENCH_LOAD_SECONDS (15),
// BENCH_ONLY (comma-separated benchmark groups: cold, cached, load,
// uncached, ingest, report, up; all when unset), BENCH_OUT (.data/bench),
// BENCH_PROFILE_DIR (where to write CPU profiles of the cached-query
// measurements, see profile.go; none when unset) and
// the stack's ports (BENCH_API_PORT, BENCH_AUTH_PORT, BENCH_HUB_PORT,
// BENCH_LOGGING_PORT, BENCH_GCS_PORT; BENCH_STACK_DIR, BENCH_DB_NAME).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Config is the run's sizes, read from BENCH_* variables.
type Config struct {
	Root         string
	Out          string
	ComexRows    int
	IngestRows   int
	IngestRuns   int
	Window       time.Duration
	Rounds       int
	Uncached     int
	ColdRuns     int
	ReportRuns   int
	LoadConc     string
	LoadDuration time.Duration
	Only         map[string]bool
	ProfileDir   string
}

func (c Config) want(group string) bool { return len(c.Only) == 0 || c.Only[group] }

func intEnv(k string, def int) (int, error) {
	v := os.Getenv(k)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s: %q is not a positive integer", k, v)
	}
	return n, nil
}

func loadConfig() (Config, error) {
	root, err := os.Getwd()
	if err != nil {
		return Config{}, err
	}
	c := Config{Root: root, Out: envOr("BENCH_OUT", filepath.Join(root, ".data", "bench")), LoadConc: envOr("BENCH_LOAD_CONC", "4,16,32"), Only: map[string]bool{}, ProfileDir: os.Getenv("BENCH_PROFILE_DIR")}
	ints := []struct {
		k   string
		def int
		dst *int
	}{
		{"BENCH_ROWS", 10_000_000, &c.ComexRows}, {"BENCH_INGEST_ROWS", 1_200_000, &c.IngestRows},
		{"BENCH_INGEST_RUNS", 3, &c.IngestRuns}, {"BENCH_ROUNDS", 3, &c.Rounds}, {"BENCH_UNCACHED", 200, &c.Uncached},
		{"BENCH_COLD_RUNS", 5, &c.ColdRuns}, {"BENCH_REPORT_RUNS", 3, &c.ReportRuns},
	}
	for _, i := range ints {
		if *i.dst, err = intEnv(i.k, i.def); err != nil {
			return c, err
		}
	}
	secs, err := intEnv("BENCH_SECONDS", 4)
	if err != nil {
		return c, err
	}
	c.Window = time.Duration(secs) * time.Second
	if secs, err = intEnv("BENCH_LOAD_SECONDS", 15); err != nil {
		return c, err
	}
	c.LoadDuration = time.Duration(secs) * time.Second
	for _, g := range strings.Split(os.Getenv("BENCH_ONLY"), ",") {
		if g = strings.TrimSpace(g); g != "" {
			c.Only[g] = true
		}
	}
	return c, nil
}

func logf(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context) (err error) {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	res := &Results{Path: filepath.Join(cfg.Out, "results.json")}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return err
	}
	defer func() {
		fmt.Println()
		res.Table(os.Stdout)
		fmt.Printf("\nwritten: %s\n", res.Path)
	}()
	add := func(es ...Entry) error {
		for _, e := range es {
			if err := res.Add(e); err != nil {
				return err
			}
		}
		return nil
	}

	// The ingest benchmark first: its peak-heap figure is read in a process
	// that has not yet hosted the api function (whose memory, kept live,
	// raises the heap the garbage collector lets grow before it collects).
	if cfg.want("ingest") {
		logf("ingest: generating Comex files of %d and %d rows", cfg.IngestRows, cfg.IngestRows/4)
		es, err := benchIngest(ctx, IngestParams{Dir: filepath.Join(cfg.Out, "tmp"), Rows: cfg.IngestRows, Runs: cfg.IngestRuns, Log: logf})
		if err != nil {
			return err
		}
		if err := add(es...); err != nil {
			return err
		}
	}
	if cfg.want("cold") || cfg.want("cached") || cfg.want("load") || cfg.want("uncached") {
		if err := benchStack(ctx, cfg, add); err != nil {
			return err
		}
	}
	if cfg.want("up") {
		logf("make up: a fresh clone of this repository, with warm Go and npm caches")
		e, err := upWarm(ctx, cfg)
		if err != nil {
			return err
		}
		if err := add(e); err != nil {
			return err
		}
	}
	if cfg.want("report") {
		logf("report: the standard PDF against raw pandoc + Chromium, %d runs each", cfg.ReportRuns)
		e, err := benchReport(ctx, cfg)
		if err != nil {
			return err
		}
		if err := add(e); err != nil {
			return err
		}
	}
	return nil
}

// benchStack runs every benchmark that needs the running stack, then stops it.
func benchStack(ctx context.Context, cfg Config, add func(...Entry) error) (err error) {
	st := NewStack(cfg.Root, cfg.ComexRows)
	logf("stack: scripts/dev up on API :%s, auth :%s, data %s, comex_monthly %d rows (generated once, kept for the next run)",
		st.Env["API_PORT"], st.Env["AUTH_EMULATOR_PORT"], st.DataDir, cfg.ComexRows)
	t0 := time.Now()
	if err := st.Up(ctx); err != nil {
		// up stops what it started when it fails.
		return err
	}
	logf("stack: up in %s", time.Since(t0).Round(time.Second))
	defer func() {
		logf("stack: down")
		if derr := st.Down(context.WithoutCancel(ctx)); derr != nil && err == nil {
			err = derr
		}
	}()
	a, err := newAPIBench(ctx, cfg, st)
	if err != nil {
		return err
	}
	defer func() { a.Close() }()
	if cfg.want("cold") {
		es, err := a.coldStart(ctx)
		if err != nil {
			return err
		}
		if err := add(es...); err != nil {
			return err
		}
	}
	if cfg.want("cached") {
		es, err := a.cachedThroughput(ctx)
		if err != nil {
			return err
		}
		if err := add(es...); err != nil {
			return err
		}
	}
	if cfg.want("load") {
		es, err := a.load(ctx)
		if err != nil {
			return err
		}
		if err := add(es...); err != nil {
			return err
		}
	}
	if cfg.want("uncached") {
		// The uncached queries meet an api function set up afresh in this
		// process (see uncached): nothing the cached and load benchmarks
		// left in the stack's API answers them.
		es, err := a.uncached(ctx)
		if err != nil {
			return err
		}
		if err := add(es...); err != nil {
			return err
		}
	}
	return nil
}
