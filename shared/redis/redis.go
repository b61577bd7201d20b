// Package redis is the Redis adapter: the client and, built on it, the caches
// and limiters the services use. Every call carries a timeout.
package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/config"
)

// Config is how the services reach Redis.
type Config struct {
	URL     string        `envconfig:"REDIS_URL" default:"redis://127.0.0.1:6379" prod:"required" desc:"Redis URL (Memorystore in production)"`
	Timeout time.Duration `envconfig:"REDIS_TIMEOUT" default:"500ms" desc:"dial, read and write timeout of each Redis call"`
}

// Validate checks the URL's shape without echoing it.
func (c *Config) Validate() error {
	if _, err := goredis.ParseURL(c.URL); err != nil {
		return config.Errorf("REDIS_URL", "not a valid redis:// URL")
	}
	if c.Timeout <= 0 {
		return config.Errorf("REDIS_TIMEOUT", "must be positive")
	}
	return nil
}

// Client wraps the go-redis client.
type Client struct {
	rdb *goredis.Client
}

// New returns a client. It does not fail when Redis is down: callers degrade
// (queries run uncached) and say so in the logs.
func New(cfg Config) (*Client, error) {
	opt, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		return nil, errors.New("REDIS_URL: not a valid redis:// URL")
	}
	opt.DialTimeout = cfg.Timeout
	opt.ReadTimeout = cfg.Timeout
	opt.WriteTimeout = cfg.Timeout
	opt.MaxRetries = 1
	rdb := goredis.NewClient(opt)
	// A span per command (and pipeline), under the request's span.
	if err := redisotel.InstrumentTracing(rdb, redisotel.WithDBStatement(false), redisotel.WithCallerEnabled(false)); err != nil {
		return nil, fmt.Errorf("redis tracing: %w", err)
	}
	return &Client{rdb: rdb}, nil
}

// Close closes the connections.
func (c *Client) Close() error { return c.rdb.Close() }

// Ping checks that Redis answers.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}
