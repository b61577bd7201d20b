package query

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// countingEngine counts runs of a real engine and holds each until released.
type countingEngine struct {
	warehouse.Engine
	runs    atomic.Int32
	release chan struct{}
}

func (e *countingEngine) Run(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (*warehouse.Result, error) {
	e.runs.Add(1)
	<-e.release
	return e.Engine.Run(ctx, q, p)
}

// countingCache is the real Redis cache, counting reads.
type countingCache struct {
	Cache
	gets atomic.Int32
}

func (c *countingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := c.Cache.Get(ctx, key)
	c.gets.Add(1)
	return v, ok, err
}

// Fakes of two small interfaces: the watermark and entitlements come from
// PostgreSQL in production; here only the concurrency matters.
type fixedWatermarks string

func (w fixedWatermarks) Watermark(context.Context, *semantic.Dataset) (string, error) {
	return string(w), nil
}

type allEntitled struct{}

func (allEntitled) FindEntitlements(context.Context) ([]string, error) {
	return []string{"comex_monthly", "ipca_monthly"}, nil
}

func redisURL() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379"
}

// openServiceDeps opens an in-memory warehouse and the test Redis, closed
// when the test ends, and loads the catalog.
func openServiceDeps(t *testing.T) (*duckdb.DB, *redis.Client, *semantic.Catalog) {
	t.Helper()
	ctx := context.Background()
	db, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rc, err := redis.New(redis.Config{URL: redisURL(), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	if err := rc.Ping(ctx); err != nil {
		t.Fatalf("Redis at TEST_REDIS_URL does not answer (run make test): %v", err)
	}
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return db, rc, cat
}

// TestConcurrentIdenticalMissesRunOnce: many dashboards opening at once ask
// the warehouse once.
func TestConcurrentIdenticalMissesRunOnce(t *testing.T) {
	ctx := context.Background()
	db, rc, cat := openServiceDeps(t)
	engine := &countingEngine{Engine: db, release: make(chan struct{})}
	cache := &countingCache{Cache: redis.NewQueryCache(rc, 0)}
	s := &Service{Catalog: cat, Engine: engine, Cache: cache, Watermarks: fixedWatermarks("2024-12"),
		Entitlements: allEntitled{}, TTL: time.Minute, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	org := tenant.Tenant{Org: tenant.Org{ID: "11111111-2222-4333-8444-" + time.Now().Format("150405000000"), Isolation: tenant.IsolationRow}, Role: tenant.Viewer}
	ctx = tenant.With(ctx, org)

	const callers = 12
	var wg sync.WaitGroup
	results := make([]*Result, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spec := &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"year"}}
			r, _, err := s.Run(ctx, spec)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = r
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// Release the warehouse only once every caller has missed the cache.
	deadline := time.After(30 * time.Second)
	for cache.gets.Load() < callers {
		select {
		case <-done:
			t.Fatalf("callers returned before the warehouse was released (%d cache reads)", cache.gets.Load())
		case <-deadline:
			t.Fatalf("only %d of %d callers reached the cache", cache.gets.Load(), callers)
		case <-time.After(time.Millisecond):
		}
	}
	close(engine.release)
	<-done
	if n := engine.runs.Load(); n >= callers || n > 2 {
		t.Fatalf("%d identical concurrent misses ran the warehouse %d times, want once", callers, n)
	}
	r, _, err := s.Run(ctx, &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"year"}})
	if err != nil || r.Meta.Cache != "hit" {
		t.Fatalf("after the shared run: %v %+v", err, r)
	}
	misses := 0
	for _, r := range results {
		if r != nil && r.Meta.Cache == "miss" {
			misses++
		}
	}
	if misses != callers {
		t.Errorf("%d of %d callers were told miss", misses, callers)
	}
}
