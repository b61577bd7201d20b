package api

import (
	"time"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/runjob"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config is the api function's whole configuration.
type Config struct {
	Runtime  config.Runtime
	Postgres postgres.Config
	Redis    redis.Config
	Firebase firebase.Config
	HTTP     httpapi.Config
	Log      telemetry.Config
	Tenancy  Tenancy
	Query    QueryConfig
	Storage  gcs.Config
	PubSub   pubsub.Config
	Limits   Limits
	RunJob   runjob.Config
}

// QueryConfig chooses the warehouse and tunes the result cache.
type QueryConfig struct {
	Engine   string        `envconfig:"WAREHOUSE_ENGINE" default:"bigquery" desc:"bigquery, or duckdb in the local runner (the deployed binary links only BigQuery)"`
	CacheTTL time.Duration `envconfig:"QUERY_CACHE_TTL" default:"10m" desc:"how long a query's result stays in the Redis cache (a data refresh invalidates it anyway)"`
	// NearCacheMB bounds the answers each instance keeps in memory.
	NearCacheMB int `envconfig:"QUERY_CACHE_NEAR_MB" default:"64" desc:"MiB of cached answers each instance also keeps in its own memory, until Redis would expire them (0: none)"`
	// WatermarkTTL bounds how stale a public watermark may be in process.
	WatermarkTTL time.Duration `envconfig:"WATERMARK_TTL" default:"5s" desc:"how long a public dataset's watermark is remembered in process"`
}

// Validate checks the settings.
func (q *QueryConfig) Validate() error {
	if q.Engine != "bigquery" && q.Engine != "duckdb" {
		return config.Errorf("WAREHOUSE_ENGINE", "must be bigquery or duckdb")
	}
	if q.CacheTTL <= 0 {
		return config.Errorf("QUERY_CACHE_TTL", "must be positive")
	}
	if q.NearCacheMB < 0 || q.NearCacheMB > 4096 {
		return config.Errorf("QUERY_CACHE_NEAR_MB", "must be from 0 to 4096")
	}
	if q.WatermarkTTL < 0 || q.WatermarkTTL > time.Minute {
		return config.Errorf("WATERMARK_TTL", "must be from 0 to 1m")
	}
	return nil
}

// Limits tunes rate limiting; the rates themselves are the plans' (table
// plans in PostgreSQL).
type Limits struct {
	Scale float64 `envconfig:"RATE_LIMIT_SCALE" default:"1" desc:"multiplies every plan's per-minute rate limits (tests and benchmarks raise it to measure other things)"`
}

// Validate checks the settings.
func (l *Limits) Validate() error {
	if l.Scale <= 0 || l.Scale > 1e6 {
		return config.Errorf("RATE_LIMIT_SCALE", "must be more than 0 and at most 1000000")
	}
	return nil
}

// Tenancy tunes the membership cache and the audit writer.
type Tenancy struct {
	CacheTTL   time.Duration `envconfig:"TENANT_CACHE_TTL" default:"30s" desc:"how long a member's role is cached in Redis (at most 60s; dropped at once on any membership change)"`
	AuditFlush time.Duration `envconfig:"AUDIT_FLUSH_INTERVAL" default:"200ms" desc:"longest an audit entry waits to be written with others (all are flushed on shutdown)"`
}

// Validate checks the settings.
func (t *Tenancy) Validate() error {
	if t.CacheTTL <= 0 || t.CacheTTL > redis.MaxTenantTTL {
		return config.Errorf("TENANT_CACHE_TTL", "must be more than 0 and at most 60s")
	}
	if t.AuditFlush <= 0 || t.AuditFlush > 5*time.Second {
		return config.Errorf("AUDIT_FLUSH_INTERVAL", "must be more than 0 and at most 5s")
	}
	return nil
}

// Parts lists the configuration parts, for loading and for the README table.
func (c *Config) Parts() []any {
	return []any{&c.Runtime, &c.Postgres, &c.Redis, &c.Firebase, &c.HTTP, &c.Log, &c.Tenancy, &c.Query, &c.Storage, &c.PubSub, &c.Limits, &c.RunJob}
}

// LoadConfig reads and validates the configuration from the environment.
func LoadConfig() (Config, error) { return config.LoadAll[Config]() }

// Validate checks what spans parts. The stand-ins production refuses are
// the parts' prod tags, which config.Load enforces.
func (c *Config) Validate() error {
	if c.Runtime.Production() && c.Query.Engine != "bigquery" {
		return config.Errorf("WAREHOUSE_ENGINE", "must be bigquery when MIRANTE_ENV=production")
	}
	return nil
}
