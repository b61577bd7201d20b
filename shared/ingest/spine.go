package ingest

import (
	"context"
	"database/sql"
	"io"
)

// SQLWarehouse is an engine the models run on in process: DuckDB, whose
// *sql.DB Load and Watermark take.
type SQLWarehouse interface {
	SQL() *sql.DB
}

// RemoteWarehouse is an engine that takes landing rows as load jobs and
// the models as one script: BigQuery, through LoadRemote.
type RemoteWarehouse interface {
	Ingest() Remote
}

// Spine loads official files into one warehouse engine and reads its
// watermarks, whichever of the two paths the engine takes.
type Spine struct {
	load      func(ctx context.Context, sourceID, name string, r io.Reader, p LoadParams) (Report, error)
	watermark func(ctx context.Context, sourceID string) (string, error)
}

// SpineOf is the spine of a warehouse engine, told by what it can do (an
// SQLWarehouse or a RemoteWarehouse); false when it can do neither, and so
// loads no official file.
func SpineOf(engine any) (Spine, bool) {
	switch wh := engine.(type) {
	case SQLWarehouse:
		db := wh.SQL()
		return Spine{
			load: func(ctx context.Context, sourceID, name string, r io.Reader, p LoadParams) (Report, error) {
				return Load(ctx, db, sourceID, name, r, p)
			},
			watermark: func(ctx context.Context, sourceID string) (string, error) { return Watermark(ctx, db, sourceID) },
		}, true
	case RemoteWarehouse:
		remote := wh.Ingest()
		return Spine{
			load: func(ctx context.Context, sourceID, name string, r io.Reader, p LoadParams) (Report, error) {
				return LoadRemote(ctx, remote, sourceID, name, r, p)
			},
			watermark: func(ctx context.Context, sourceID string) (string, error) {
				return WatermarkRemote(ctx, remote, sourceID)
			},
		}, true
	}
	return Spine{}, false
}

// Load loads one official file (see Load and LoadRemote).
func (s Spine) Load(ctx context.Context, sourceID, name string, r io.Reader, p LoadParams) (Report, error) {
	return s.load(ctx, sourceID, name, r, p)
}

// Watermark is the source's watermark in the warehouse (see Watermark).
func (s Spine) Watermark(ctx context.Context, sourceID string) (string, error) {
	return s.watermark(ctx, sourceID)
}
