package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
)

// QueryCache stores query results. Keys are built by the query service and
// begin with the org's namespace. Answers read here from Redis are also kept
// in this instance's memory (see nearCache) until Redis would expire them;
// answers only written are not: a query asked once (an uncached one, a
// one-off exploration) would otherwise take the room of the answers
// dashboards ask again and again.
type QueryCache struct {
	c    *Client
	near *nearCache
}

// NewQueryCache returns the cache; nearBytes bounds the answers kept in
// process (0: none).
func NewQueryCache(c *Client, nearBytes int64) *QueryCache {
	q := &QueryCache{c: c}
	if nearBytes > 0 {
		q.near = newNearCache(nearBytes)
	}
	return q
}

// Get returns the value under key, and whether there was one. Callers must
// not modify the value.
func (q *QueryCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	var org string
	if t, ok := tenant.FromContext(ctx); ok {
		org = t.Org.ID
	}
	if b, ok := q.near.get(key); ok {
		telemetry.CacheLookup(ctx, org, true)
		return b, true, nil
	}
	var (
		get *goredis.StringCmd
		ttl *goredis.DurationCmd
	)
	_, err := q.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		get = p.Get(ctx, key)
		if q.near != nil {
			ttl = p.PTTL(ctx, key)
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, false, err // neither a hit nor a miss: the cache is off
	}
	b, err := get.Bytes()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, false, err
	}
	hit := err == nil
	telemetry.CacheLookup(ctx, org, hit)
	if !hit {
		return nil, false, nil
	}
	if ttl != nil {
		if d, err := ttl.Result(); err == nil && d > 0 {
			q.near.put(key, b, time.Now().Add(d))
		}
	}
	return b, true, nil
}

// Set stores val under key for ttl, in Redis only: the answer is kept near
// once it is read again.
func (q *QueryCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return q.c.rdb.Set(ctx, key, val, ttl).Err()
}
