package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestNoAuditEntryIsLostOnSIGTERM runs the deployed binary under load, stops
// it as Cloud Run does (SIGTERM, then 10 s), and checks that every request
// that got an answer from a handler has its audit row.
func TestNoAuditEntryIsLostOnSIGTERM(t *testing.T) {
	b := setupStack(t)
	b.close() // only its database and seed are used here

	bin := filepath.Join(t.TempDir(), "server")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/server").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"FUNCTION_TARGET=API", "PORT="+port,
		"APP_DATABASE_URL="+b.db.AppURL,
		"AUDIT_FLUSH_INTERVAL=5s", // entries wait in the queue: the flush on SIGTERM must write them
		// The deployed binary links only BigQuery; these routes never reach it.
		"WAREHOUSE_ENGINE=bigquery", "BIGQUERY_PROJECT=mirante-test", "BIGQUERY_ENDPOINT=http://127.0.0.1:1",
		"LOG_LEVEL=warn",
	)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not become healthy")
		}
		select {
		case err := <-exited:
			t.Fatalf("the server exited at start: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}

	tok := b.token(t, ana)
	var (
		mu       sync.Mutex
		answered []string // trace ids of requests a handler answered
		wg       sync.WaitGroup
	)
	enough := make(chan struct{})
	var enoughOnce sync.Once
	client := &http.Client{Timeout: 10 * time.Second}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				req, _ := http.NewRequest("GET", base+"/v1/orgs/porto-sul/views", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if id := resp.Header.Get("X-Trace-Id"); id != "" && resp.StatusCode == 200 {
					mu.Lock()
					answered = append(answered, id)
					if len(answered) >= 300 {
						enoughOnce.Do(func() { close(enough) })
					}
					mu.Unlock()
				} else if resp.StatusCode == http.StatusServiceUnavailable {
					return // draining: no new work is taken
				}
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("the load did not reach 300 answered requests")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		if err != nil {
			t.Fatalf("the server exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop within Cloud Run's 10 s")
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	stored := map[string]bool{}
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		rows, err := tx.Query(context.Background(), `select trace_id from audit_log where action = 'views.list'`)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, id := range ids {
			stored[id] = true
		}
		return err
	})
	missing := 0
	for _, id := range answered {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d answered requests have no audit row after SIGTERM", missing, len(answered))
	}
	t.Logf("%d answered requests, all audited", len(answered))
}
