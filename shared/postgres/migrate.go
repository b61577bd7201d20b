package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/mirante/mirante/shared/config"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// AppRole is the role every service connects as. Migrations grant it data
// rights; it must exist (LOGIN, NOSUPERUSER, NOBYPASSRLS) before they run.
const AppRole = "mirante_app"

// MigrateConfig is how migrations reach PostgreSQL: as the owner of the schema,
// never as the app role.
type MigrateConfig struct {
	URL string `envconfig:"DATABASE_URL" required:"true" desc:"PostgreSQL URL of the schema owner; used only to run migrations and provisioning"`
}

// Validate checks the URL's shape.
func (c *MigrateConfig) Validate() error {
	if err := validateURL(c.URL); err != nil {
		return config.Errorf("DATABASE_URL", "%v", err)
	}
	return nil
}

// Migrate applies every pending migration as the owner. Concurrent callers
// (several instances starting at once) serialise on an advisory lock.
func Migrate(ctx context.Context, ownerURL string, log *slog.Logger) (applied int, err error) {
	p, closeFn, err := provider(ownerURL, log)
	if err != nil {
		return 0, err
	}
	defer closeFn()
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrating: %w", err)
	}
	return len(res), nil
}

// MigrateDown rolls every migration back; tests use it to prove the Down
// sections work.
func MigrateDown(ctx context.Context, ownerURL string) error {
	p, closeFn, err := provider(ownerURL, nil)
	if err != nil {
		return err
	}
	defer closeFn()
	if _, err := p.DownTo(ctx, 0); err != nil {
		return fmt.Errorf("migrating down: %w", err)
	}
	return nil
}

func provider(ownerURL string, log *slog.Logger) (*goose.Provider, func(), error) {
	cc, err := pgx.ParseConfig(ownerURL)
	if err != nil {
		return nil, nil, errors.New("DATABASE_URL: not a valid PostgreSQL connection URL")
	}
	db := stdlib.OpenDB(*cc)
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	opts := []goose.ProviderOption{goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true)}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, opts...)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("loading migrations: %w", err)
	}
	return p, func() { _ = p.Close() }, nil
}

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}
