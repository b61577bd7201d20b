package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/views"
)

// ViewService implements views.ViewService.
type ViewService struct {
	db        *DB
	validator views.ConfigValidator
}

// NewViewService returns the PostgreSQL view service; configs are checked by v.
func NewViewService(db *DB, v views.ConfigValidator) *ViewService {
	return &ViewService{db: db, validator: v}
}

var _ views.ViewService = (*ViewService)(nil)

const viewColumns = `id::text, owner_id::text, name, config, visibility, version, created_at, updated_at`

func scanView(row pgx.Row) (*views.View, error) {
	var v views.View
	err := row.Scan(&v.ID, &v.OwnerID, &v.Name, &v.Config, &v.Visibility, &v.Version, &v.CreatedAt, &v.UpdatedAt)
	return &v, err
}

// caller returns the tenant and user of ctx.
func caller(ctx context.Context) (tenant.Tenant, tenant.User) {
	t, _ := tenant.FromContext(ctx)
	u, _ := tenant.UserFromContext(ctx)
	return t, u
}

// FindViewByID returns a view the caller may see.
func (s *ViewService) FindViewByID(ctx context.Context, id string) (*views.View, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var v *views.View
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		v, err = findVisibleView(ctx, tx, id, false)
		return err
	})
	return v, err
}

// findVisibleView reads a view that is shared or the caller's own, locking it
// for update when asked.
func findVisibleView(ctx context.Context, tx pgx.Tx, id string, lock bool) (*views.View, error) {
	if !isUUID(id) {
		return nil, apperr.Errorf(apperr.NotFound, "view not found")
	}
	_, u := caller(ctx)
	q := `select ` + viewColumns + ` from views where id = $1 and (visibility = 'org' or owner_id = $2)`
	if lock {
		q += ` for update`
	}
	v, err := scanView(tx.QueryRow(ctx, q, id, u.ID))
	if err != nil {
		return nil, convert(err, "view")
	}
	return v, nil
}

// FindViews lists the views the caller may see, newest first.
func (s *ViewService) FindViews(ctx context.Context, f views.ViewFilter) ([]*views.View, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	_, u := caller(ctx)
	q, args := visibleList(`select `+viewColumns+` from views`, u.ID, f.Visibility, f.Mine, f.After, f.Limit)
	out, err := findRows(ctx, s.db, q, args, scanView)
	if err != nil {
		return nil, fmt.Errorf("finding views: %w", err)
	}
	return out, nil
}

// CreateView stores a new view owned by the caller.
func (s *ViewService) CreateView(ctx context.Context, v *views.View) error {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return err
	}
	name, err := checkName(v.Name)
	if err != nil {
		return err
	}
	if v.Visibility == "" {
		v.Visibility = views.Private
	}
	if !v.Visibility.Valid() {
		return apperr.Invalidf("visibility", "must be private or org")
	}
	t, u := caller(ctx)
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if err := s.validate(ctx, tx, v.Config); err != nil {
			return err
		}
		created, err := scanView(tx.QueryRow(ctx, `
			insert into views (org_id, owner_id, name, config, visibility) values ($1, $2, $3, $4, $5)
			returning `+viewColumns, t.ID(), u.ID, name, v.Config, string(v.Visibility)))
		if err != nil {
			return nameConflict(err, "view", name)
		}
		*v = *created
		return nil
	})
}

// UpdateView changes a view the caller may edit.
func (s *ViewService) UpdateView(ctx context.Context, id string, upd views.ViewUpdate) (*views.View, error) {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return nil, err
	}
	var out *views.View
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		cur, err := s.editable(ctx, tx, id, upd.IfVersion)
		if err != nil {
			return err
		}
		name, config, vis := cur.Name, cur.Config, cur.Visibility
		if upd.Name != nil {
			if name, err = checkName(*upd.Name); err != nil {
				return err
			}
		}
		if upd.Config != nil {
			if err := s.validate(ctx, tx, upd.Config); err != nil {
				return err
			}
			config = upd.Config
		}
		if upd.Visibility != nil {
			if vis, err = unshareable(ctx, tx, cur, *upd.Visibility); err != nil {
				return err
			}
		}
		out, err = scanView(tx.QueryRow(ctx, `
			update views set name = $2, config = $3, visibility = $4, version = version + 1, updated_at = now()
			where id = $1 returning `+viewColumns, id, name, config, string(vis)))
		return nameConflict(err, "view", name)
	})
	return out, err
}

