package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
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
	if errors.Is(err, goredis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// Set stores val under key for ttl.
func (q *QueryCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return q.c.rdb.Set(ctx, key, val, ttl).Err()
}
