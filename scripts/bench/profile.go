package main

import (
	"os"
	"path/filepath"
	"runtime/pprof"
)

// profile, when BENCH_PROFILE_DIR is set, records CPU profiles of one
// measurement until the returned stop is called: this process's (the
// baseline handler served here, or the uncached queries' api function and
// raw runs) as bench-<name>.pprof and,
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
		if err := fetchAPIProfile(a.base, a.cfg.Window, filepath.Join(dir, "api-"+name+".pprof")); err != nil {
			logf("profile %s of the API: %v", name, err)
		}
	}()
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		<-done
	}
}
