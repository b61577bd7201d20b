package duckdb

import (
	"context"
	"io"

	"github.com/mirante/mirante/shared/ingest"
)

var _ ingest.Writer = (*DB)(nil)

// LoadSourceFile loads one official file into the warehouse, in process
// (ingest.Load).
func (d *DB) LoadSourceFile(ctx context.Context, sourceID, name string, r io.Reader, p ingest.LoadParams) (ingest.Report, error) {
	return ingest.Load(ctx, d.db, sourceID, name, r, p)
}

// SourceWatermark is the source's last complete period in the warehouse
// (ingest.Watermark).
func (d *DB) SourceWatermark(ctx context.Context, sourceID string) (string, error) {
	return ingest.Watermark(ctx, d.db, sourceID)
}
