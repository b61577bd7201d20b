package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

func openApp(t *testing.T, db *pgtest.DB) *postgres.DB {
	t.Helper()
	app, err := postgres.New(context.Background(), postgres.Config{URL: db.AppURL, MaxConns: 4, ConnectTimeout: 5 * time.Second, StatementTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	return app
}

// The user row is remembered per Firebase uid and e-mail: the same identity
// gets the same row, and an e-mail changed in Firebase reaches the row on
// the next request, not after the memory expires.
func TestEnsureUserRemembersAndFollowsEmailChanges(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	users := postgres.NewUserService(openApp(t, db))
	a, err := users.EnsureUser(ctx, tenant.Identity{FirebaseUID: "uid-memo", Email: "Ana@Example.com"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := users.EnsureUser(ctx, tenant.Identity{FirebaseUID: "uid-memo", Email: "ana@example.com"})
	if err != nil || b != a || a.Email != "ana@example.com" {
		t.Fatalf("same identity: %+v then %+v (%v)", a, b, err)
	}
	c, err := users.EnsureUser(ctx, tenant.Identity{FirebaseUID: "uid-memo", Email: "ana.nova@example.com"})
	if err != nil || c.ID != a.ID || c.Email != "ana.nova@example.com" {
		t.Fatalf("after the e-mail changed: %+v (%v), want id %s with the new e-mail", c, err, a.ID)
	}
	// A second process, with nothing remembered, reads the changed row.
	d, err := postgres.NewUserService(openApp(t, db)).EnsureUser(ctx, tenant.Identity{FirebaseUID: "uid-memo", Email: "ana.nova@example.com"})
	if err != nil || d != c {
		t.Fatalf("another process reads %+v (%v), want %+v", d, err, c)
	}
}

// Entitlements are remembered per org for EntitlementTTL: a change made
// through an instance is seen by it at once; another instance sees it once
// its memory expires, and never another org's list.
func TestEntitlementsMemory(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	admin, err := postgres.NewAdmin(ctx, db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	orgA, err := admin.EnsureOrg(ctx, tenant.Org{Slug: "memo-a", Name: "A", Plan: "standard", Isolation: tenant.IsolationRow})
	if err != nil {
		t.Fatal(err)
	}
	orgB, err := admin.EnsureOrg(ctx, tenant.Org{Slug: "memo-b", Name: "B", Plan: "standard", Isolation: tenant.IsolationRow})
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.SetEntitlements(ctx, orgA.ID, []string{"comex_monthly"}); err != nil {
		t.Fatal(err)
	}
	if err := admin.SetEntitlements(ctx, orgB.ID, []string{"ipca_monthly", "pib_municipal"}); err != nil {
		t.Fatal(err)
	}
	isPublic := func(d string) bool { return d != "tenant_metrics" }
	app := openApp(t, db)
	now := time.Now()
	one := postgres.NewEntitlementService(app, isPublic)
	one.SetClock(func() time.Time { return now })
	other := postgres.NewEntitlementService(app, isPublic)
	asA := tenant.With(ctx, tenant.Tenant{Org: orgA, Role: tenant.Admin})
	asB := tenant.With(ctx, tenant.Tenant{Org: orgB, Role: tenant.Admin})
	find := func(s *postgres.EntitlementService, ctx context.Context) []string {
		t.Helper()
		got, err := s.FindEntitlements(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	if got := find(one, asA); !slices.Equal(got, []string{"comex_monthly"}) {
		t.Fatalf("org A: %v", got)
	}
	if got := find(one, asB); !slices.Equal(got, []string{"ipca_monthly", "pib_municipal"}) {
		t.Fatalf("org B, after A was remembered: %v", got)
	}
	// Another instance changes A's entitlements.
	if _, err := other.SetEntitlements(asA, []string{"antaq_monthly"}); err != nil {
		t.Fatal(err)
	}
	if got := find(other, asA); !slices.Equal(got, []string{"antaq_monthly"}) {
		t.Errorf("the instance that changed them reads %v", got)
	}
	if got := find(one, asA); !slices.Equal(got, []string{"comex_monthly"}) {
		t.Errorf("within the TTL the first instance answers from memory, got %v", got)
	}
	now = now.Add(postgres.EntitlementTTL)
	if got := find(one, asA); !slices.Equal(got, []string{"antaq_monthly"}) {
		t.Errorf("after the TTL the first instance reads %v", got)
	}
	// A change through the instance itself is seen at once.
	if _, err := one.SetEntitlements(asA, []string{"caged_monthly"}); err != nil {
		t.Fatal(err)
	}
	if got := find(one, asA); !slices.Equal(got, []string{"caged_monthly"}) {
		t.Errorf("after its own change the instance reads %v", got)
	}
	// Callers cannot change what is remembered.
	got := find(one, asA)
	got[0] = "tampered"
	if got := find(one, asA); !slices.Equal(got, []string{"caged_monthly"}) {
		t.Errorf("a caller's edit reached the memory: %v", got)
	}
	if got := find(one, asB); !slices.Equal(got, []string{"ipca_monthly", "pib_municipal"}) {
		t.Errorf("org B: %v", got)
	}
}
