package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/redis"
)

// readResults reads results.json back as plain JSON objects and checks
// each has exactly the keys of results.json's fixed format.
func readResults(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("results.json is not a JSON list of objects: %v\n%s", err, b)
	}
	ratioKeys := []string{"baseline", "max", "median", "min", "name", "ours", "ratio", "runs", "unit"}
	valueKeys := []string{"max", "median", "min", "name", "runs", "unit", "value"}
	for _, e := range got {
		var keys []string
		for k := range e {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, ratioKeys) && !slices.Equal(keys, valueKeys) {
			t.Errorf("entry %v has keys %v, want %v or %v", e["name"], keys, ratioKeys, valueKeys)
		}
	}
	return got
}

func TestResultsFormatAndRatios(t *testing.T) {
	t.Parallel()
	res := &Results{Path: filepath.Join(t.TempDir(), "out", "results.json")}
	if err := res.Add(RatioEntry("a_vs_b", "req/s", "", []float64{10, 30, 20}, []float64{40, 40, 50}, Median)); err != nil {
		t.Fatal(err)
	}
	if err := res.Add(ValueEntry("c_ms", "ms", "", []float64{1, 2, 3, 4, 100}, Percentile(0.95))); err != nil {
		t.Fatal(err)
	}
	// A second entry of a name replaces the first.
	if err := res.Add(RatioEntry("a_vs_b", "req/s", "", []float64{10, 30, 20}, []float64{40, 40, 40}, Median)); err != nil {
		t.Fatal(err)
	}
	got := readResults(t, res.Path)
	if len(got) != 2 {
		t.Fatalf("%d entries, want 2", len(got))
	}
	a := got[1]
	if a["name"] != "a_vs_b" || a["ours"] != 20.0 || a["baseline"] != 40.0 || a["ratio"] != 0.5 ||
		a["runs"] != 3.0 || a["min"] != 10.0 || a["median"] != 20.0 || a["max"] != 30.0 {
		t.Errorf("ratio entry = %v", a)
	}
	if c := got[0]; c["value"] != 100.0 || c["runs"] != 5.0 || c["median"] != 3.0 {
		t.Errorf("value entry = %v", c)
	}
	// No samples: refused, never written as NaN.
	if err := res.Add(RatioEntry("empty", "ms", "", nil, []float64{1}, Median)); err == nil {
		t.Error("an entry without samples was written")
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(100 - i) // 100..1, unsorted
	}
	cases := []struct {
		q, want float64
	}{{0.5, 50}, {0.95, 95}, {0.99, 99}, {1, 100}}
	for _, tc := range cases {
		if got := Percentile(tc.q)(xs); got != tc.want {
			t.Errorf("p%v = %v, want %v", tc.q*100, got, tc.want)
		}
	}
	if got := Median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median = %v, want 2.5", got)
	}
}

func TestParseRenderBench(t *testing.T) {
	t.Parallel()
	out := []byte(`goos: linux
BenchmarkRenderStandardPDF-2   	       1	3141592653 ns/op	      3200 median-ms
BenchmarkRawPandocChromium-2   	       1	2718281828 ns/op	      2718 median-ms
BenchmarkRenderStandardPDF-2   	       1	3141592653 ns/op	      3000 median-ms
BenchmarkRawPandocChromium-2   	       1	2718281828 ns/op	      2500.5 median-ms
PASS
`)
	ours, raw, err := parseRenderBench(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ours, []float64{3200, 3000}) || !slices.Equal(raw, []float64{2718, 2500.5}) {
		t.Errorf("ours %v, raw %v", ours, raw)
	}
	if _, _, err := parseRenderBench([]byte("FAIL\n")); err == nil {
		t.Error("output without benchmarks parsed")
	}
}

