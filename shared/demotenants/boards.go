package demotenants

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/views"
)

// Board is a demo dashboard of an org, owned by one of its demo users, with
// the views it shows (seeded shared with the org, in panel order).
type Board struct {
	Org       string
	Owner     string // a demo user's e-mail
	Dashboard dashboards.Dashboard
	Views     []views.View
}

// Boards are the demo dashboards: a fresh stack shows one.
var Boards = []Board{{
	Org:   "porto-sul",
	Owner: "ana@porto-sul.demo",
	Dashboard: dashboards.Dashboard{
		Name:        "Porto Sul — visão geral",
		Description: "Exportações do Sul, emprego formal e inflação, lado a lado.",
		Visibility:  views.Org,
		Panels: []dashboards.Panel{
			{X: 0, Y: 0, W: 6, H: 4, Title: "Exportações por UF"},
			{X: 6, Y: 0, W: 6, H: 4, Title: "Saldo de empregos no RS e em SC"},
			{X: 0, Y: 4, W: 12, H: 4, Title: "IPCA em 12 meses"},
		},
		Filters: []dashboards.SharedFilter{},
		Time:    &dashboards.TimeRange{From: "2024-01", To: "2025-09"},
	},
	Views: []views.View{
		{Name: "Exportações por UF", Visibility: views.Org, Config: json.RawMessage(`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf"],"filters":[{"field":"flow","op":"eq","value":"export"},{"field":"uf","op":"in","value":["RS","SC","PR"]}],"time":{"from":"2024-01","to":"2025-09"}}`)},
		{Name: "Saldo de empregos no Sul", Visibility: views.Org, Config: json.RawMessage(`{"dataset":"caged_monthly","measures":["net"],"dimensions":["month","uf"],"filters":[{"field":"uf","op":"in","value":["RS","SC"]}],"time":{"from":"2024-01","to":"2025-09","grain":"month"}}`)},
		{Name: "IPCA em 12 meses", Visibility: views.Org, Config: json.RawMessage(`{"dataset":"ipca_monthly","measures":["yoy_pct"],"dimensions":["month"],"time":{"from":"2024-01","to":"2025-09","grain":"month"}}`)},
	},
}}

// BoardProvisioner writes a demo dashboard and its views.
type BoardProvisioner interface {
	EnsureUser(ctx context.Context, id tenant.Identity) (string, error)
	// EnsureDashboard creates the views and the dashboard (its panels
	// showing the views in order) unless the org already has ones of the
	// same names, which it leaves as they are.
	EnsureDashboard(ctx context.Context, orgID, ownerID string, d dashboards.Dashboard, vs []views.View) error
}

// SeedBoards creates the demo dashboards that do not exist yet, after Seed
// (orgs are Seed's result).
func SeedBoards(ctx context.Context, p BoardProvisioner, orgs map[string]tenant.Org) error {
	for _, b := range Boards {
		uid := ""
		for _, u := range Users {
			if u.Email == b.Owner {
				uid = u.UID
			}
		}
		ownerID, err := p.EnsureUser(ctx, tenant.Identity{FirebaseUID: uid, Email: b.Owner})
		if err != nil {
			return fmt.Errorf("seeding dashboard %q: %w", b.Dashboard.Name, err)
		}
		if err := p.EnsureDashboard(ctx, orgs[b.Org].ID, ownerID, b.Dashboard, b.Views); err != nil {
			return fmt.Errorf("seeding dashboard %q: %w", b.Dashboard.Name, err)
		}
	}
	return nil
}
