package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// upEnv is where the fresh clone's stack runs: ports and a database of its
// own, beside the bench's stack and any developer's.
var upEnv = map[string]string{
	"API_PORT": "27080", "AUTH_EMULATOR_PORT": "27099", "EMULATOR_HUB_PORT": "27400",
	"EMULATOR_LOGGING_PORT": "27500", "LOCAL_GCS_PORT": "27443", "SPA_PORT": "27173",
	"LOCAL_PG_PORT": "27432", "LOCAL_REDIS_PORT": "27379", "MIRANTE_DB_NAME": "mirante_upbench",
}

// upTook is the line make up ends with.
var upTook = regexp.MustCompile(`up took ([0-9.]+)s`)

// upWarm times make up on a fresh git clone of this repository (its
// committed HEAD) in a temporary folder, with this machine's Go and npm
// caches and scripts/dev's store of installed node_modules trees as they
// are (warm, when anything was built here before): from
// the command to the moment every URL answers (make up returns then; the
// bench checks the API, the Auth emulator and the SPA again). The clone's
// database is dropped first, so provisioning, migrations and the demo seed
// run as on a new machine. The clone's stack is then stopped and the clone
// removed.
func upWarm(ctx context.Context, cfg Config) (Entry, error) {
	dir, err := os.MkdirTemp("", "mirante-up-")
	if err != nil {
		return Entry{}, err
	}
	defer os.RemoveAll(dir)
	clone := filepath.Join(dir, "mirante")
	if out, err := exec.CommandContext(ctx, "git", "clone", "--quiet", cfg.Root, clone).CombinedOutput(); err != nil {
		return Entry{}, fmt.Errorf("git clone: %v\n%s", err, out)
	}
	dropUpDatabase(ctx)
	env := os.Environ()
	for k, v := range upEnv {
		env = append(env, k+"="+v)
	}
	mk := func(target string) *exec.Cmd {
		c := exec.CommandContext(ctx, "make", target)
		c.Dir, c.Env = clone, env
		return c
	}
	t0 := time.Now()
	out, err := mk("up").CombinedOutput()
	took := time.Since(t0)
	defer func() {
		if out, err := mk("down").CombinedOutput(); err != nil {
			logf("make up: make down in the clone: %v\n%s", err, out)
		}
	}()
	if err != nil {
		return Entry{}, fmt.Errorf("make up in a fresh clone: %v\n%s", err, out)
	}
	for _, u := range []string{"http://127.0.0.1:" + upEnv["API_PORT"] + "/healthz", "http://127.0.0.1:" + upEnv["AUTH_EMULATOR_PORT"] + "/",
		"http://127.0.0.1:" + upEnv["SPA_PORT"] + "/"} {
		if err := answers(u); err != nil {
			return Entry{}, fmt.Errorf("make up returned but %s does not answer: %w", u, err)
		}
	}
	own := "?"
	if m := upTook.FindSubmatch(out); m != nil {
		own = string(m[1])
	}
	logf("make up on a fresh clone: %.1f s (it says it took %s s)", took.Seconds(), own)
	return ValueEntry("make_up_warm_s", "s", "≤ 60", []float64{took.Seconds()}, Median), nil
}

// dropUpDatabase drops the clone stack's database on the server make up
// would use when one answers on the default address; without one, make up
// starts a server of its own in the clone, which is new anyway.
func dropUpDatabase(ctx context.Context) {
	url := envOr("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, url)
	if err != nil {
		return
	}
	defer conn.Close(cctx)
	if _, err := conn.Exec(cctx, "DROP DATABASE IF EXISTS "+upEnv["MIRANTE_DB_NAME"]+" WITH (FORCE)"); err != nil {
		logf("make up: dropping the clone's database: %v", err)
	}
}

func answers(url string) error {
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
