package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

// What the usage log or a settlement cannot write (here: the app role
// lost its right to write usage) stays counted and is written by a later
// flush once the database takes it: a failed flush drops nothing.
func TestFailedUsageFlushesAreRetried(t *testing.T) {
	b := setupInvites(t)
	ctx := context.Background()
	org, err := b.admin.EnsureOrg(ctx, tenant.Org{Slug: "usage-retry", Name: "usage-retry", Plan: "free", Isolation: tenant.IsolationRow})
	if err != nil {
		t.Fatal(err)
	}
	as := tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	usage := postgres.NewUsageLog(b.app, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	budgets := postgres.NewBudgetService(b.app, postgres.NewPlanService(b.app), usage)
	u, err := url.Parse(b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	grant := func(sql string) {
		b.asOwnerOf(t, org.ID, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, sql+" "+pgx.Identifier{u.User.Username()}.Sanitize())
			return err
		})
	}
	row := func() (queries, processed, reserved int64) {
		b.asOwnerOf(t, org.ID, func(tx pgx.Tx) error {
			err := tx.QueryRow(ctx, `select queries, bytes_processed, bytes_reserved from usage where org_id = $1 and day = (now() at time zone 'utc')::date`, org.ID).
				Scan(&queries, &processed, &reserved)
			if err == pgx.ErrNoRows {
				return nil
			}
			return err
		})
		return
	}

	r, _, ok, err := budgets.ReserveBytes(as, 500)
	if err != nil || !ok {
		t.Fatalf("reserving: %v %v", ok, err)
	}
	grant("revoke insert, update on usage from")
	usage.RecordQuery(as, 7, false)
	budgets.SettleBytes(as, r, 300) // cannot be written now
	if err := usage.Flush(ctx); err == nil {
		t.Fatal("a flush without the right to write usage succeeded")
	}
	if q, p, res := row(); q != 0 || p != 0 || res != 500 {
		t.Fatalf("after the failed writes: %d queries, %d processed, %d reserved; want 0, 0, 500", q, p, res)
	}
	// Until written, the budget counts the settlement's bytes as used.
	if bb, err := budgets.ByteBudget(as); err != nil || bb.Used < 307 {
		t.Fatalf("budget while the writes are pending: %+v %v", bb, err)
	}
	grant("grant insert, update on usage to")
	if err := usage.Flush(ctx); err != nil {
		t.Fatalf("the flush after the grant: %v", err)
	}
	if q, p, res := row(); q != 1 || p != 307 || res != 0 {
		t.Fatalf("after the retried flush: %d queries, %d processed, %d reserved; want 1, 307, 0", q, p, res)
	}
	if err := usage.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
