package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"
)

// profile, when BENCH_PROFILE_DIR is set, records CPU profiles of one
// measurement until the returned stop is called: this process's (the load
// generator, and the baseline handler beside it) as bench-<name>.pprof and,
// with api, the stack's local runner's (/debug/pprof/profile, for the
// measurement window) as api-<name>.pprof. Read them with go tool pprof.
func (a *apiBench) profile(name string, api bool) (stop func()) {
	dir := a.cfg.ProfileDir
	if dir == "" {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		logf("profile %s: %v", name, err)
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, "bench-"+name+".pprof"))
	if err != nil {
		logf("profile %s: %v", name, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		logf("profile %s: %v", name, err)
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if !api {
			return
		}
		hc := &http.Client{Timeout: a.cfg.Window + 30*time.Second}
		url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", a.base, int(a.cfg.Window.Seconds()))
		resp, err := hc.Get(url)
		if err != nil {
			logf("profile %s of the API: %v", name, err)
			return
		}
		defer resp.Body.Close()
		out, err := os.Create(filepath.Join(dir, "api-"+name+".pprof"))
		if err != nil {
			logf("profile %s of the API: %v", name, err)
			return
		}
		defer out.Close()
		if _, err := io.Copy(out, resp.Body); err != nil {
			logf("profile %s of the API: %v", name, err)
		}
	}()
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		<-done
	}
}
