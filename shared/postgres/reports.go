package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tenant"
)

// ReportService implements reports.Store, and the worker's side of a
// report's life (claim, complete, fail).
type ReportService struct {
	db    *DB
	specs reports.SpecValidator
}

// NewReportService returns the service; the queries of orders are checked by
// specs.
func NewReportService(db *DB, specs reports.SpecValidator) *ReportService {
	return &ReportService{db: db, specs: specs}
}

var _ reports.Store = (*ReportService)(nil)

const reportColumns = `id::text, status, template, format, coalesce(view_id::text, ''), coalesce(schedule_id::text, ''),
	coalesce(spec, 'null'::jsonb), params, coalesce(requested_by::text, ''), idempotency_key, attempts, coalesce(error, ''),
	coalesce(object_name, ''), manifest, created_at, started_at, finished_at, coalesce(file_bytes, 0),
	coalesce((select u.email from users u where u.id = reports.requested_by), ''),
	coalesce((select v.name from views v where v.org_id = reports.org_id and v.id = reports.view_id), '')`

func scanReport(row pgx.Row) (*reports.Report, error) {
	var r reports.Report
	var manifest []byte
	err := row.Scan(&r.ID, &r.Status, &r.Template, &r.Format, &r.ViewID, &r.ScheduleID, &r.Spec, &r.Params, &r.RequestedBy,
		&r.IdempotencyKey, &r.Attempts, &r.Error, &r.ObjectName, &manifest, &r.CreatedAt, &r.StartedAt, &r.FinishedAt,
		&r.SizeBytes, &r.RequestedByEmail, &r.ViewName)
	r.ErrorCode = reports.ErrorCode(r.Error)
	if len(manifest) > 0 {
		r.Manifest = manifest
	}
	return &r, err
}

// CreateReport stores a checked order as a queued report and charges the
// org's daily quota, in one transaction; an order of a view takes the view's
// query, and its name as the default title. A key used before returns the
// report it made, with created false.
func (s *ReportService) CreateReport(ctx context.Context, o reports.Order) (*reports.Report, bool, error) {
	var out *reports.Report
	created := false
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		spec, params, err := s.orderQuery(ctx, tx, o)
		if err != nil {
			return err
		}
		out, err = scanReport(tx.QueryRow(ctx, `
			insert into reports (org_id, requested_by, schedule_id, template, format, view_id, spec, params, idempotency_key)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			on conflict (org_id, idempotency_key) do nothing
			returning `+reportColumns, o.OrgID, nullableString(o.RequestedBy), nullableString(o.ScheduleID), o.Template, o.Format, nullableString(o.ViewID),
			spec, params, o.IdempotencyKey))
		if errors.Is(err, pgx.ErrNoRows) {
			out, err = scanReport(tx.QueryRow(ctx, `select `+reportColumns+` from reports where idempotency_key = $1`, o.IdempotencyKey))
			return convert(err, "report")
		}
		if err != nil {
			return convert(err, "report")
		}
		created = true
		return chargeQuota(ctx, tx, o.OrgID, reportQuota)
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// orderQuery is the query an order runs (its view's, when it names one) and
// its params, checked against the org's entitlements.
func (s *ReportService) orderQuery(ctx context.Context, tx pgx.Tx, o reports.Order) (json.RawMessage, json.RawMessage, error) {
	spec, params, field := o.Spec, o.Params, "query"
	if o.ViewID != "" {
		v, err := findVisibleView(ctx, tx, o.ViewID, false)
		if err != nil {
			return nil, nil, err
		}
		spec, field = v.Config, "view_id"
		params = reports.WithDefaultTitle(params, v.Name)
	}
	entitled, err := entitlements(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if err := s.specs.ValidateSpec(spec, entitled, field); err != nil {
		return nil, nil, err
	}
	return spec, params, nil
}

// FindReportByID returns one report of the org.
func (s *ReportService) FindReportByID(ctx context.Context, id string) (*reports.Report, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, apperr.Errorf(apperr.NotFound, "report not found")
	}
	var out *reports.Report
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = scanReport(tx.QueryRow(ctx, `select `+reportColumns+` from reports where id = $1`, id))
		return convert(err, "report")
	})
	return out, err
}

// FindReports lists the org's reports, newest first.
func (s *ReportService) FindReports(ctx context.Context, f reports.Filter) ([]*reports.Report, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var q listQuery
	if f.Status != "" {
		q.and("status = %s", string(f.Status))
	}
	if f.RequestedBy != "" {
		q.and("requested_by = %s::uuid", f.RequestedBy)
	}
	if f.ScheduleID != "" {
		if !isUUID(f.ScheduleID) {
			return nil, nil
		}
		q.and("schedule_id = %s::uuid", f.ScheduleID)
	}
	if f.After != nil {
		q.and(olderThan, f.After.CreatedAt, f.After.ID)
	}
	out, err := findRows(ctx, s.db, q.sql(`select `+reportColumns+` from reports`, newestFirst, f.Limit), q.args, scanReport)
	if err != nil {
		return nil, fmt.Errorf("finding reports: %w", err)
	}
	return out, nil
}

