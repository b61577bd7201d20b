package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The client keeps its requests in flight, sends the body and the token,
// counts only what it measured, and refuses an answer the cache did not
// give when asked for hits.
func TestRunCountsCheckedAnswers(t *testing.T) {
	var calls atomic.Int64
	cache := atomic.Value{}
	cache.Store("hit")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || string(b) != `{"q":1}` || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		calls.Add(1)
		_, _ = io.WriteString(w, `{"data":[[1]],"meta":{"cache":"`+cache.Load().(string)+`","rows":1}}`+"\n")
	}))
	defer srv.Close()
	body := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(body, []byte(`{"q":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LOADCLIENT_TEST_TOKEN", "tok")
	p := params{url: srv.URL, bodyFile: body, tokenEnv: "LOADCLIENT_TEST_TOKEN", hit: true, conc: 3, duration: 200 * time.Millisecond, warmup: 50 * time.Millisecond}
	res, err := run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || int64(res.Requests) >= calls.Load() || res.Rate <= 0 || res.P50 <= 0 || res.P50 > res.P95 || res.P95 > res.P99 {
		t.Errorf("result %+v after %d calls (the warm-up's must not count)", res, calls.Load())
	}
	cache.Store("miss")
	if _, err := run(context.Background(), p); err == nil || !strings.Contains(err.Error(), `meta.cache "miss"`) {
		t.Errorf("a miss measured as a hit: %v", err)
	}
	p.url = srv.URL + "/elsewhere"
	p.bodyFile = ""
	if _, err := run(context.Background(), p); err == nil || !strings.Contains(err.Error(), "status 400") {
		t.Errorf("a refused request counted: %v", err)
	}
}

// Only a meta whose own cache member says hit is a hit: not a miss, not a
// hit spelled inside the rows or inside a nested object of the meta.
func TestCacheHit(t *testing.T) {
	for answer, want := range map[string]bool{
		`{"data":[],"meta":{"dataset":"d","cache":"hit","rows":0}}`:                        true,
		`{"data":[],"meta":{"dataset":"d","cache":"miss","rows":0}}`:                       false,
		`{"data":[["\"cache\":\"hit\""]],"meta":{"cache":"off"}}`:                          false,
		`{"data":[],"meta":{"cache":"miss","source_status":{"note":"\"cache\":\"hit\""}}}`: false,
		`{"data":[["x"]]}`: false,
	} {
		if got := cacheHit([]byte(answer)); got != want {
			t.Errorf("cacheHit(%s) = %v, want %v", answer, got, want)
		}
	}
}