// The ingest benchmark end to end at a tiny size: real loads and read_csv
// runs, and the ratios are those of what was measured.
func TestIngestBenchSmoke(t *testing.T) {
	dir := t.TempDir()
	es, err := benchIngest(context.Background(), IngestParams{Dir: dir, Rows: 4000, Small: 1000, Runs: 2, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, e := range es {
		names = append(names, e.Name)
		if e.Ours == nil || e.Baseline == nil || e.Ratio == nil || e.Value != nil {
			t.Fatalf("%s: not a ratio entry: %+v", e.Name, e)
		}
		if *e.Ours <= 0 || *e.Baseline <= 0 || e.Runs != 2 {
			t.Errorf("%s: nothing measured: %+v", e.Name, e)
		}
		if math.Abs(*e.Ratio - *e.Ours / *e.Baseline) > 1e-9 || *e.Ours != e.Median || e.Min > e.Median || e.Median > e.Max {
			t.Errorf("%s: the figures do not follow from the samples: %+v", e.Name, e)
		}
	}
	if !slices.Equal(names, []string{"ingest_rows_per_s_vs_duckdb_read_csv", "ingest_landing_rows_per_s_vs_duckdb_read_csv",
		"ingest_marts_rows_per_s_vs_duckdb_copy", "ingest_peak_heap_large_vs_small_file"}) {
		t.Fatalf("entries %v", names)
	}
	// Landing is a part of each load: its rate is above the whole load's.
	if *es[1].Ours <= *es[0].Ours || *es[1].Baseline != *es[0].Baseline {
		t.Errorf("landing %v rows/s against the whole load's %v (baselines %v, %v)", *es[1].Ours, *es[0].Ours, *es[1].Baseline, *es[0].Baseline)
	}
	res := &Results{Path: filepath.Join(dir, "results.json")}
	for _, e := range es {
		if err := res.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	readResults(t, res.Path)
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range left {
		if !strings.HasSuffix(f, "results.json") {
			t.Errorf("left behind: %s", f)
		}
	}
}

// The CPU accounting finds this process and counts what it spends: its
// reading moves with the process's own rusage (another source of the same
// figure) while the test burns CPU. The test waits on CPU spent, not on the
// clock, so a busy machine only makes it slower.
func TestReadCPUCountsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	rusage := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	before, r0 := readCPU(), rusage()
	x := 0
	for rusage()-r0 < 200*time.Millisecond {
		x++
	}
	after, spent := readCPU(), rusage()-r0
	if got := after["bench"] - before["bench"]; got < spent-50*time.Millisecond {
		t.Fatalf("%v of CPU spent (rusage) counted as %v (%d loops)", spent, got, x)
	}
	line := perRequest(before, after, 10)
	// Other stacks on the machine may show up beside it.
	if !strings.Contains(", "+line, ", bench ") {
		t.Fatalf("per request: %q", line)
	}
}

// machineBusy sees this process spinning: one spinning goroutine keeps at
// least half a core of the machine busy (a quarter of two cores).
func TestMachineBusySeesASpinningGoroutine(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat here")
	}
	var stop atomic.Bool
	go func() {
		n := 0
		for !stop.Load() {
			n++
		}
		_ = n
	}()
	busy, ok := machineBusy(300 * time.Millisecond)
	stop.Store(true)
	if !ok || busy < 1.0/float64(2*runtime.NumCPU()) || busy > 1 {
		t.Fatalf("busy %.2f (ok %v) while a goroutine spun on %d cores", busy, ok, runtime.NumCPU())
	}
}

// The cached-query floor and the load client each run as a process of
// their own: the client measures the floor, which answers with the value
// stored under the baseline key.
func TestClientMeasuresFloorInItsOwnProcess(t *testing.T) {
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		t.Fatal("TEST_REDIS_URL is not set: start Redis (scripts/dev services prints the URLs)")
	}
	ctx := context.Background()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Root: root, Out: t.TempDir()}
	client, err := buildTool(ctx, cfg, "./scripts/bench/loadclient")
	if err != nil {
		t.Fatal(err)
	}
	floorBin, err := buildTool(ctx, cfg, "./scripts/bench/redisget")
	if err != nil {
		t.Fatal(err)
	}
	opt, err := goredis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.Set(ctx, redis.BenchBaselineKey, `{"data":[],"meta":{"cache":"hit"}}`, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Del(context.Background(), redis.BenchBaselineKey) })
	url, stop, err := startFloor(ctx, floorBin, redisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res, err := runClient(ctx, client, target{name: "floor", url: url, hit: true}, 2, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Rate <= 0 || res.P50 <= 0 || res.P50 > res.P95 {
		t.Errorf("result %+v", res)
	}
	// The static answer is read once: it still answers, with the same
	// value, once the key is gone, when the Redis floor no longer can.
	staticURL, stopStatic, err := startFloor(ctx, floorBin, redisURL, "-static")
	if err != nil {
		t.Fatal(err)
	}
	defer stopStatic()
	if err := rdb.Del(ctx, redis.BenchBaselineKey).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := runClient(ctx, client, target{name: "static", url: staticURL, hit: true}, 2, 300*time.Millisecond); err != nil {
		t.Errorf("the static answer after the key's deletion: %v", err)
	}
	if _, err := runClient(ctx, client, target{name: "floor", url: url, hit: true}, 1, 100*time.Millisecond); err == nil {
		t.Error("the Redis floor answered after its key's deletion: the test proves nothing")
	}
}

func TestParseShowing(t *testing.T) {
	t.Parallel()
	out := []byte("File: local\nType: cpu\nActive filters:\n   focus=audit\nShowing nodes accounting for 0.35s, 4.27% of 8.20s total\n      flat  flat%\n")
	if got, err := parseShowing(out); err != nil || math.Abs(got-0.0427) > 1e-9 {
		t.Errorf("share %v, %v", got, err)
	}
	if _, err := parseShowing([]byte("nothing")); err == nil {
		t.Error("output without a summary parsed")
	}
}

func TestResidentMiBOfThisProcess(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	mib, err := residentMiB(os.Getpid())
	if err != nil || mib < 1 || mib > 4096 {
		t.Fatalf("resident %v MiB, %v", mib, err)
	}
}
