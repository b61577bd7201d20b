package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/sources"
)

// SourceService reads and records the source catalog (global, not tenant
// data: what the public sources are and how fresh they are).
type SourceService struct {
	db  *DB
	now func() time.Time
}

// NewSourceService returns the service.
func NewSourceService(db *DB) *SourceService { return &SourceService{db: db, now: time.Now} }

// FindSources lists every source with its freshness.
func (s *SourceService) FindSources(ctx context.Context) ([]*sources.Entry, error) {
	rows, err := s.db.pool.Query(ctx, `
		select id, title, owner, frequency, sla::text, coalesce(url, ''), last_updated_at, coalesce(checksum, ''),
		  coalesce(watermark, ''), schema_version, status, synthetic, rows_loaded, rows_landed, rows_skipped, coalesce(last_error, ''),
		  last_updated_at is null or last_updated_at + sla < $1
		from source_catalog order by id`, s.now())
	if err != nil {
		return nil, fmt.Errorf("reading the source catalog: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*sources.Entry, error) {
		var e sources.Entry
		err := r.Scan(&e.ID, &e.Title, &e.Owner, &e.Frequency, &e.SLA, &e.URL, &e.LastUpdatedAt, &e.Checksum, &e.Watermark,
			&e.SchemaVersion, &e.Status, &e.Synthetic, &e.RowsLoaded, &e.RowsLanded, &e.RowsSkipped, &e.LastError, &e.PastSLA)
		if e.PastSLA && e.Status == "ok" {
			e.Status = "stale"
		}
		return &e, err
	})
}

// LoadCounts are a load's rows (ingest.LoadCounts).
type LoadCounts = ingest.LoadCounts

// RecordLoad marks a source freshly loaded: real data now, its watermark,
// the file's checksum and its counts. An empty sha and nil counts keep the
// current load's (a file whose content was already loaded).
func (s *SourceService) RecordLoad(ctx context.Context, id, watermark, sha string, counts *LoadCounts) error {
	var published, landed, skipped *int64
	if counts != nil {
		published, landed, skipped = &counts.Published, &counts.Landed, &counts.Skipped
	}
	_, err := s.db.pool.Exec(ctx, `
		update source_catalog set watermark = coalesce(nullif($2, ''), watermark), checksum = coalesce(nullif($3, ''), checksum),
		  rows_loaded = coalesce($4, rows_loaded), rows_landed = coalesce($5, rows_landed), rows_skipped = coalesce($6, rows_skipped),
		  last_updated_at = now(), status = 'ok', synthetic = false, last_error = null
		where id = $1`, id, watermark, sha, published, landed, skipped)
	return err
}

// RecordFailure marks a source's last load failed, with a code the API
// shows (sources.FileRefused...); its data stays as it was. The failure's
// detail belongs in the logs, not here.
func (s *SourceService) RecordFailure(ctx context.Context, id, reason string) error {
	_, err := s.db.pool.Exec(ctx, `update source_catalog set status = 'failed', last_error = $2 where id = $1`, id, reason)
	return err
}

// SourceLoad is what became of one notification of an official file
// (ingest.SourceLoad); SourceService is the ingest service's
// ingest.SourceRecords.
type SourceLoad = ingest.SourceLoad

// LogLoad records the outcome of one object generation; a redelivery of the
// same generation replaces it and counts the attempt.
func (s *SourceService) LogLoad(ctx context.Context, l SourceLoad) error {
	_, err := s.db.pool.Exec(ctx, `
		insert into source_loads (object, generation, source_id, outcome, rows_loaded, rows_read, rows_skipped, skipped_why, watermark, error, rows_landed)
		values ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''), nullif($9, ''), nullif($10, ''), $11)
		on conflict (object, generation) do update set outcome = excluded.outcome, rows_loaded = excluded.rows_loaded, rows_landed = excluded.rows_landed,
		  rows_read = excluded.rows_read, rows_skipped = excluded.rows_skipped, skipped_why = excluded.skipped_why,
		  watermark = excluded.watermark, error = excluded.error, attempts = source_loads.attempts + 1, at = now()`,
		l.Object, l.Generation, l.Source, l.Outcome, l.Rows, l.Read, l.Skipped, l.SkippedWhy, l.Watermark, l.Error, l.Landed)
	if err != nil {
		return fmt.Errorf("recording the load of %s: %w", l.Object, err)
	}
	return nil
}
