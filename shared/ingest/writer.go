package ingest

import (
	"context"
	"io"
)

// Writer is a warehouse engine that takes official files: the one
// interface the ingest service loads through. shared/duckdb's DB writes
// a load in process (Load over its *sql.DB); shared/bigquery's Warehouse
// plans it as jobs (LoadRemote over its Remote). An engine that is no
// Writer loads no official file.
type Writer interface {
	// LoadSourceFile loads one official file of the source through the
	// layers (see Load).
	LoadSourceFile(ctx context.Context, sourceID, name string, r io.Reader, p LoadParams) (Report, error)
	// SourceWatermark is the last complete period of the source in the
	// warehouse, "" when nothing is loaded (see Watermark).
	SourceWatermark(ctx context.Context, sourceID string) (string, error)
}
