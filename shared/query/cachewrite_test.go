package query

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
)

// heldCache is the real Redis cache whose writes wait until released.
type heldCache struct {
	Cache
	release chan struct{}
}

func (c *heldCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	<-c.release
	return c.Cache.Set(ctx, key, val, ttl)
}

// TestAnswerDoesNotWaitForTheCacheWrite: a miss is answered while the
// cache is still writing it, and this process reads it back (the same
// query, a later page) before the write is done, scoped to its org.
func TestAnswerDoesNotWaitForTheCacheWrite(t *testing.T) {
	ctx := context.Background()
	db, rc, cat := openServiceDeps(t)
	cache := &heldCache{Cache: redis.NewQueryCache(rc, 0), release: make(chan struct{})}
	s := &Service{Catalog: cat, Engine: db, Cache: cache, Watermarks: fixedWatermarks("2024-12"),
		Entitlements: allEntitled{}, TTL: time.Minute, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	org := func(n string) context.Context {
		return tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: "11111111-2222-4333-8444-" + n + time.Now().Format("150405000"), Isolation: tenant.IsolationRow}, Role: tenant.Viewer})
	}
	ctxA, ctxB := org("a00"), org("b00")
	spec := &semantic.Spec{Dataset: "ipca_monthly", Measures: []string{"index"}, Dimensions: []string{"year"}}

	a, key, err := s.Answer(ctxA, spec) // would block on Set if it waited
	if err != nil || a.Meta.Cache != "miss" {
		t.Fatalf("first answer: %v %+v", err, a)
	}
	again, _, err := s.Answer(ctxA, spec)
	if err != nil || again.Meta.Cache != "hit" {
		t.Fatalf("the same query while the write is under way: %v %+v", err, again)
	}
	if _, err := s.Page(ctxA, key, 0, 1, nil); err != nil {
		t.Fatalf("a page while the write is under way: %v", err)
	}
	if _, err := s.Page(ctxB, key, 0, 1, nil); err == nil {
		t.Fatal("another org read the answer under way")
	}
	close(cache.release)
	s.WaitCacheWrites()
	if n := len(s.writes.pending); n != 0 {
		t.Fatalf("%d writes still pending after they were done", n)
	}
	if _, ok, err := cache.Get(ctxA, key); err != nil || !ok {
		t.Fatalf("the answer is not in the cache once written: %v", err)
	}
}
