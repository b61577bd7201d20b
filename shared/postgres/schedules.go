package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tenant"
)

// ScheduleService implements reports.ScheduleService.
type ScheduleService struct {
	db        *DB
	templates reports.Templates
	now       func() time.Time
}

// NewScheduleService returns the service.
func NewScheduleService(db *DB, templates reports.Templates) *ScheduleService {
	return &ScheduleService{db: db, templates: templates, now: time.Now}
}

var _ reports.ScheduleService = (*ScheduleService)(nil)

const scheduleColumns = `id::text, name, cron, timezone, template, format, coalesce(view_id::text, ''), params, recipients, enabled,
	coalesce(created_by::text, ''), last_run_at, next_run_at, created_at, updated_at`

func scanSchedule(row pgx.Row) (*reports.Schedule, error) {
	var s reports.Schedule
	err := row.Scan(&s.ID, &s.Name, &s.Cron, &s.TimeZone, &s.Template, &s.Format, &s.ViewID, &s.Params, &s.Recipients, &s.Enabled,
		&s.CreatedBy, &s.LastRunAt, &s.NextRunAt, &s.CreatedAt, &s.UpdatedAt)
	return &s, err
}

// checkSchedule validates the fields every schedule needs and returns its
// next run.
func (s *ScheduleService) checkSchedule(sc *reports.Schedule) (time.Time, error) {
	name, err := checkName(sc.Name)
	if err != nil {
		return time.Time{}, err
	}
	sc.Name = name
	if sc.TimeZone == "" {
		sc.TimeZone = reports.DefaultTimeZone
	}
	next, err := reports.NextRun(sc.Cron, sc.TimeZone, s.now())
	if err != nil {
		field := "cron"
		if strings.Contains(err.Error(), "time zone") {
			field = "timezone"
		}
		return time.Time{}, apperr.Invalidf(field, "%v", err)
	}
	if err := reports.CheckTemplate(s.templates, sc.Template); err != nil {
		return time.Time{}, err
	}
	if err := reports.CheckFormat(sc.Format); err != nil {
		return time.Time{}, err
	}
	if len(sc.Recipients) > 50 {
		return time.Time{}, apperr.Invalidf("recipients", "at most 50")
	}
	for i, r := range sc.Recipients {
		e, err := checkEmail(r)
		if err != nil {
			return time.Time{}, apperr.Invalidf(fmt.Sprintf("recipients[%d]", i), "not a valid e-mail address")
		}
		sc.Recipients[i] = e
	}
	if len(sc.Params) == 0 {
		sc.Params = json.RawMessage("{}")
	}
	if sc.Params[0] != '{' || len(sc.Params) > reports.MaxParamsBytes || !json.Valid(sc.Params) {
		return time.Time{}, apperr.Invalidf("params", "must be a JSON object of at most %d bytes", reports.MaxParamsBytes)
	}
	return next, nil
}

// CreateSchedule stores a schedule owned by the caller.
func (s *ScheduleService) CreateSchedule(ctx context.Context, sc *reports.Schedule) error {
	if err := tenant.Authorize(ctx, tenant.OrderReports); err != nil {
		return err
	}
	if sc.Recipients == nil {
		sc.Recipients = []string{}
	}
	next, err := s.checkSchedule(sc)
	if err != nil {
		return err
	}
	t, u := caller(ctx)
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if _, err := findVisibleView(ctx, tx, sc.ViewID, false); err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return apperr.Invalidf("view_id", "no such view")
			}
			return err
		}
		created, err := scanSchedule(tx.QueryRow(ctx, `
			insert into schedules (org_id, created_by, name, cron, timezone, template, format, view_id, params, recipients, enabled, next_run_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning `+scheduleColumns,
			t.ID(), u.ID, sc.Name, sc.Cron, sc.TimeZone, sc.Template, sc.Format, sc.ViewID, sc.Params, sc.Recipients, sc.Enabled, nextIfEnabled(sc.Enabled, next)))
		if err != nil {
			if apperr.CodeOf(convert(err, "schedule")) == apperr.Conflict {
				return &apperr.Error{Code: apperr.Conflict, Message: "a schedule with this name already exists", Fields: []apperr.FieldError{{Field: "name", Reason: "already taken"}}}
			}
			return convert(err, "schedule")
		}
		*sc = *created
		return nil
	})
}

// FindScheduleByID returns one schedule of the org.
func (s *ScheduleService) FindScheduleByID(ctx context.Context, id string) (*reports.Schedule, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var out *reports.Schedule
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = findSchedule(ctx, tx, id, false)
		return err
	})
	return out, err
}

func findSchedule(ctx context.Context, tx pgx.Tx, id string, lock bool) (*reports.Schedule, error) {
	if !isUUID(id) {
		return nil, apperr.Errorf(apperr.NotFound, "schedule not found")
	}
	q := `select ` + scheduleColumns + ` from schedules where id = $1`
	if lock {
		q += ` for update`
	}
	sc, err := scanSchedule(tx.QueryRow(ctx, q, id))
	return sc, convert(err, "schedule")
}

