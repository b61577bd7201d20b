package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/redis"
)

// The bench's baseline answers with the fixed key's value and nothing
// else, whatever the request names.
func TestBenchBaselineReadsOnlyItsKey(t *testing.T) {
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379"
	}
	t.Setenv("REDIS_URL", url)
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	other := "mirante:v1:tenant:someone:porto-sul"
	if err := rdb.Set(ctx, redis.BenchBaselineKey, `{"data":[1,2,3]}`, time.Minute).Err(); err != nil {
		t.Fatalf("Redis at TEST_REDIS_URL does not answer (run make test): %v", err)
	}
	if err := rdb.Set(ctx, other, "secret", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Del(context.Background(), redis.BenchBaselineKey, other) })
	h, closeBaseline, err := benchBaseline()
	if err != nil {
		t.Fatal(err)
	}
	defer closeBaseline()
	for _, target := range []string{"/debug/bench/redis-get", "/debug/bench/redis-get?key=" + other, "/debug/bench/redis-get/" + other} {
		rec := httptest.NewRecorder()
		h(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != `{"data":[1,2,3]}` || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("GET %s: %d %q %v", target, rec.Code, rec.Body, rec.Header())
		}
	}
	// Without the value it fails loudly rather than answering empty.
	if err := rdb.Del(ctx, redis.BenchBaselineKey).Err(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodGet, "/debug/bench/redis-get", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("with the key gone: %d %q", rec.Code, rec.Body)
	}
}
