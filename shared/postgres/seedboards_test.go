package postgres_test

import (
	"context"
	"testing"

	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/demotenants"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
)

// The demo dashboard is seeded once, whatever the number of runs, shows
// views its org may run, and a viewer of the org sees it whole.
func TestDemoBoardsSeedOnceAndAreValid(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	admin, err := postgres.NewAdmin(ctx, db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var orgs map[string]tenant.Org
	for range 2 {
		if orgs, err = demotenants.Seed(ctx, admin, nil); err != nil {
			t.Fatal(err)
		}
		if err := demotenants.SeedBoards(ctx, admin, orgs); err != nil {
			t.Fatal(err)
		}
	}
	catalog, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	app := openApp(t, db)
	users := postgres.NewUserService(app)
	for _, board := range demotenants.Boards {
		entitled := map[string]bool{}
		for _, ds := range demotenants.Entitlements[board.Org] {
			entitled[ds] = true
		}
		for _, v := range board.Views {
			if err := catalog.ValidateConfig(v.Config, entitled); err != nil {
				t.Errorf("demo view %q: %v", v.Name, err)
			}
		}
		d := board.Dashboard
		for _, err := range []error{dashboards.CheckPanels(fillViewIDs(d.Panels)), dashboards.CheckFilters(d.Filters), dashboards.CheckTime(d.Time)} {
			if err != nil {
				t.Errorf("demo dashboard %q: %v", d.Name, err)
			}
		}
		// A viewer of the org (dora in porto-sul) sees it with every panel.
		u, err := users.EnsureUser(ctx, tenant.Identity{FirebaseUID: "demo-dora", Email: "dora@multi.demo"})
		if err != nil {
			t.Fatal(err)
		}
		as := tenant.With(tenant.WithUser(ctx, u), tenant.Tenant{Org: orgs[board.Org], Role: tenant.Viewer})
		list, err := postgres.NewDashboardService(app).FindDashboards(as, dashboards.DashboardFilter{Limit: 10})
		if err != nil || len(list) != 1 || list[0].Name != d.Name || len(list[0].Panels) != len(board.Views) {
			t.Fatalf("%s's dashboards as a viewer: %+v %v", board.Org, list, err)
		}
	}
}

// fillViewIDs gives the panels a well-formed view id, for checking their
// places on the grid before the views exist.
func fillViewIDs(ps []dashboards.Panel) []dashboards.Panel {
	out := make([]dashboards.Panel, len(ps))
	for i, p := range ps {
		p.ViewID = "00000000-0000-4000-8000-000000000000"
		out[i] = p
	}
	return out
}
