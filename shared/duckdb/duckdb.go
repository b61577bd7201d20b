// Package duckdb is the embedded warehouse: the marts in one DuckDB file, for
// the local stack, the tests and self-hosting. Only the local runner links
// it; a test keeps it out of the deployed functions.
package duckdb

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

//go:embed schema.sql
var schema string

// Config locates the warehouse file.
type Config struct {
	Path    string `envconfig:"WAREHOUSE_PATH" default:".data/warehouse.duckdb" desc:"local only: the DuckDB warehouse file (\":memory:\" for a throwaway one)"`
	Threads int    `envconfig:"DUCKDB_THREADS" default:"0" desc:"local only: DuckDB worker threads (0: one per core)"`
	// MemoryLimit bounds DuckDB's buffer pool, which otherwise keeps every
	// block a query read, up to most of the machine's memory.
	MemoryLimit string `envconfig:"DUCKDB_MEMORY_LIMIT" default:"128MB" desc:"local only: DuckDB's memory_limit, the most its buffer pool holds in the process (\"\": DuckDB's own, 80 % of RAM)"`
	// QuerySlots bounds the queries running at once; the rest wait, the
	// orgs taking turns (see slots). Each query already runs on every
	// DuckDB thread, so more at once only adds their working memory.
	QuerySlots int           `envconfig:"DUCKDB_QUERY_SLOTS" default:"0" desc:"local only: warehouse queries run at once; the others wait, the orgs taking turns (0: one per DuckDB thread)"`
	Timeout    time.Duration `envconfig:"WAREHOUSE_TIMEOUT" default:"30s" desc:"timeout of each warehouse query, waiting for a slot included"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.Path == "" {
		return config.Errorf("WAREHOUSE_PATH", "required")
	}
	if c.Threads < 0 {
		return config.Errorf("DUCKDB_THREADS", "must not be negative")
	}
	if c.QuerySlots < 0 {
		return config.Errorf("DUCKDB_QUERY_SLOTS", "must not be negative")
	}
	if c.Timeout <= 0 {
		return config.Errorf("WAREHOUSE_TIMEOUT", "must be positive")
	}
	return nil
}

// options are the DuckDB settings the handle is opened with.
func (c *Config) options() url.Values {
	v := url.Values{}
	if c.Threads > 0 {
		v.Set("threads", strconv.Itoa(c.Threads))
	}
	if c.MemoryLimit != "" {
		v.Set("memory_limit", c.MemoryLimit)
	}
	return v
}

// querySlots is QuerySlots, or one per DuckDB thread when unset.
func (c *Config) querySlots() int {
	if c.QuerySlots > 0 {
		return c.QuerySlots
	}
	threads := c.Threads
	if threads == 0 {
		threads = runtime.NumCPU()
	}
	return threads
}

// stmtCacheSize is how many prepared statements a handle keeps.
const stmtCacheSize = 128

// Engines is the DuckDB engine, opened from the environment's
// configuration, for the local runner.
var Engines = warehouse.Engines{"duckdb": OpenFromEnv}

// OpenFromEnv loads the engine's configuration and opens it.
func OpenFromEnv(ctx context.Context) (warehouse.Engine, error) {
	var cfg Config
	if err := config.Load(&cfg); err != nil {
		return nil, err
	}
	return Open(ctx, cfg)
}

// DB is an open warehouse. A process opens each file once: DuckDB locks the
// file, so the functions of the local runner share one handle per path.
type DB struct {
	*handle
	timeout time.Duration
	path    string
}

// handle is what every user of a file shares: the connection pool, the
// query slots and the prepared statements.
type handle struct {
	db    *sql.DB
	slots *slots
	stmts *stmts
	refs  int // users of a file's handle; guarded by openMu
}

var (
	openMu sync.Mutex
	opened = map[string]*handle{}
)

var _ warehouse.Engine = (*DB)(nil)

// Open opens (creating when needed) the warehouse and its schemas.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	path := cfg.Path
	if path == ":memory:" {
		path = ""
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("WAREHOUSE_PATH: %w", err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	openMu.Lock()
	defer openMu.Unlock()
	if path != "" {
		if h, ok := opened[path]; ok {
			h.refs++
			return &DB{handle: h, timeout: timeout, path: path}, nil
		}
	}
	dsn := path
	if opts := cfg.options(); len(opts) > 0 {
		dsn += "?" + opts.Encode()
	}
	ddl, err := warehouseDDL()
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the DuckDB warehouse: %w", err)
	}
	if _, err := db.ExecContext(ctx, ddl); err != nil {
		db.Close()
		return nil, fmt.Errorf("creating the warehouse schemas: %w", err)
	}
	h := &handle{db: db, slots: newSlots(cfg.querySlots()), stmts: newStmts(db, stmtCacheSize), refs: 1}
	if path != "" {
		opened[path] = h
	}
	return &DB{handle: h, timeout: timeout, path: path}, nil
}

// SQL returns the handle, for loaders and the demo generator.
func (d *DB) SQL() *sql.DB { return d.db }

// Name is the engine and dialect name.
func (d *DB) Name() string { return "duckdb" }

// Close closes the warehouse once its last user in the process closes it.
func (d *DB) Close() error {
	openMu.Lock()
	defer openMu.Unlock()
	if d.path != "" {
		h, ok := opened[d.path]
		if !ok {
			return nil
		}
		if h.refs--; h.refs > 0 {
			return nil
		}
		delete(opened, d.path)
	}
	d.stmts.close()
	return d.db.Close()
}

// Estimate returns 0: DuckDB bills nothing.
func (d *DB) Estimate(context.Context, warehouse.Compiled, warehouse.RunParams) (int64, error) {
	return 0, nil
}

// Unbilled says DuckDB bills nothing by the byte.
func (d *DB) Unbilled() {}

var _ warehouse.Unbilled = (*DB)(nil)

// Run executes the compiled query with its parameters bound by name.
func (d *DB) Run(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (_ *warehouse.Result, err error) {
	ctx, end := telemetry.StartSpan(ctx, "duckdb.query", trace.SpanKindClient,
		attribute.String("db.system.name", "duckdb"), attribute.String("mirante.org_id", p.OrgID), attribute.String("mirante.dataset", p.Dataset))
	defer func() { end(err) }()
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	args := make([]any, len(q.Params))
	for i, p := range q.Params {
		args[i] = sql.Named(p.Name, p.Value)
	}
	waitFrom := time.Now()
	release, err := d.slots.acquire(ctx, p.OrgID)
	waited := time.Since(waitFrom)
	trace.SpanFromContext(ctx).SetAttributes(attribute.Float64("mirante.warehouse.wait_ms", float64(waited)/float64(time.Millisecond)))
	telemetry.WarehouseWaited(ctx, p.OrgID, waited)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, apperr.Errorf(apperr.Unavailable, "the warehouse was busy for longer than %s", d.timeout)
	}
	if err != nil {
		return nil, err
	}
	defer release()
	st, err := d.stmts.get(ctx, q.SQL)
	if err != nil {
		return nil, d.queryError(err)
	}
	defer d.stmts.put(st)
	rows, err := st.st.QueryContext(ctx, args...)
	if err != nil {
		return nil, d.queryError(err)
	}
	defer rows.Close()
	res := &warehouse.Result{Columns: q.Columns, Rows: [][]any{}}
	n := len(q.Columns)
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("duckdb: %w", err)
		}
		for i, v := range vals {
			vals[i] = normalise(v)
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, d.queryError(err)
	}
	return res, nil
}

// queryError says a query that ran out of time is unavailable.
func (d *DB) queryError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return apperr.Errorf(apperr.Unavailable, "the query took longer than %s", d.timeout)
	}
	return fmt.Errorf("duckdb: %w", err)
}

// normalise turns driver values into JSON-friendly ones.
func normalise(v any) any {
	switch x := v.(type) {
	case nil, string, float64, int64, bool:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case time.Time:
		return x.Format("2006-01-02")
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// EnsureTenantSchema creates a dataset-mode tenant's schema and its
// tenant_metrics table.
func (d *DB) EnsureTenantSchema(ctx context.Context, dataset string) error {
	if !tenant.ValidDataset(dataset) {
		return fmt.Errorf("tenant dataset %q is not a tenant dataset's name", dataset)
	}
	_, err := d.db.ExecContext(ctx, fmt.Sprintf(`
		CREATE SCHEMA IF NOT EXISTS %[1]s;
		CREATE TABLE IF NOT EXISTS %[1]s.tenant_metrics (
		  month DATE NOT NULL, year INTEGER NOT NULL, municipio VARCHAR, municipio_nome VARCHAR,
		  uf VARCHAR, region VARCHAR, metric VARCHAR NOT NULL, value DOUBLE NOT NULL)`, dataset))
	return err
}