// FindSchedules lists the org's schedules, newest first.
func (s *ScheduleService) FindSchedules(ctx context.Context, f reports.ScheduleFilter) ([]*reports.Schedule, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var q listQuery
	if f.After != nil {
		q.and(olderThan, f.After.CreatedAt, f.After.ID)
	}
	out, err := findRows(ctx, s.db, q.sql(`select `+scheduleColumns+` from schedules`, newestFirst, f.Limit), q.args, scanSchedule)
	if err != nil {
		return nil, fmt.Errorf("finding schedules: %w", err)
	}
	return out, nil
}

// UpdateSchedule changes a schedule: its creator, or an admin.
func (s *ScheduleService) UpdateSchedule(ctx context.Context, id string, upd reports.ScheduleUpdate) (*reports.Schedule, error) {
	if err := tenant.Authorize(ctx, tenant.OrderReports); err != nil {
		return nil, err
	}
	var out *reports.Schedule
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		cur, err := s.editable(ctx, tx, id)
		if err != nil {
			return err
		}
		if upd.Name != nil {
			cur.Name = *upd.Name
		}
		if upd.Cron != nil {
			cur.Cron = *upd.Cron
		}
		if upd.TimeZone != nil {
			cur.TimeZone = *upd.TimeZone
		}
		if upd.Format != nil {
			cur.Format = *upd.Format
		}
		if upd.Params != nil {
			cur.Params = upd.Params
		}
		if upd.Recipients != nil {
			cur.Recipients = upd.Recipients
		}
		if upd.Enabled != nil {
			cur.Enabled = *upd.Enabled
		}
		next, err := s.checkSchedule(cur)
		if err != nil {
			return err
		}
		out, err = scanSchedule(tx.QueryRow(ctx, `
			update schedules set name = $2, cron = $3, timezone = $4, format = $5, params = $6, recipients = $7, enabled = $8,
			  next_run_at = $9, updated_at = now() where id = $1 returning `+scheduleColumns,
			id, cur.Name, cur.Cron, cur.TimeZone, cur.Format, cur.Params, cur.Recipients, cur.Enabled, nextIfEnabled(cur.Enabled, next)))
		return convert(err, "schedule")
	})
	return out, err
}

// DeleteSchedule removes a schedule: its creator, or an admin.
func (s *ScheduleService) DeleteSchedule(ctx context.Context, id string) error {
	if err := tenant.Authorize(ctx, tenant.OrderReports); err != nil {
		return err
	}
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `delete from schedules where id = $1`, id)
		return err
	})
}

func (s *ScheduleService) editable(ctx context.Context, tx pgx.Tx, id string) (*reports.Schedule, error) {
	cur, err := findSchedule(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	t, u := caller(ctx)
	if cur.CreatedBy != u.ID && !t.Role.Can(tenant.ModerateViews) {
		return nil, apperr.Errorf(apperr.Forbidden, "only the schedule's creator or an admin may change it")
	}
	return cur, nil
}

// DueSchedules lists schedules whose next run has come, in every org (ids and
// times only; see migration 00003).
func (db *DB) DueSchedules(ctx context.Context, at time.Time, perOrg int) ([]reports.Due, error) {
	rows, err := db.pool.Query(ctx, `select org_id::text, schedule_id::text, run_at from due_schedules($1, $2)`, at, perOrg)
	if err != nil {
		return nil, fmt.Errorf("finding due schedules: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (reports.Due, error) {
		var d reports.Due
		err := r.Scan(&d.OrgID, &d.ScheduleID, &d.RunAt)
		return d, err
	})
}

// AdvanceSchedule moves a schedule past the run at runAt (the tenant in ctx
// is the schedule's org) and returns it; a run already advanced past is
// reported so the caller does nothing twice.
func (s *ScheduleService) AdvanceSchedule(ctx context.Context, id string, runAt time.Time) (*reports.Schedule, bool, error) {
	var out *reports.Schedule
	advanced := false
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		sc, err := findSchedule(ctx, tx, id, true)
		if err != nil {
			return err
		}
		out = sc
		if !sc.Enabled || sc.NextRunAt == nil || sc.NextRunAt.After(runAt) {
			return nil
		}
		next, err := reports.NextRun(sc.Cron, sc.TimeZone, maxTime(runAt, s.now()))
		if err != nil {
			return err
		}
		out, err = scanSchedule(tx.QueryRow(ctx, `update schedules set last_run_at = $2, next_run_at = $3 where id = $1 returning `+scheduleColumns, id, runAt, next))
		advanced = err == nil
		return err
	})
	return out, advanced, err
}

// nextIfEnabled is a schedule's stored next run: none while it is paused,
// so nothing shows (or fires) a run that will not happen.
func nextIfEnabled(enabled bool, next time.Time) *time.Time {
	if !enabled {
		return nil
	}
	return &next
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
