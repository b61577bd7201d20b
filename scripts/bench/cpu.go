package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// On these 2-core machines the load client, the API, Redis and
// PostgreSQL share the CPU, so a throughput ratio alone does not say whose
// time a request costs. cpuUse reads each one's CPU time from /proc around
// a run, and the log prints it per request.

// cpuGroups names the processes counted, by their command name: the API
// (the local runner), the baseline handler's own process and the stores.
// The bench process itself is counted apart; the load client, gone by the
// second reading, reports its own.
var cpuGroups = map[string]string{"local": "api", "redisget": "floor", "redis-server": "redis", "postgres": "postgres"}

// clockTick is the kernel's unit of process CPU times (USER_HZ, 100 on
// Linux for every architecture the stack runs on).
const clockTick = 10 * time.Millisecond

type cpuUse map[string]time.Duration

// readCPU sums user and system time per group over /proc; on systems
// without /proc it returns an empty use, and the log line says nothing.
func readCPU() cpuUse {
	use := cpuUse{}
	self := os.Getpid()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue // gone since the listing
		}
		// pid (comm) state ppid ... utime stime: comm may hold spaces, so
		// the fields are counted from the last ')'.
		open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || end < open {
			continue
		}
		group := cpuGroups[string(b[open+1:end])]
		if pid == self {
			group = "bench"
		}
		if group == "" {
			continue
		}
		f := strings.Fields(string(b[end+1:]))
		if len(f) < 13 {
			continue
		}
		ut, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		use[group] += time.Duration(ut+st) * clockTick
	}
	return use
}

// perRequest formats the CPU each group spent between two readings per
// request, in milliseconds: "api 0.350, redis 0.080, ...". A process that
// exited between the readings (a PostgreSQL backend) is not counted.
func perRequest(before, after cpuUse, requests float64) string {
	if requests <= 0 || len(after) == 0 {
		return ""
	}
	var parts []string
	for _, g := range []string{"api", "floor", "bench", "redis", "postgres"} {
		d := after[g] - before[g]
		if d <= 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.3f", g, float64(d.Microseconds())/1000/requests))
	}
	return strings.Join(parts, ", ")
}

// machineBusy is the share of the machine's CPU time (all cores, from the
// first line of /proc/stat) spent outside the idle and iowait states over
// d; ok is false where /proc/stat cannot be read.
func machineBusy(d time.Duration) (busy float64, ok bool) {
	read := func() (total, idle int64, ok bool) {
		b, err := os.ReadFile("/proc/stat")
		if err != nil {
			return 0, 0, false
		}
		line, _, _ := bytes.Cut(b, []byte{'\n'})
		f := strings.Fields(string(line))
		if len(f) < 6 || f[0] != "cpu" {
			return 0, 0, false
		}
		for i, s := range f[1:] {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, 0, false
			}
			if i >= 8 {
				break // guest times are already counted in user and nice
			}
			total += n
			if i == 3 || i == 4 { // idle, iowait
				idle += n
			}
		}
		return total, idle, true
	}
	t0, i0, ok0 := read()
	time.Sleep(d)
	t1, i1, ok1 := read()
	if !ok0 || !ok1 || t1 <= t0 {
		return 0, false
	}
	return 1 - float64(i1-i0)/float64(t1-t0), true
}

// settle waits, up to max, until the machine has been quiet (under 15 %
// busy) for two seconds running, so that a benchmark does not start in the
// wake of the one before (PostgreSQL writing out and vacuuming what a load
// test wrote, say). It says how long that took.
func settle(what string, max time.Duration) {
	start := time.Now()
	quiet := 0
	last := -1.0
	for time.Since(start) < max {
		busy, ok := machineBusy(time.Second)
		if !ok {
			return
		}
		last = busy
		if busy < 0.15 {
			if quiet++; quiet == 2 {
				logf("%s: the machine settled in %.0fs (%.0f %% busy)", what, time.Since(start).Seconds(), busy*100)
				return
			}
		} else {
			quiet = 0
		}
	}
	logf("%s: the machine did not settle in %s (%.0f %% busy); measuring anyway", what, max, last*100)
}
