package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
)

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	db := pgtest.Empty(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	n, err := postgres.Migrate(ctx, db.OwnerURL, nil)
	if err != nil {
		t.Fatalf("first migration: %v", err)
	}
	if n == 0 {
		t.Fatal("first migration applied nothing")
	}
	tables := countTables(t, db.OwnerURL)
	if tables < 11 {
		t.Fatalf("after migrating, %d tables in public, want at least 11", tables)
	}

	n, err = postgres.Migrate(ctx, db.OwnerURL, nil)
	if err != nil {
		t.Fatalf("second migration: %v", err)
	}
	if n != 0 {
		t.Fatalf("second migration applied %d migrations, want 0", n)
	}
	if got := countTables(t, db.OwnerURL); got != tables {
		t.Fatalf("second migration changed the table count from %d to %d", tables, got)
	}

	if err := postgres.MigrateDown(ctx, db.OwnerURL); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := countTables(t, db.OwnerURL); got != 1 { // goose's own version table
		t.Fatalf("after migrating down, %d tables remain, want only goose's", got)
	}
	if _, err := postgres.Migrate(ctx, db.OwnerURL, nil); err != nil {
		t.Fatalf("migrating up after down: %v", err)
	}
}

func TestMigrateRefusesWithoutAppRoleAsApp(t *testing.T) {
	db := pgtest.Empty(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The app role may not run DDL: migrating as it must fail and leave nothing.
	if _, err := postgres.Migrate(ctx, db.AppURL, nil); err == nil {
		t.Fatal("migrating as the app role succeeded; it must not be able to create tables")
	}
	if got := countTables(t, db.OwnerURL); got > 1 {
		t.Fatalf("a failed migration left %d tables", got)
	}
}

func countTables(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `select count(*) from pg_tables where schemaname = 'public'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
