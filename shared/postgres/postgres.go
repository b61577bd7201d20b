// Package postgres is the PostgreSQL adapter: the connection pool, the one
// transaction helper through which all tenant data passes, the embedded
// migrations, and the service implementations backed by PostgreSQL.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/tenant"
)

// Config is how the services reach PostgreSQL. Services connect as the app
// role, which owns nothing and cannot bypass row-level security.
type Config struct {
	URL              string        `envconfig:"APP_DATABASE_URL" required:"true" desc:"PostgreSQL URL of the app role (LOGIN, NOSUPERUSER, NOBYPASSRLS, owns nothing) that every service uses"`
	MaxConns         int32         `envconfig:"PG_MAX_CONNS" default:"8" desc:"connections in each process's pool"`
	ConnectTimeout   time.Duration `envconfig:"PG_CONNECT_TIMEOUT" default:"5s" desc:"timeout for opening one connection"`
	StatementTimeout time.Duration `envconfig:"PG_STATEMENT_TIMEOUT" default:"10s" desc:"server-side limit on any one statement"`
}

// Validate checks the URL's shape without echoing it (it may hold a password).
func (c *Config) Validate() error {
	if err := validateURL(c.URL); err != nil {
		return config.Errorf("APP_DATABASE_URL", "%v", err)
	}
	if c.MaxConns < 1 {
		return config.Errorf("PG_MAX_CONNS", "must be at least 1")
	}
	if c.ConnectTimeout <= 0 {
		return config.Errorf("PG_CONNECT_TIMEOUT", "must be positive")
	}
	if c.StatementTimeout <= 0 {
		return config.Errorf("PG_STATEMENT_TIMEOUT", "must be positive")
	}
	return nil
}

// validateURL reports whether s is a PostgreSQL URL pgx can use, in words that
// do not repeat s.
func validateURL(s string) error {
	if _, err := pgx.ParseConfig(s); err != nil {
		return errors.New("not a valid PostgreSQL connection URL")
	}
	return nil
}

// DB is the pool every service shares.
type DB struct {
	pool *pgxpool.Pool
}

// New opens the pool and checks that the server answers.
func New(ctx context.Context, cfg Config) (*DB, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("APP_DATABASE_URL: not a valid PostgreSQL connection URL")
	}
	pc.MaxConns = cfg.MaxConns
	pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	if pc.ConnConfig.RuntimeParams == nil {
		pc.ConnConfig.RuntimeParams = map[string]string{}
	}
	pc.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(cfg.StatementTimeout.Milliseconds())
	pc.ConnConfig.RuntimeParams["application_name"] = "mirante"
	pc.ConnConfig.Tracer = queryTracer{}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("opening PostgreSQL pool: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL at %s:%d does not answer: %w", pc.ConnConfig.Host, pc.ConnConfig.Port, err)
	}
	return &DB{pool: pool}, nil
}

// Close releases every connection.
func (db *DB) Close() { db.pool.Close() }

// Ping checks that PostgreSQL answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return apperr.Errorf(apperr.Unavailable, "database unavailable")
	}
	return nil
}

// InTenantTx runs fn in a transaction scoped to the tenant in ctx: it first sets
// app.org_id, which every row-level security policy reads. With no tenant in
// ctx it runs nothing. All tenant data passes through here or, for a single
// read, through queryTenantRow; both set the tenant with setTenant.
func (db *DB) InTenantTx(ctx context.Context, fn func(pgx.Tx) error) error {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return apperr.Errorf(apperr.Unauthorized, "no tenant in context")
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, setTenant, t.ID()); err != nil {
			return fmt.Errorf("setting tenant: %w", err)
		}
		return fn(tx)
	})
}

// setTenant makes $1 the transaction's tenant (local: it ends with it).
const setTenant = `select set_config('app.org_id', $1, true)`

// queryTenantRow runs one read as the tenant in ctx in a single round trip:
// the tenant's setting and the query are sent as one batch, which
// PostgreSQL runs as one implicit transaction, so the setting (local to
// it) holds for the query and ends with it. InTenantTx's explicit
// transaction costs four round trips (begin, setting, query, commit), which
// the uncached query path, where the byte budget is read, should not pay.
func (db *DB) queryTenantRow(ctx context.Context, scan func(pgx.Row) error, sql string, args ...any) error {
	t, ok := tenant.FromContext(ctx)
	if !ok {
		return apperr.Errorf(apperr.Unauthorized, "no tenant in context")
	}
	b := &pgx.Batch{}
	b.Queue(setTenant, t.ID())
	b.Queue(sql, args...)
	br := db.pool.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("setting tenant: %w", err)
	}
	if err := scan(br.QueryRow()); err != nil {
		br.Close()
		return err
	}
	return br.Close()
}

// InUserTx runs fn in a transaction that sees the signed-in user's own row and
// memberships across orgs, and no tenant's data.
func (db *DB) InUserTx(ctx context.Context, fn func(pgx.Tx) error) error {
	u, ok := tenant.UserFromContext(ctx)
	if !ok {
		return apperr.Errorf(apperr.Unauthorized, "no user in context")
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.user_id', $1, true), set_config('app.firebase_uid', $2, true)`, u.ID, u.FirebaseUID); err != nil {
			return fmt.Errorf("setting user: %w", err)
		}
		return fn(tx)
	})
}

// inIdentityTx runs fn seeing only the user row of one Firebase uid; it is how a
// user's row is found or created on their first verified request.
func (db *DB) inIdentityTx(ctx context.Context, firebaseUID string, fn func(pgx.Tx) error) error {
	if firebaseUID == "" {
		return apperr.Errorf(apperr.Unauthorized, "no identity")
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.firebase_uid', $1, true)`, firebaseUID); err != nil {
			return fmt.Errorf("setting identity: %w", err)
		}
		return fn(tx)
	})
}

// Postgres error codes this adapter converts.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
	checkViolation      = "23514"
	rlsViolation        = "42501"
)

// convert turns the pgx errors the services expect into coded errors and wraps
// everything else with context.
func convert(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "%s not found", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case uniqueViolation:
			return apperr.Errorf(apperr.Conflict, "%s already exists", what)
		case foreignKeyViolation:
			return apperr.Errorf(apperr.Invalid, "%s refers to something that does not exist", what)
		case checkViolation:
			return apperr.Errorf(apperr.Invalid, "%s is not valid", what)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
