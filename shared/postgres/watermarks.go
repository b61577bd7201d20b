package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/sources"
)

// WatermarkService implements query.Watermarks. Public watermarks are global
// and change when a source is loaded; they are remembered in process for a
// few seconds. Tenant watermarks are read in the tenant's transaction.
type WatermarkService struct {
	db  *DB
	ttl time.Duration

	mu     sync.Mutex
	public map[string]publicMark
}

type publicMark struct {
	value, stamp string
	prov         sources.Provenance
	at           time.Time
}

// NewWatermarkService returns the service; ttl bounds how stale a public
// watermark may be (0 reads PostgreSQL every time).
func NewWatermarkService(db *DB, ttl time.Duration) *WatermarkService {
	return &WatermarkService{db: db, ttl: ttl, public: map[string]publicMark{}}
}

// Watermark returns the dataset's last complete period for the tenant in ctx.
func (s *WatermarkService) Watermark(ctx context.Context, ds *semantic.Dataset) (string, error) {
	wm, _, _, err := s.MarkProvenance(ctx, ds)
	return wm, err
}

// Mark returns the dataset's watermark and a stamp of the loads its answers
// rest on, which changes whenever one is loaded again, even with the same
// watermark (a corrected file, a new territorial table naming the
// municipalities anew, a revised IPCA): for a tenant dataset its last
// upload; for a public one every public source's last load, since marts
// take names from reference sources and real values from the IPCA.
func (s *WatermarkService) Mark(ctx context.Context, ds *semantic.Dataset) (watermark, stamp string, err error) {
	wm, stamp, _, err := s.MarkProvenance(ctx, ds)
	return wm, stamp, err
}

// MarkProvenance is Mark with the data's provenance, read with it: whether
// it is synthetic, and for a public dataset whether its source's last load
// failed (and when, from the load log).
func (s *WatermarkService) MarkProvenance(ctx context.Context, ds *semantic.Dataset) (watermark, stamp string, p sources.Provenance, err error) {
	if ds.Scope == semantic.Tenant {
		return s.tenantMark(ctx, ds)
	}
	s.mu.Lock()
	m, ok := s.public[ds.Source]
	s.mu.Unlock()
	if ok && time.Since(m.at) < s.ttl {
		return m.value, m.stamp, m.prov, nil
	}
	var wm, lastError *string
	var known, synthetic, failed bool
	var failedAt *time.Time
	err = s.db.pool.QueryRow(ctx, `select (select watermark from source_catalog where id = $1),
		  coalesce(string_agg(id || '@' || coalesce(checksum, '') || '@' || coalesce(last_updated_at::text, ''), ',' order by id), ''),
		  coalesce(bool_or(id = $1), false), coalesce(bool_or(synthetic) filter (where id = $1), false),
		  coalesce(bool_or(status = 'failed') filter (where id = $1), false), max(last_error) filter (where id = $1),
		  (select max(l.at) from source_loads l where l.source_id = $1 and l.outcome in ('refused', 'failed'))
		from source_catalog`, ds.Source).Scan(&wm, &stamp, &known, &synthetic, &failed, &lastError, &failedAt)
	if err != nil {
		return "", "", p, fmt.Errorf("reading the watermark of %s: %w", ds.Source, err)
	}
	v := ""
	if wm != nil {
		v = *wm
	}
	p.Synthetic = synthetic
	if known {
		p.Source = &sources.LoadStatus{LastLoadFailed: failed}
		if failed {
			p.Source.FailedAt = failedAt
			if lastError != nil {
				p.Source.LastErrorCode, _ = sources.Failure(*lastError)
			}
		}
	}
	s.mu.Lock()
	s.public[ds.Source] = publicMark{value: v, stamp: stamp, prov: p, at: time.Now()}
	s.mu.Unlock()
	return v, stamp, p, nil
}

// tenantMark reads the org's own dataset's watermark, last upload and
// whether it is synthetic, in the tenant's transaction.
func (s *WatermarkService) tenantMark(ctx context.Context, ds *semantic.Dataset) (watermark, stamp string, p sources.Provenance, err error) {
	var wm *string
	var at time.Time
	err = s.db.InTenantTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select watermark, updated_at, synthetic from tenant_data where dataset = $1`, ds.ID).Scan(&wm, &at, &p.Synthetic)
	})
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && wm == nil) {
		return "", "", sources.Provenance{}, nil
	}
	if err != nil {
		return "", "", p, fmt.Errorf("reading the tenant watermark: %w", err)
	}
	return *wm, at.UTC().Format(time.RFC3339Nano), p, nil
}

// SetSourceWatermark records a public source's load (owner or ingest only).
func (a *Admin) SetSourceWatermark(ctx context.Context, source, watermark string, synthetic bool) error {
	_, err := a.pool.Exec(ctx, `update source_catalog set watermark = $2, synthetic = $3, last_updated_at = now(), status = 'ok' where id = $1`,
		source, watermark, synthetic)
	return err
}

// SetTenantData records an org's own dataset's watermark and size.
func (a *Admin) SetTenantData(ctx context.Context, orgID, dataset, watermark string, rows int64, synthetic bool) error {
	return a.inOrg(ctx, orgID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			insert into tenant_data (org_id, dataset, watermark, row_count, synthetic) values ($1, $2, $3, $4, $5)
			on conflict (org_id, dataset) do update set watermark = excluded.watermark, row_count = excluded.row_count,
			  synthetic = excluded.synthetic, updated_at = now()`, orgID, dataset, watermark, rows, synthetic)
		return err
	})
}

// Source is a public source as reports credit it.
type Source struct {
	ID, Title, Owner, Watermark string
	Synthetic                   bool
}

// FindSource reads one public source of the catalog (global data).
func (s *WatermarkService) FindSource(ctx context.Context, id string) (Source, error) {
	var src Source
	var wm *string
	err := s.db.pool.QueryRow(ctx, `select id, title, owner, watermark, synthetic from source_catalog where id = $1`, id).
		Scan(&src.ID, &src.Title, &src.Owner, &wm, &src.Synthetic)
	if errors.Is(err, pgx.ErrNoRows) {
		return Source{ID: id}, nil
	}
	if wm != nil {
		src.Watermark = *wm
	}
	return src, err
}
