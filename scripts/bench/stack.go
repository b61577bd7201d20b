package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Stack is the benchmark's own local stack, started by scripts/dev on side
// ports and in its own data folder and database, beside any developer's.
type Stack struct {
	Root    string            // the repository
	Env     map[string]string // what scripts/dev reads
	DataDir string
	// Vars is .data/bench-stack/stack.env once up.
	Vars map[string]string
}

// NewStack reads the ports and folders from the environment (BENCH_*),
// falling back to the bench's own side ports.
func NewStack(root string, comexRows int) *Stack {
	dataDir := envOr("BENCH_STACK_DIR", filepath.Join(root, ".data", "bench-stack"))
	env := map[string]string{
		"API_PORT":              envOr("BENCH_API_PORT", "28080"),
		"AUTH_EMULATOR_PORT":    envOr("BENCH_AUTH_PORT", "29099"),
		"EMULATOR_HUB_PORT":     envOr("BENCH_HUB_PORT", "24400"),
		"EMULATOR_LOGGING_PORT": envOr("BENCH_LOGGING_PORT", "24500"),
		"LOCAL_GCS_PORT":        envOr("BENCH_GCS_PORT", "24443"),
		"SPA_PORT":              "0",
		"DATA_DIR":              dataDir,
		"MIRANTE_DB_NAME":       envOr("BENCH_DB_NAME", "mirante_bench"),
		"DEMO_COMEX_ROWS":       strconv.Itoa(comexRows),
		// The benchmarks measure the query path, not the plans' limits:
		// the limits are still checked on every request, never hit.
		"RATE_LIMIT_SCALE": "1000000",
		// The scheduler's ticker has nothing to do here.
		"LOCAL_SCHEDULER_TICK": "1h",
		// The cached-query baseline, served beside the API.
		"LOCAL_BENCH_BASELINE": "true",
	}
	return &Stack{Root: root, Env: env, DataDir: dataDir}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// WarehousePath is the stack's DuckDB file.
func (s *Stack) WarehousePath() string { return filepath.Join(s.DataDir, "warehouse.duckdb") }

// prepare drops a warehouse generated at another size: the local seed
// fills only an empty one.
func (s *Stack) prepare() error {
	stamp := filepath.Join(s.DataDir, "comex_rows")
	want := s.Env["DEMO_COMEX_ROWS"]
	if b, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(b)) == want {
		return nil
	}
	for _, f := range []string{s.WarehousePath(), s.WarehousePath() + ".wal"} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.MkdirAll(s.DataDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(stamp, []byte(want+"\n"), 0o644)
}

func (s *Stack) dev(ctx context.Context, cmd string) error {
	c := exec.CommandContext(ctx, filepath.Join(s.Root, "scripts", "dev"), cmd)
	c.Dir = s.Root
	c.Env = os.Environ()
	for k, v := range s.Env {
		c.Env = append(c.Env, k+"="+v)
	}
	out, err := c.CombinedOutput()
	if err != nil {
		return fmt.Errorf("scripts/dev %s: %v\n%s", cmd, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Up starts the stack and reads its stack.env.
func (s *Stack) Up(ctx context.Context) error {
	// A stack already on the port would be measured in place of this one,
	// on whatever warehouse it has open.
	addr := net.JoinHostPort("127.0.0.1", s.Env["API_PORT"])
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("something already listens on %s: stop it first (a stack: DATA_DIR=%s scripts/dev down)", addr, s.DataDir)
	}
	if err := s.prepare(); err != nil {
		return err
	}
	if err := s.dev(ctx, "up"); err != nil {
		return err
	}
	vars, err := readEnvFile(filepath.Join(s.DataDir, "stack.env"))
	if err != nil {
		return err
	}
	s.Vars = vars
	return nil
}

// Down stops what Up started.
func (s *Stack) Down(ctx context.Context) error { return s.dev(ctx, "down") }

// apiPID is the stack's API process (scripts/dev starts it with setsid, so
// the pid it records is the local runner's own).
func (s *Stack) apiPID() (int, error) {
	pidFile := filepath.Join(s.DataDir, "run", "api.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, fmt.Errorf("%s: not a pid", pidFile)
	}
	return pid, nil
}

// APIResidentMiB is the API process's resident memory (VmRSS) in MiB.
func (s *Stack) APIResidentMiB() (float64, error) {
	pid, err := s.apiPID()
	if err != nil {
		return 0, err
	}
	return residentMiB(pid)
}

// residentMiB reads VmRSS of /proc/<pid>/status.
func residentMiB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("VmRSS %q: %w", v, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// StopAPI stops the API process alone (the DuckDB file is then free for the
// raw baseline); scripts/dev down later finds it gone.
func (s *Stack) StopAPI(ctx context.Context) error {
	pid, err := s.apiPID()
	if err != nil {
		return err
	}
	// scripts/dev starts it with setsid: its process group is its pid.
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stopping the API: %w", err)
	}
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	deadline := time.After(20 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return fmt.Errorf("the API (pid %d) did not stop within 20s", pid)
		case <-t.C:
		}
	}
	return os.Remove(filepath.Join(s.DataDir, "run", "api.pid"))
}

// readEnvFile reads KEY='value' lines.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vars[k] = strings.Trim(v, `'"`)
	}
	return vars, sc.Err()
}
