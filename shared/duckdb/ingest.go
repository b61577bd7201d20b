package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/ingest"
)

var _ ingest.Writer = (*DB)(nil)

// LoadSourceFile loads one official file into the warehouse, in process
// (Load).
func (d *DB) LoadSourceFile(ctx context.Context, sourceID, name string, r io.Reader, p ingest.LoadParams) (ingest.Report, error) {
	return Load(ctx, d.db, sourceID, name, r, p)
}

// SourceWatermark is the source's last complete period in the warehouse
// (Watermark).
func (d *DB) SourceWatermark(ctx context.Context, sourceID string) (string, error) {
	return Watermark(ctx, d.db, sourceID)
}

// Load reads one official file of the source into the DuckDB warehouse wh
// (ingest.Load over Ingest(wh)).
func Load(ctx context.Context, wh *sql.DB, sourceID, name string, r io.Reader, p ingest.LoadParams) (ingest.Report, error) {
	return ingest.Load(ctx, Ingest(wh), sourceID, name, r, p)
}

// Watermark returns the last complete period of a source in the
// warehouse ("2026-05", "2023"; the load date for the territorial table),
// or "" when nothing is loaded.
func Watermark(ctx context.Context, wh *sql.DB, sourceID string) (string, error) {
	q, ok := watermarkSQL[sourceID]
	if !ok {
		return "", apperr.Invalidf("source", "unknown source %q", sourceID)
	}
	var w sql.NullString
	if err := wh.QueryRowContext(ctx, q).Scan(&w); err != nil {
		if isMissingTable(err) {
			return "", nil
		}
		return "", fmt.Errorf("watermark of %s: %w", sourceID, err)
	}
	return w.String, nil
}

var watermarkSQL = map[string]string{
	"ibge_territorio": `SELECT max(watermark) FROM landing.ingest_files WHERE source = 'ibge_territorio'`,
	"ipca":            `SELECT strftime(max(month), '%Y-%m') FROM marts.ipca_monthly`,
	"comex":           `SELECT strftime(max(month), '%Y-%m') FROM marts.comex_monthly`,
	"antaq":           `SELECT strftime(max(month), '%Y-%m') FROM marts.antaq_monthly`,
	"caged":           `SELECT strftime(max(month), '%Y-%m') FROM core.fact_caged WHERE kind = 'mov'`,
	"pib_municipal":   `SELECT CAST(max(year) AS VARCHAR) FROM marts.pib_municipal WHERE pib_brl IS NOT NULL`,
	"siconfi":         `SELECT CAST(max(year) AS VARCHAR) FROM marts.siconfi_annual`,
}

func isMissingTable(err error) bool {
	return strings.Contains(err.Error(), "does not exist")
}
