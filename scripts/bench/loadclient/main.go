// Command loadclient is make bench's closed-loop load client, run as a
// process of its own so that the client never shares a process with what
// it measures. For -duration it keeps -conc requests in flight against one
// URL, each worker on its own keep-alive connection, and prints one JSON
// object: the requests answered, their rate and latency percentiles.
//
//	loadclient -url http://127.0.0.1:28080/v1/orgs/porto-sul/query \
//	  -body-file spec.json -hit -conc 16 -duration 4s
//
// A POST carries -body-file as application/json; the bearer token, when
// the target needs one, comes from the environment variable -token-env
// names (so that it never shows in a process listing). Every answer is
// read in full; with -hit the answer must be a query answer whose meta
// says the cache answered it. Any failure ends the run with a non-zero
// exit and the first error on standard error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mirante/mirante/scripts/internal/apiclient"
)

type params struct {
	url, bodyFile, tokenEnv, cpuProfile string
	hit                                 bool
	conc                                int
	duration, warmup                    time.Duration
}

func main() {
	var p params
	flag.StringVar(&p.url, "url", "", "the URL every request goes to")
	flag.StringVar(&p.bodyFile, "body-file", "", "POST this file as application/json (none: GET)")
	flag.StringVar(&p.tokenEnv, "token-env", "LOADCLIENT_TOKEN", "environment variable holding the bearer token (unset: no Authorization)")
	flag.BoolVar(&p.hit, "hit", false, "each answer must be a query answer the cache gave (meta.cache hit)")
	flag.IntVar(&p.conc, "conc", 16, "requests in flight")
	flag.DurationVar(&p.duration, "duration", 4*time.Second, "how long to measure")
	flag.DurationVar(&p.warmup, "warmup", 300*time.Millisecond, "load sent first and not counted (connections open, caches warm)")
	flag.StringVar(&p.cpuProfile, "cpuprofile", "", "write the client's CPU profile of the measured window to this file")
	flag.Parse()
	res, err := run(context.Background(), p)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadclient:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func run(ctx context.Context, p params) (apiclient.LoadResult, error) {
	if p.url == "" || p.conc < 1 || p.duration <= 0 {
		return apiclient.LoadResult{}, errors.New("-url, a positive -conc and a positive -duration are required")
	}
	var body []byte
	if p.bodyFile != "" {
		b, err := os.ReadFile(p.bodyFile)
		if err != nil {
			return apiclient.LoadResult{}, err
		}
		body = b
	}
	hc := apiclient.NewHTTP(p.conc)
	defer hc.CloseIdleConnections()
	do := request(hc, p.url, body, os.Getenv(p.tokenEnv), p.hit)
	if p.warmup > 0 {
		if _, _, err := loop(ctx, p.conc, p.warmup, do); err != nil {
			return apiclient.LoadResult{}, err
		}
	}
	stop, err := startProfile(p.cpuProfile)
	if err != nil {
		return apiclient.LoadResult{}, err
	}
	lat, elapsed, err := loop(ctx, p.conc, p.duration, do)
	stop()
	if err != nil {
		return apiclient.LoadResult{}, err
	}
	slices.Sort(lat)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return apiclient.LoadResult{
		Requests: len(lat), Seconds: elapsed.Seconds(), Rate: float64(len(lat)) / elapsed.Seconds(),
		P50: pct(lat, 0.50), P95: pct(lat, 0.95), P99: pct(lat, 0.99),
		CPU: float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6,
	}, nil
}

// startProfile profiles this process's CPU into path until stop is called;
// with no path it does nothing.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// bodies recycles answer buffers across requests.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// request returns one call of the target: the answer read in full and
// checked.
func request(hc *http.Client, url string, body []byte, token string, hit bool) func(context.Context) error {
	method := http.MethodGet
	if body != nil {
		method = http.MethodPost
	}
	return func(ctx context.Context) error {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, url, rd)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		buf := bodies.Get().(*bytes.Buffer)
		defer bodies.Put(buf)
		buf.Reset()
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s %s: status %d", method, url, resp.StatusCode)
		}
		if hit && !cacheHit(buf.Bytes()) {
			m, err := apiclient.ParseMeta(buf.Bytes())
			if err != nil {
				return err
			}
			return fmt.Errorf("a cached query answered with meta.cache %q", m.Cache)
		}
		return nil
	}
}

// cacheHit says whether a query answer's meta, its last member, says the
// cache gave it. The meta is compact JSON of flat fields before its nested
// source_status, so its cache member is spelled exactly so when it is a hit;
// anything else (a miss, no meta) is decoded to say what it was.
func cacheHit(answer []byte) bool {
	i := bytes.LastIndex(answer, []byte(`"meta":{`))
	if i < 0 {
		return false
	}
	meta := answer[i:]
	if j := bytes.IndexByte(meta[len(`"meta":{`):], '{'); j >= 0 {
		meta = meta[:len(`"meta":{`)+j]
	}
	return bytes.Contains(meta, []byte(`"cache":"hit"`))
}

// loop keeps conc calls of do in flight for d and returns each successful
// call's latency and the time it took; any failure ends it.
func loop(ctx context.Context, conc int, d time.Duration, do func(context.Context) error) ([]time.Duration, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	var stopped atomic.Bool
	lats := make([][]time.Duration, conc)
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil && !stopped.Load() {
				t0 := time.Now()
				// A request in flight when time is up finishes and counts.
				if err := do(context.WithoutCancel(ctx)); err != nil {
					once.Do(func() { firstErr = err; stopped.Store(true) })
					return
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return nil, 0, firstErr
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return all, elapsed, nil
}

// pct is the q-quantile of sorted latencies in ms, by nearest rank.
func pct(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i].Nanoseconds()) / 1e6
}