// DeleteReport removes a finished report and its file: its requester, or an
// admin. A queued or running report is refused (409): its worker would write
// a file after the row is gone. The file goes first, inside the row's lock,
// so a failed removal leaves the report as it was and a repeat finishes it.
func (s *ReportService) DeleteReport(ctx context.Context, id string, removeFile func(context.Context, string) error) (*reports.Report, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, apperr.Errorf(apperr.NotFound, "report not found")
	}
	var out *reports.Report
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		r, err := scanReport(tx.QueryRow(ctx, `select `+reportColumns+` from reports where id = $1 for update`, id))
		if err != nil {
			return convert(err, "report")
		}
		t, u := caller(ctx)
		if r.RequestedBy != u.ID && !t.Role.Can(tenant.ModerateViews) {
			return apperr.Errorf(apperr.Forbidden, "only the report's requester or an admin may delete it")
		}
		if !r.Terminal() {
			return apperr.Errorf(apperr.Conflict, "the report is %s; delete it once it has finished", r.Status)
		}
		if r.ObjectName != "" {
			if err := removeFile(ctx, r.ObjectName); err != nil {
				return fmt.Errorf("removing the report's file: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `delete from reports where id = $1`, id); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// ClaimReport gives the worker a report to render: a queued one, or a running
// one whose lease ran out (its worker died). It returns the report and whether
// it was claimed; a finished or leased report is returned unclaimed. The
// idempotency key must match the one the report was ordered with.
func (s *ReportService) ClaimReport(ctx context.Context, id, key string, lease time.Duration) (*reports.Report, bool, error) {
	if !isUUID(id) {
		return nil, false, apperr.Errorf(apperr.NotFound, "report not found")
	}
	var out *reports.Report
	claimed := false
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		r, err := scanReport(tx.QueryRow(ctx, `select `+reportColumns+` from reports where id = $1 for update`, id))
		if err != nil {
			return convert(err, "report")
		}
		if r.IdempotencyKey != key {
			return apperr.Errorf(apperr.NotFound, "report not found")
		}
		out = r
		var leased bool
		if err := tx.QueryRow(ctx, `select status = 'running' and lease_until > now() from reports where id = $1`, id).Scan(&leased); err != nil {
			return err
		}
		if r.Terminal() || leased {
			return nil
		}
		out, err = scanReport(tx.QueryRow(ctx, `
			update reports set status = 'running', attempts = attempts + 1, started_at = now(), updated_at = now(),
			  lease_until = now() + $2::interval, error = null
			where id = $1 returning `+reportColumns, id, fmt.Sprintf("%d milliseconds", lease.Milliseconds())))
		claimed = err == nil
		return err
	})
	return out, claimed, err
}

// CompleteReport marks a report succeeded: the caller has uploaded its file
// and read it back.
func (s *ReportService) CompleteReport(ctx context.Context, id, object string, manifest json.RawMessage, sha string, size int64) error {
	return s.finish(ctx, id, reports.Succeeded, "", object, manifest, sha, size)
}

// FailReport records a failed attempt: queued again to be retried, or failed
// for good.
func (s *ReportService) FailReport(ctx context.Context, id, reason string, final bool) error {
	status := reports.Queued
	if final {
		status = reports.Failed
	}
	return s.finish(ctx, id, status, reason, "", nil, "", 0)
}

func (s *ReportService) finish(ctx context.Context, id string, status reports.Status, reason, object string, manifest json.RawMessage, sha string, size int64) error {
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var errText, obj, fileSHA *string
		if reason != "" {
			errText = &reason
		}
		if object != "" {
			obj, fileSHA = &object, &sha
		}
		var m []byte
		if len(manifest) > 0 {
			m = manifest
		}
		finished := status == reports.Succeeded || status == reports.Failed
		_, err := tx.Exec(ctx, `
			update reports set status = $2, error = $3, object_name = coalesce($4, object_name), manifest = coalesce($5::jsonb, manifest),
			  file_sha256 = coalesce($6, file_sha256), file_bytes = coalesce($7, file_bytes), lease_until = null, updated_at = now(),
			  finished_at = case when $8 then now() else finished_at end
			where id = $1`, id, string(status), errText, obj, m, fileSHA, nullableInt(size), finished)
		return err
	})
}

// ReportFile returns the stored file's object name and checksum, for verify.
func (s *ReportService) ReportFile(ctx context.Context, id string) (object, sha string, size int64, err error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return "", "", 0, err
	}
	if !isUUID(id) {
		return "", "", 0, apperr.Errorf(apperr.NotFound, "report not found")
	}
	err = s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		return convert(tx.QueryRow(ctx, `select coalesce(object_name, ''), coalesce(file_sha256, ''), coalesce(file_bytes, 0) from reports where id = $1`, id).
			Scan(&object, &sha, &size), "report")
	})
	return object, sha, size, err
}

func nullableInt(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// nullableString is s, or SQL null for "".
func nullableString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func clipText(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
