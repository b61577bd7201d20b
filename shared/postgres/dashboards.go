package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/views"
)

// DashboardService implements dashboards.Service.
type DashboardService struct {
	db *DB
}

// NewDashboardService returns the PostgreSQL dashboard service.
func NewDashboardService(db *DB) *DashboardService {
	return &DashboardService{db: db}
}

var _ dashboards.Service = (*DashboardService)(nil)

const dashboardColumns = `id::text, owner_id::text, name, description, visibility, filters, time_range, version, created_at, updated_at`

func scanDashboard(row pgx.Row) (*dashboards.Dashboard, error) {
	var d dashboards.Dashboard
	var filters, timeRange []byte
	if err := row.Scan(&d.ID, &d.OwnerID, &d.Name, &d.Description, &d.Visibility, &filters, &timeRange, &d.Version, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(filters, &d.Filters); err != nil {
		return nil, fmt.Errorf("reading dashboard filters: %w", err)
	}
	if timeRange != nil {
		if err := json.Unmarshal(timeRange, &d.Time); err != nil {
			return nil, fmt.Errorf("reading dashboard time range: %w", err)
		}
	}
	d.Panels = []dashboards.Panel{}
	return &d, nil
}

// FindDashboardByID returns a dashboard the caller may see.
func (s *DashboardService) FindDashboardByID(ctx context.Context, id string) (*dashboards.Dashboard, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var d *dashboards.Dashboard
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d, err = findVisibleDashboard(ctx, tx, id, false); err != nil {
			return err
		}
		return withPanels(ctx, tx, []*dashboards.Dashboard{d})
	})
	return d, err
}

// findVisibleDashboard reads a dashboard (without its panels) that is
// shared or the caller's own, locking it for update when asked.
func findVisibleDashboard(ctx context.Context, tx pgx.Tx, id string, lock bool) (*dashboards.Dashboard, error) {
	if !isUUID(id) {
		return nil, apperr.Errorf(apperr.NotFound, "dashboard not found")
	}
	_, u := caller(ctx)
	q := `select ` + dashboardColumns + ` from dashboards where id = $1 and (visibility = 'org' or owner_id = $2)`
	if lock {
		q += ` for update`
	}
	d, err := scanDashboard(tx.QueryRow(ctx, q, id, u.ID))
	if err != nil {
		return nil, convert(err, "dashboard")
	}
	return d, nil
}

// withPanels reads the panels of ds, in their order.
func withPanels(ctx context.Context, tx pgx.Tx, ds []*dashboards.Dashboard) error {
	byID := make(map[string]*dashboards.Dashboard, len(ds))
	ids := make([]string, 0, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
		ids = append(ids, d.ID)
	}
	rows, err := tx.Query(ctx, `select dashboard_id::text, view_id::text, x, y, w, h, title from dashboard_panels
		where dashboard_id = any($1::uuid[]) order by dashboard_id, position`, ids)
	if err != nil {
		return fmt.Errorf("reading panels: %w", err)
	}
	var dashID string
	var p dashboards.Panel
	_, err = pgx.ForEachRow(rows, []any{&dashID, &p.ViewID, &p.X, &p.Y, &p.W, &p.H, &p.Title}, func() error {
		byID[dashID].Panels = append(byID[dashID].Panels, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading panels: %w", err)
	}
	return nil
}

// FindDashboards lists the dashboards the caller may see, newest first.
func (s *DashboardService) FindDashboards(ctx context.Context, f dashboards.DashboardFilter) ([]*dashboards.Dashboard, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	_, u := caller(ctx)
	q, args := visibleList(`select `+dashboardColumns+` from dashboards`, u.ID, f.Visibility, f.Mine, f.After, f.Limit)
	var out []*dashboards.Dashboard
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = collectRows(ctx, tx, q, args, scanDashboard)
		if err != nil || len(out) == 0 {
			return err
		}
		return withPanels(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("finding dashboards: %w", err)
	}
	return out, nil
}

// checkDashboard validates and normalises what a caller writes: trimmed
// name, default visibility, empty lists rather than nil, no empty range.
func checkDashboard(d *dashboards.Dashboard) error {
	name, err := checkName(d.Name)
	if err != nil {
		return err
	}
	d.Name = name
	if d.Visibility == "" {
		d.Visibility = views.Private
	}
	if !d.Visibility.Valid() {
		return apperr.Invalidf("visibility", "must be private or org")
	}
	if d.Panels == nil {
		d.Panels = []dashboards.Panel{}
	}
	if d.Filters == nil {
		d.Filters = []dashboards.SharedFilter{}
	}
	if d.Time != nil && *d.Time == (dashboards.TimeRange{}) {
		d.Time = nil
	}
	for _, check := range []func() error{
		func() error { return dashboards.CheckDescription(d.Description) },
		func() error { return dashboards.CheckPanels(d.Panels) },
		func() error { return dashboards.CheckFilters(d.Filters) },
		func() error { return dashboards.CheckTime(d.Time) },
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// CreateDashboard stores a new dashboard owned by the caller.
func (s *DashboardService) CreateDashboard(ctx context.Context, d *dashboards.Dashboard) error {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return err
	}
	if err := checkDashboard(d); err != nil {
		return err
	}
	t, u := caller(ctx)
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if err := checkPanelViews(ctx, tx, d.Panels, d.Visibility); err != nil {
			return err
		}
		created, err := scanDashboard(tx.QueryRow(ctx, `
			insert into dashboards (org_id, owner_id, name, description, visibility, filters, time_range)
			values ($1, $2, $3, $4, $5, $6, $7) returning `+dashboardColumns,
			t.ID(), u.ID, d.Name, d.Description, string(d.Visibility), d.Filters, d.Time))
		if err != nil {
			return nameConflict(err, "dashboard", d.Name)
		}
		if err := insertPanels(ctx, tx, created.ID, d.Panels); err != nil {
			return err
		}
		created.Panels = d.Panels
		*d = *created
		return nil
	})
}

// checkPanelViews checks that every panel's view exists and is visible to
// the caller and, on an org dashboard, is itself shared. The views are
// locked against changes until the transaction ends, so none of them can
// be made private or deleted under the new panels.
func checkPanelViews(ctx context.Context, tx pgx.Tx, ps []dashboards.Panel, vis views.Visibility) error {
	if len(ps) == 0 {
		return nil
	}
	_, u := caller(ctx)
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ViewID
	}
	rows, err := tx.Query(ctx, `select id::text, visibility from views
		where id = any($1::uuid[]) and (visibility = 'org' or owner_id = $2) for share`, ids, u.ID)
	if err != nil {
		return fmt.Errorf("reading panel views: %w", err)
	}
	seen := map[string]views.Visibility{}
	var id string
	var v views.Visibility
	if _, err := pgx.ForEachRow(rows, []any{&id, &v}, func() error { seen[id] = v; return nil }); err != nil {
		return fmt.Errorf("reading panel views: %w", err)
	}
	for i, p := range ps {
		field := fmt.Sprintf("panels[%d].view_id", i)
		got, ok := seen[p.ViewID]
		switch {
		case !ok:
			return apperr.Invalidf(field, "no such view")
		case got == views.Private && vis == views.Org:
			return apperr.Invalidf(field, "view %s is private; share it with the organisation first", p.ViewID)
		}
	}
	return nil
}

