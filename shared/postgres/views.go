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
	where := []string{`(visibility = 'org' or owner_id = $1)`}
	args := []any{u.ID}
	if f.Visibility != "" {
		args = append(args, string(f.Visibility))
		where = append(where, fmt.Sprintf(`visibility = $%d`, len(args)))
	}
	if f.Mine {
		where = append(where, `owner_id = $1`)
	}
	if f.After != nil {
		args = append(args, f.After.CreatedAt, f.After.ID)
		where = append(where, fmt.Sprintf(`(created_at, id) < ($%d, $%d::uuid)`, len(args)-1, len(args)))
	}
	args = append(args, f.Limit)
	q := `select ` + viewColumns + ` from views where ` + strings.Join(where, " and ") +
		fmt.Sprintf(` order by created_at desc, id desc limit $%d`, len(args))
	var out []*views.View
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*views.View, error) { return scanView(r) })
		return err
	})
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
			return nameConflict(err, name)
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
			if !upd.Visibility.Valid() {
				return apperr.Invalidf("visibility", "must be private or org")
			}
			vis = *upd.Visibility
		}
		out, err = scanView(tx.QueryRow(ctx, `
			update views set name = $2, config = $3, visibility = $4, version = version + 1, updated_at = now()
			where id = $1 returning `+viewColumns, id, name, config, string(vis)))
		return nameConflict(err, name)
	})
	return out, err
}

// DeleteView removes a view the caller may edit.
func (s *ViewService) DeleteView(ctx context.Context, id string, ifVersion int) error {
	if err := tenant.Authorize(ctx, tenant.WriteViews); err != nil {
		return err
	}
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, id, ifVersion); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `delete from views where id = $1`, id)
		return err
	})
}

// editable locks the view and checks the caller may change it: their own, or
// a shared one when they may moderate; and that it is at the version they saw.
func (s *ViewService) editable(ctx context.Context, tx pgx.Tx, id string, ifVersion int) (*views.View, error) {
	cur, err := findVisibleView(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	t, u := caller(ctx)
	if cur.OwnerID != u.ID && !t.Role.Can(tenant.ModerateViews) {
		return nil, apperr.Errorf(apperr.Forbidden, "only the view's owner or an admin may change it")
	}
	if ifVersion != 0 && cur.Version != ifVersion {
		return nil, apperr.Errorf(apperr.Precondition, "the view changed since version %d (now %d)", ifVersion, cur.Version)
	}
	return cur, nil
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

// nameConflict reports a duplicate view name as Conflict naming the field.
func nameConflict(err error, name string) error {
	if err == nil {
		return nil
	}
	if apperr.CodeOf(convert(err, "view")) == apperr.Conflict {
		return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("a view named %q already exists in this organisation", name),
			Fields: []apperr.FieldError{{Field: "name", Reason: "already taken"}}}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "view not found")
	}
	return convert(err, "view")
}
