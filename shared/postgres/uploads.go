package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
)

// UploadService implements uploads.Service, and the loader's side.
type UploadService struct {
	db *DB
}

// NewUploadService returns the service.
func NewUploadService(db *DB) *UploadService { return &UploadService{db: db} }

var _ uploads.Service = (*UploadService)(nil)

const uploadColumns = `id::text, file_name, sha256, bytes, row_count, metrics, coalesce(period_from, ''), coalesce(period_to, ''),
	status, coalesce(error, ''), coalesce(uploaded_by::text, ''), object_name, created_at, loaded_at`

func scanUpload(row pgx.Row) (*uploads.Upload, error) {
	var u uploads.Upload
	err := row.Scan(&u.ID, &u.FileName, &u.SHA256, &u.Bytes, &u.Rows, &u.Metrics, &u.PeriodFrom, &u.PeriodTo,
		&u.Status, &u.Error, &u.UploadedBy, &u.ObjectName, &u.CreatedAt, &u.LoadedAt)
	return &u, err
}

// CheckUploadQuota refuses (RateLimited) when the org's uploads for the day
// are spent, unless the org already holds the file: the same file again is
// never charged.
func (s *UploadService) CheckUploadQuota(ctx context.Context, sha string) error {
	if err := tenant.Authorize(ctx, tenant.Upload); err != nil {
		return err
	}
	t, _ := caller(ctx)
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var held bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from uploads where sha256 = $1)`, sha).Scan(&held); err != nil {
			return err
		}
		if held {
			return nil
		}
		return checkQuota(ctx, tx, t.ID(), uploadQuota)
	})
}

// CreateUpload records an upload (admins only) and charges it to the org's
// daily quota in the same transaction, so a refused upload records nothing;
// the same file again returns the first record, uncharged.
func (s *UploadService) CreateUpload(ctx context.Context, u *uploads.Upload) (bool, error) {
	if err := tenant.Authorize(ctx, tenant.Upload); err != nil {
		return false, err
	}
	t, me := caller(ctx)
	created := false
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		got, err := scanUpload(tx.QueryRow(ctx, `
			insert into uploads (org_id, uploaded_by, file_name, sha256, bytes, row_count, metrics, period_from, period_to, object_name)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			on conflict (org_id, sha256) do nothing returning `+uploadColumns,
			t.ID(), me.ID, u.FileName, u.SHA256, u.Bytes, u.Rows, u.Metrics, u.PeriodFrom, u.PeriodTo, u.ObjectName))
		if errors.Is(err, pgx.ErrNoRows) {
			got, err = scanUpload(tx.QueryRow(ctx, `select `+uploadColumns+` from uploads where sha256 = $1`, u.SHA256))
		} else if err == nil {
			created = true
		}
		if err != nil {
			return convert(err, "upload")
		}
		*u = *got
		if created {
			return chargeQuota(ctx, tx, t.ID(), uploadQuota)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return created, nil
}

// FindUploadByID returns one upload of the org.
func (s *UploadService) FindUploadByID(ctx context.Context, id string) (*uploads.Upload, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, apperr.Errorf(apperr.NotFound, "upload not found")
	}
	var out *uploads.Upload
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = scanUpload(tx.QueryRow(ctx, `select `+uploadColumns+` from uploads where id = $1`, id))
		return convert(err, "upload")
	})
	return out, err
}

// FindUploads lists the org's uploads, newest first.
func (s *UploadService) FindUploads(ctx context.Context, f uploads.Filter) ([]*uploads.Upload, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	var q listQuery
	if f.After != nil {
		q.and(olderThan, f.After.CreatedAt, f.After.ID)
	}
	out, err := findRows(ctx, s.db, q.sql(`select `+uploadColumns+` from uploads`, newestFirst, f.Limit), q.args, scanUpload)
	if err != nil {
		return nil, fmt.Errorf("finding uploads: %w", err)
	}
	return out, nil
}

// FindUploadByObject returns the upload stored under a raw object name, in
// the tenant in ctx; the loader checks that the object it was told about is
// one this org uploaded.
func (s *UploadService) FindUploadByObject(ctx context.Context, object string) (*uploads.Upload, error) {
	var out *uploads.Upload
	err := s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = scanUpload(tx.QueryRow(ctx, `select `+uploadColumns+` from uploads where object_name = $1`, object))
		return convert(err, "upload")
	})
	return out, err
}

// FinishUpload records the load's outcome and, when loaded, the tenant mart's
// new watermark.
func (s *UploadService) FinishUpload(ctx context.Context, id string, loadErr error, watermark string, rows int64) error {
	return s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		if loadErr != nil {
			_, err := tx.Exec(ctx, `update uploads set status = 'failed', error = $2 where id = $1`, id, loadErr.Error())
			return err
		}
		if _, err := tx.Exec(ctx, `update uploads set status = 'loaded', error = null, loaded_at = now() where id = $1`, id); err != nil {
			return err
		}
		t, _ := tenant.FromContext(ctx)
		_, err := tx.Exec(ctx, `
			insert into tenant_data (org_id, dataset, watermark, row_count) values ($1, 'tenant_metrics', $2, $3)
			on conflict (org_id, dataset) do update set watermark = excluded.watermark, row_count = excluded.row_count,
			  synthetic = false, updated_at = now()`, t.ID(), watermark, rows)
		return err
	})
}
