package redis

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/tenant"
)

func TestNearCacheEvictsByBytesAndExpires(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := newNearCache(800)
	c.now = func() time.Time { return now }
	val := func(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }
	later := now.Add(time.Minute)

	for i := range 8 {
		c.put("k"+strconv.Itoa(i), val(90), later) // 92 bytes each with the key
	}
	if _, ok := c.get("k0"); !ok {
		t.Fatal("k0 was evicted while the cache held 736 of 800 bytes")
	}
	c.put("k8", val(90), later) // past 800: the least recently used (k1, not k0 just read) goes
	if _, ok := c.get("k1"); ok {
		t.Error("k1, the least recently used, was kept past the byte budget")
	}
	for _, k := range []string{"k0", "k2", "k8"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	if c.size > c.max {
		t.Errorf("size %d over the budget %d", c.size, c.max)
	}
	c.put("big", val(101), later) // over an eighth of the budget
	if _, ok := c.get("big"); ok {
		t.Error("a value over an eighth of the budget was kept")
	}
	c.put("short", val(10), now.Add(time.Second))
	now = now.Add(time.Second)
	if _, ok := c.get("short"); ok {
		t.Error("an entry was served at its expiry")
	}
	if _, ok := c.items["short"]; ok {
		t.Error("an expired entry stayed in memory after a read")
	}
	var nilCache *nearCache
	nilCache.put("k", val(1), later)
	if _, ok := nilCache.get("k"); ok {
		t.Error("a nil near cache answered")
	}
}

// An instance reading an answer from Redis keeps it near until Redis would
// expire it; while near, Redis is not asked. Writing an answer does not
// keep it near: only one read again does.
func TestQueryCacheKeepsAnswersNear(t *testing.T) {
	c := testClient(t)
	ctx := context.Background()
	org := tenant.Tenant{Org: tenant.Org{ID: "near-test-" + strconv.FormatInt(time.Now().UnixNano(), 36)}}
	ctx = tenant.With(ctx, org)
	key := "mirante:v2:q:" + org.Org.ID + ":abc"
	defer c.rdb.Del(context.Background(), key)

	writer, reader, plain := NewQueryCache(c, 1<<20), NewQueryCache(c, 1<<20), NewQueryCache(c, 0)
	if err := writer.Set(ctx, key, []byte("answer"), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := reader.Get(ctx, key); err != nil || !ok || string(b) != "answer" {
		t.Fatalf("reader: %q %v %v", b, ok, err)
	}
	e := reader.near.items[key].Value.(*nearEntry)
	if left := time.Until(e.expires); left <= 0 || left > 2*time.Second {
		t.Errorf("the near copy expires in %v, want Redis's remaining TTL (≤ 2s)", left)
	}
	// Gone from Redis: the near copies still answer (an answer under a key
	// never changes), the instance without one misses.
	if err := c.rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	if b, ok, _ := reader.Get(ctx, key); !ok || string(b) != "answer" {
		t.Error("reader: the near copy did not answer")
	}
	for name, q := range map[string]*QueryCache{"writer": writer, "plain": plain} {
		if _, ok, err := q.Get(ctx, key); ok || err != nil {
			t.Errorf("%s, which never read the answer: hit %v, %v", name, ok, err)
		}
	}
	// Past Redis's expiry the near copy is gone too.
	now := time.Now().Add(3 * time.Second)
	reader.near.now = func() time.Time { return now }
	if _, ok, _ := reader.Get(ctx, key); ok {
		t.Error("the near copy outlived Redis's TTL")
	}
}
