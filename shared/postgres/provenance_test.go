package postgres_test

import (
	"context"
	"testing"

	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/sources"
	"github.com/mirante/mirante/shared/tenant"
)

// A public dataset's answers tell whether its source holds demo data and
// whether its last load failed (with the code and when, from the load
// log), while the watermark stays the last good load's; a tenant's own
// dataset tells only whether it is synthetic, and another org's upload
// says nothing about it.
func TestMarkProvenance(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	admin, err := postgres.NewAdmin(ctx, db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	app := openApp(t, db)
	marks := postgres.NewWatermarkService(app, 0)
	catalog := postgres.NewSourceService(app)
	ds := &semantic.Dataset{ID: "pib_municipal", Source: "pib_municipal", Scope: semantic.Public}

	if err := admin.SetSourceWatermark(ctx, "pib_municipal", "2022", true); err != nil {
		t.Fatal(err)
	}
	wm, _, p, err := marks.MarkProvenance(ctx, ds)
	if err != nil || wm != "2022" || !p.Synthetic || p.Source == nil || p.Source.LastLoadFailed {
		t.Fatalf("demo data: %q %+v %v", wm, p, err)
	}
	if err := catalog.RecordLoad(ctx, "pib_municipal", "2023", "sha-a", nil); err != nil {
		t.Fatal(err)
	}
	if err := catalog.LogLoad(ctx, postgres.SourceLoad{Object: "sources/pib_municipal/x.csv", Generation: 1, Source: "pib_municipal", Outcome: "refused", Error: "layout"}); err != nil {
		t.Fatal(err)
	}
	if err := catalog.RecordFailure(ctx, "pib_municipal", sources.FileRefused); err != nil {
		t.Fatal(err)
	}
	wm, _, p, err = marks.MarkProvenance(ctx, ds)
	if err != nil || wm != "2023" || p.Synthetic || p.Source == nil || !p.Source.LastLoadFailed ||
		p.Source.LastErrorCode != sources.FileRefused || p.Source.FailedAt == nil {
		t.Fatalf("after a refused file: %q %+v %+v %v", wm, p, p.Source, err)
	}
	if _, _, p, _ := marks.MarkProvenance(ctx, &semantic.Dataset{ID: "x", Source: "no_such_source", Scope: semantic.Public}); p.Source != nil {
		t.Fatalf("a source not in the catalog has a status: %+v", p.Source)
	}

	orgA, err := admin.EnsureOrg(ctx, tenant.Org{Slug: "prov-a", Name: "A", Plan: "standard", Isolation: tenant.IsolationRow})
	if err != nil {
		t.Fatal(err)
	}
	orgB, err := admin.EnsureOrg(ctx, tenant.Org{Slug: "prov-b", Name: "B", Plan: "standard", Isolation: tenant.IsolationRow})
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.SetTenantData(ctx, orgA.ID, "tenant_metrics", "2024-06", 10, true); err != nil {
		t.Fatal(err)
	}
	metrics := &semantic.Dataset{ID: "tenant_metrics", Scope: semantic.Tenant}
	wm, _, p, err = marks.MarkProvenance(tenant.With(ctx, tenant.Tenant{Org: orgA, Role: tenant.Viewer}), metrics)
	if err != nil || wm != "2024-06" || !p.Synthetic || p.Source != nil {
		t.Fatalf("org A's demo upload: %q %+v %v", wm, p, err)
	}
	wm, _, p, err = marks.MarkProvenance(tenant.With(ctx, tenant.Tenant{Org: orgB, Role: tenant.Viewer}), metrics)
	if err != nil || wm != "" || p.Synthetic {
		t.Fatalf("org B sees org A's upload: %q %+v %v", wm, p, err)
	}
}
