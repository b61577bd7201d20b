package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// auditFocus matches the frames that record a request in the audit log:
// the default summary, the entry's summary, the hand-off to the writer and
// the batched writer with its inserts. pprof's focus keeps every sample
// with one of them anywhere on its stack.
const auditFocus = `mirante/shared/audit\.|\(\*AuditLog\)\.|httpapi\.querySummary`

// auditCost measures what the audit entry costs a cached POST /query: one
// more window of the cached query at concurrency 16, with the API's CPU
// profile. The share of the API's samples under auditFocus, times the API's
// CPU per request, plus PostgreSQL's CPU per request (on the cached path
// PostgreSQL does nothing but the audit log's batched inserts), is the
// audit's cost; the entry sets it against the whole request's CPU in the
// API and PostgreSQL.
func (a *apiBench) auditCost(ctx context.Context, client string, ours target) (Entry, error) {
	dir := a.cfg.ProfileDir
	if dir == "" {
		dir = filepath.Join(a.cfg.Out, "tmp")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Entry{}, err
	}
	path := filepath.Join(dir, "api-cached-audit-c16.pprof")
	done := make(chan error, 1)
	c0, t0 := readCPU(), time.Now()
	go func() { done <- fetchAPIProfile(a.base, a.cfg.Window, path) }()
	res, err := runClient(ctx, client, ours, 16, a.cfg.Window)
	perr := <-done
	c1, spent := readCPU(), time.Since(t0).Seconds()
	if err != nil {
		return Entry{}, err
	}
	if perr != nil {
		return Entry{}, perr
	}
	share, err := profileShare(ctx, path, auditFocus)
	if err != nil {
		return Entry{}, err
	}
	n := res.Rate * spent
	ms := func(g string) float64 { return float64((c1[g] - c0[g]).Microseconds()) / 1000 / n }
	api, pg := ms("api"), ms("postgres")
	cost := share*api + pg
	logf("audit on the cached path: %.1f %% of the API's CPU samples (%.3f ms of %.3f per request) and PostgreSQL's %.3f ms per request: %.3f ms of %.3f, %.1f %%",
		share*100, share*api, api, pg, cost, api+pg, 100*cost/(api+pg))
	return RatioEntry("cached_query_audit_cpu_ms", "ms", "", []float64{cost}, []float64{api + pg}, Median), nil
}

// fetchAPIProfile writes the API's CPU profile over the next d to path.
func fetchAPIProfile(base string, d time.Duration, path string) error {
	hc := &http.Client{Timeout: d + 30*time.Second}
	resp, err := hc.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, max(1, int(d.Seconds()))))
	if err != nil {
		return fmt.Errorf("profiling the API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profiling the API: status %d", resp.StatusCode)
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// showing is pprof's summary of what a filtered report keeps.
var showing = regexp.MustCompile(`Showing nodes accounting for [^,]+, ([0-9.]+)% of`)

// profileShare is the share of the profile's samples with a frame that
// matches focus, read from go tool pprof's summary of the focused report
// (every node kept, so the nodes shown account for every focused sample).
func profileShare(ctx context.Context, path, focus string) (float64, error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodefraction=0", "-nodecount=1000000", "-focus="+focus, path).CombinedOutput()
	if bytes.Contains(out, []byte("no matches found")) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("go tool pprof %s: %v\n%s", path, err, out)
	}
	return parseShowing(out)
}

func parseShowing(out []byte) (float64, error) {
	m := showing.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("go tool pprof: no summary in\n%s", out)
	}
	pct, err := strconv.ParseFloat(string(m[1]), 64)
	return pct / 100, err
}
