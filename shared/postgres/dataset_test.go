package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

// A dataset-mode org's warehouse dataset carries the tenant_ prefix and is
// its own: PostgreSQL refuses anything else whoever writes the row, and
// provisioning refuses it first with a clear error.
func TestWarehouseDatasetIsATenantsOwn(t *testing.T) {
	b := setupInvites(t)
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	insert := func(slug, dataset string) error {
		_, err := owner.Exec(ctx, `insert into orgs (slug, name, isolation, warehouse_dataset) values ($1, $1, 'dataset', $2)`, slug, dataset)
		return err
	}
	if err := insert("acme", "tenant_acme"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dataset, code string }{
		{"marts", "23514"},
		{"landing", "23514"},
		{"acme_data", "23514"},
		{"tenant_", "23514"},
		{"tenant_acme", "23505"}, // acme's
	} {
		var pe *pgconn.PgError
		if err := insert("other", tc.dataset); !errors.As(err, &pe) || pe.Code != tc.code {
			t.Errorf("an org on the dataset %q: %v, want SQLSTATE %s", tc.dataset, err, tc.code)
		}
	}

	for _, ds := range []string{"marts", "acme_data"} {
		_, err := b.admin.EnsureOrg(ctx, tenant.Org{Slug: "other", Name: "Other", Plan: "free", Isolation: tenant.IsolationDataset, Dataset: ds})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || !strings.Contains(e.Message, "tenant_") {
			t.Errorf("EnsureOrg on %q: %v, want Invalid naming the prefix", ds, err)
		}
		_, _, err = b.admin.Onboard(ctx, postgres.OnboardParams{
			Org:        tenant.Org{Slug: "other", Name: "Other", Plan: "free", Isolation: tenant.IsolationDataset, Dataset: ds},
			OwnerEmail: "dona@other.example", TTL: time.Hour,
		})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "dataset" {
			t.Errorf("Onboard on %q: %v, want Invalid on dataset", ds, err)
		}
	}
	_, err = b.admin.EnsureOrg(ctx, tenant.Org{Slug: "other", Name: "Other", Plan: "free", Isolation: tenant.IsolationDataset, Dataset: "tenant_acme"})
	wantCode(t, err, apperr.Conflict, "EnsureOrg on another org's dataset")
	if _, err := b.admin.FindOrgBySlug(ctx, "other"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a refused org was stored: %v", err)
	}
}

// The migration that adds the prefix names the orgs that lack it, and
// changes nothing until they are renamed.
func TestWarehouseDatasetMigrationNamesOrgsWithoutThePrefix(t *testing.T) {
	db := pgtest.Empty(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := postgres.MigrateUpTo(ctx, db.OwnerURL, 10); err != nil {
		t.Fatal(err)
	}
	owner, err := pgx.Connect(ctx, db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	if _, err := owner.Exec(ctx, `insert into orgs (slug, name, isolation, warehouse_dataset) values ('legacy', 'Legacy', 'dataset', 'legacy_data')`); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.Migrate(ctx, db.OwnerURL, nil)
	if err == nil || !strings.Contains(err.Error(), "legacy (legacy_data)") {
		t.Fatalf("migrating with an org off the prefix: %v, want it named", err)
	}
	if _, err := owner.Exec(ctx, `update orgs set warehouse_dataset = 'tenant_legacy' where slug = 'legacy'`); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Migrate(ctx, db.OwnerURL, nil); err != nil {
		t.Fatalf("migrating once the org is renamed: %v", err)
	}
}
