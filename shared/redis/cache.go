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
// begin with the org's namespace.
type QueryCache struct {
	c *Client
}

// NewQueryCache returns the cache.
func NewQueryCache(c *Client) *QueryCache { return &QueryCache{c: c} }

// Get returns the value under key, and whether there was one.
func (q *QueryCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := q.c.rdb.Get(ctx, key).Bytes()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, false, err // neither a hit nor a miss: the cache is off
	}
	hit := err == nil
	var org string
	if t, ok := tenant.FromContext(ctx); ok {
		org = t.Org.ID
	}
	telemetry.CacheLookup(ctx, org, hit)
	if !hit {
		return nil, false, nil
	}
	return b, true, nil
}

// Set stores val under key for ttl.
func (q *QueryCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return q.c.rdb.Set(ctx, key, val, ttl).Err()
}