// insertPanels writes a dashboard's panels in their order.
func insertPanels(ctx context.Context, tx pgx.Tx, dashboardID string, ps []dashboards.Panel) error {
	if len(ps) == 0 {
		return nil
	}
	n := len(ps)
	pos, x, y, w, h := make([]int, n), make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	viewIDs, titles := make([]string, n), make([]string, n)
	for i, p := range ps {
		pos[i], x[i], y[i], w[i], h[i], viewIDs[i], titles[i] = i, p.X, p.Y, p.W, p.H, p.ViewID, p.Title
	}
	_, err := tx.Exec(ctx, `
		insert into dashboard_panels (org_id, dashboard_id, position, view_id, x, y, w, h, title)
		select app_org_id(), $1, p, v, x, y, w, h, t
		from unnest($2::int[], $3::uuid[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[]) as u(p, v, x, y, w, h, t)`,
		dashboardID, pos, viewIDs, x, y, w, h, titles)
	if err != nil {
		return convert(err, "panel")
	}
	return nil
}

// UpdateDashboard changes a dashboard the caller may edit; panels, filters
// and time range, when given, replace the old ones whole.
func (s *DashboardService) UpdateDashboard(ctx context.Context, id string, upd dashboards.DashboardUpdate) (*dashboards.Dashboard, error) {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return nil, err
	}
	var out *dashboards.Dashboard
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		cur, err := findVisibleDashboard(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := checkEditable(ctx, "dashboard", cur.OwnerID, cur.Version, upd.IfVersion); err != nil {
			return err
		}
		if err := withPanels(ctx, tx, []*dashboards.Dashboard{cur}); err != nil {
			return err
		}
		next := applyUpdate(*cur, upd)
		if err := checkDashboard(&next); err != nil {
			return err
		}
		if upd.Panels != nil || next.Visibility != cur.Visibility {
			if err := checkPanelViews(ctx, tx, next.Panels, next.Visibility); err != nil {
				return err
			}
		}
		out, err = scanDashboard(tx.QueryRow(ctx, `
			update dashboards set name = $2, description = $3, visibility = $4, filters = $5, time_range = $6,
				version = version + 1, updated_at = now()
			where id = $1 returning `+dashboardColumns,
			id, next.Name, next.Description, string(next.Visibility), next.Filters, next.Time))
		if err != nil {
			return nameConflict(err, "dashboard", next.Name)
		}
		out.Panels = next.Panels
		if upd.Panels == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `delete from dashboard_panels where dashboard_id = $1`, id); err != nil {
			return err
		}
		return insertPanels(ctx, tx, id, next.Panels)
	})
	return out, err
}

// applyUpdate returns cur with the update's fields in place.
func applyUpdate(cur dashboards.Dashboard, upd dashboards.DashboardUpdate) dashboards.Dashboard {
	if upd.Name != nil {
		cur.Name = *upd.Name
	}
	if upd.Description != nil {
		cur.Description = *upd.Description
	}
	if upd.Visibility != nil {
		cur.Visibility = *upd.Visibility
	}
	if upd.Panels != nil {
		cur.Panels = *upd.Panels
	}
	if upd.Filters != nil {
		cur.Filters = *upd.Filters
	}
	if upd.SetTime {
		cur.Time = upd.Time
	}
	return cur
}

// DeleteDashboard removes a dashboard the caller may edit, with its panels.
func (s *DashboardService) DeleteDashboard(ctx context.Context, id string, ifVersion int) error {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return err
	}
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		cur, err := findVisibleDashboard(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := checkEditable(ctx, "dashboard", cur.OwnerID, cur.Version, ifVersion); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `delete from dashboards where id = $1`, id)
		return err
	})
}
