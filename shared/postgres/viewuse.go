package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/views"
)

// viewUses lists the dashboards and schedules that use a view: those the
// caller may see with their names, and how many other members' private
// dashboards use it too (counted, never named). With unsharingFrom set to
// the view's owner, it lists only what making the view private would break:
// org dashboards and other members' dashboards (schedules keep running).
func viewUses(ctx context.Context, tx pgx.Tx, viewID, unsharingFrom string) ([]views.Use, int, error) {
	_, u := caller(ctx)
	q := `select 'dashboard', d.id::text, d.name, d.visibility = 'org' or d.owner_id = $2
		from dashboards d
		where exists (select from dashboard_panels p where p.dashboard_id = d.id and p.view_id = $1)
		  and ($3 = '' or d.visibility = 'org' or d.owner_id::text <> $3)
		union all
		select 'schedule', s.id::text, s.name, true from schedules s where s.view_id = $1 and $3 = ''
		order by 1, 3, 2`
	rows, err := tx.Query(ctx, q, viewID, u.ID, unsharingFrom)
	if err != nil {
		return nil, 0, fmt.Errorf("finding the uses of a view: %w", err)
	}
	uses, hidden := []views.Use{}, 0
	var use views.Use
	var visible bool
	_, err = pgx.ForEachRow(rows, []any{&use.Kind, &use.ID, &use.Name, &visible}, func() error {
		if visible {
			uses = append(uses, use)
		} else {
			hidden++
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("finding the uses of a view: %w", err)
	}
	return uses, hidden, nil
}

// inUse is the views.InUse refusal, listing the uses.
func inUse(uses []views.Use, hidden int, msg string) error {
	return &apperr.Error{Code: views.InUse, Message: msg,
		Details: map[string]any{"used_by": uses, "private_dashboards": hidden}}
}

// unshareable checks a view's new visibility: making it private is refused
// with views.InUse while org dashboards or other members' dashboards show
// it, since they would lose the panel.
func unshareable(ctx context.Context, tx pgx.Tx, cur *views.View, vis views.Visibility) (views.Visibility, error) {
	if !vis.Valid() {
		return "", apperr.Invalidf("visibility", "must be private or org")
	}
	if vis != views.Private || cur.Visibility == views.Private {
		return vis, nil
	}
	uses, hidden, err := viewUses(ctx, tx, cur.ID, cur.OwnerID)
	if err != nil {
		return "", err
	}
	if len(uses)+hidden > 0 {
		return "", inUse(uses, hidden, "shared dashboards show this view; remove it from them before making it private")
	}
	return vis, nil
}
