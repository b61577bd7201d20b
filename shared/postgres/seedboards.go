package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/views"
)

// EnsureDashboard creates, as the schema owner inside the org, the views
// vs (shared, owned by ownerID) and the dashboard d whose panels show them
// in order; views and a dashboard that already exist by name are left as
// they are, so seeding is idempotent and keeps what users changed.
func (a *Admin) EnsureDashboard(ctx context.Context, orgID, ownerID string, d dashboards.Dashboard, vs []views.View) error {
	if len(vs) != len(d.Panels) {
		return fmt.Errorf("dashboard %q: %d panels for %d views", d.Name, len(d.Panels), len(vs))
	}
	return a.inOrg(ctx, orgID, func(tx pgx.Tx) error {
		panels := make([]dashboards.Panel, len(d.Panels))
		for i, v := range vs {
			err := tx.QueryRow(ctx, `
				with ins as (insert into views (org_id, owner_id, name, config, visibility) values ($1, $2, $3, $4, $5)
					on conflict (org_id, name) do nothing returning id)
				select id::text from ins union all select id::text from views where org_id = $1 and name = $3 limit 1`,
				orgID, ownerID, v.Name, v.Config, string(v.Visibility)).Scan(&panels[i].ViewID)
			if err != nil {
				return convert(err, "view")
			}
			p := d.Panels[i]
			panels[i].X, panels[i].Y, panels[i].W, panels[i].H, panels[i].Title = p.X, p.Y, p.W, p.H, p.Title
		}
		var id string
		err := tx.QueryRow(ctx, `
			insert into dashboards (org_id, owner_id, name, description, visibility, filters, time_range)
			values ($1, $2, $3, $4, $5, $6, $7) on conflict (org_id, name) do nothing returning id::text`,
			orgID, ownerID, d.Name, d.Description, string(d.Visibility), d.Filters, d.Time).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return convert(err, "dashboard")
		}
		return insertPanels(ctx, tx, id, panels)
	})
}