// DeleteView removes a view the caller may edit. While dashboards or
// schedules use it, it refuses with views.InUse unless p.Cascade; then the
// panels go with the view (the foreign key cascades) and the schedules that
// render it are deleted, in the same transaction.
func (s *ViewService) DeleteView(ctx context.Context, id string, p views.ViewDeleteParams) ([]views.Use, error) {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return nil, err
	}
	var removed []views.Use
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, id, p.IfVersion); err != nil {
			return err
		}
		uses, hidden, err := viewUses(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if len(uses)+hidden > 0 && !p.Cascade {
			return inUse(uses, hidden, "the view is in use; delete it with cascade=true to remove its panels and schedules too")
		}
		if _, err := tx.Exec(ctx, `delete from schedules where view_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `delete from views where id = $1`, id)
		removed = uses
		return err
	})
	return removed, err
}

// editable locks the view and checks the caller may change it (see
// checkEditable).
func (s *ViewService) editable(ctx context.Context, tx pgx.Tx, id string, ifVersion int) (*views.View, error) {
	cur, err := findVisibleView(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	return cur, checkEditable(ctx, "view", cur.OwnerID, cur.Version, ifVersion)
}

// checkEditable checks the caller may change a shared-or-own row (a view or
// a dashboard) they can see: their own, or another's shared one when they
// may moderate; and that it is at the version they saw (ifVersion, 0 for
// any).
func checkEditable(ctx context.Context, what, ownerID string, version, ifVersion int) error {
	t, u := caller(ctx)
	if ownerID != u.ID && !t.Role.Can(tenant.ModerateViews) {
		return apperr.Errorf(apperr.Forbidden, "only the %s's owner or an admin may change it", what)
	}
	if ifVersion != 0 && version != ifVersion {
		return apperr.Errorf(apperr.Precondition, "the %s changed since version %d (now %d)", what, ifVersion, version)
	}
	return nil
}

// visibleList completes a select of a table with owner_id, visibility,
// created_at and id into a page of the rows the caller (userID) may see:
// shared ones and their own, narrowed by vis and mine, after the key, newest
// first.
func visibleList(sel, userID string, vis views.Visibility, mine bool, after *views.Key, limit int) (string, []any) {
	var q listQuery
	q.and(`(visibility = 'org' or owner_id = %s)`, userID)
	if vis != "" {
		q.and(`visibility = %s`, string(vis))
	}
	if mine {
		q.and(`owner_id = %s`, userID)
	}
	if after != nil {
		q.and(olderThan, after.CreatedAt, after.ID)
	}
	return q.sql(sel, newestFirst, limit), q.args
}

// validate checks a config against the catalog and the org's entitlements,
// read in the same transaction.
func (s *ViewService) validate(ctx context.Context, tx pgx.Tx, config []byte) error {
	if len(config) == 0 {
		return apperr.Invalidf("config", "required")
	}
	entitled, err := entitlements(ctx, tx)
	if err != nil {
		return err
	}
	return s.validator.ValidateConfig(config, entitled)
}

func entitlements(ctx context.Context, tx pgx.Tx) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `select dataset from entitlements`)
	if err != nil {
		return nil, fmt.Errorf("reading entitlements: %w", err)
	}
	ds, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("reading entitlements: %w", err)
	}
	out := make(map[string]bool, len(ds))
	for _, d := range ds {
		out[d] = true
	}
	return out, nil
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", apperr.Invalidf("name", "required")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200 {
		return "", apperr.Invalidf("name", "at most 200 characters of valid UTF-8")
	}
	if strings.ContainsAny(name, "\x00\r\n") {
		return "", apperr.Invalidf("name", "must be one line")
	}
	return name, nil
}

// nameConflict reports a duplicate name of a view or dashboard (what) as
// Conflict naming the field.
func nameConflict(err error, what, name string) error {
	if err == nil {
		return nil
	}
	if apperr.CodeOf(convert(err, what)) == apperr.Conflict {
		return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("a %s named %q already exists in this organisation", what, name),
			Fields: []apperr.FieldError{{Field: "name", Reason: "already taken"}}}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "%s not found", what)
	}
	return convert(err, what)
}
