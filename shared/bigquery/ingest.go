package bigquery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"

	"github.com/mirante/mirante/shared/ingest"
)

// Ingest is the data spine's view of the warehouse (LoadRemote):
// queries, scripts and load jobs, each pinned to the configured location,
// labelled with the source and endpoint=ingest, and bounded by
// BIGQUERY_INGEST_TIMEOUT. Queries and scripts carry the bytes-billed cap.
func (w *Warehouse) Ingest() Remote { return spine{w} }

type spine struct{ w *Warehouse }

var (
	_ Remote        = spine{}
	_ ingest.Writer = (*Warehouse)(nil)
)

// LoadSourceFile loads one official file as the load's jobs
// (LoadRemote).
func (w *Warehouse) LoadSourceFile(ctx context.Context, sourceID, name string, r io.Reader, p ingest.LoadParams) (ingest.Report, error) {
	return LoadRemote(ctx, spine{w}, sourceID, name, r, p)
}

// SourceWatermark is the source's last complete period in the marts
// (WatermarkRemote).
func (w *Warehouse) SourceWatermark(ctx context.Context, sourceID string) (string, error) {
	return WatermarkRemote(ctx, spine{w}, sourceID)
}

func (s spine) query(q RemoteQuery) *bigquery.Query {
	params := make([]bigquery.QueryParameter, 0, len(q.Params))
	for _, p := range q.Params {
		params = append(params, bigquery.QueryParameter{Name: p.Name, Value: p.Value})
	}
	return s.w.ingestQuery(q.SQL, ingestLabels(q.Source), params)
}

func ingestLabels(source string) map[string]string {
	return labels(map[string]string{"source": source, "endpoint": "ingest"})
}

// Query runs a read-only query and reads every row.
func (s spine) Query(ctx context.Context, q RemoteQuery) ([][]any, error) {
	return s.w.readIngest(ctx, s.query(q))
}

// Exec runs a statement or script as a job and waits for it.
func (s spine) Exec(ctx context.Context, q RemoteQuery) error {
	return s.w.runIngest(ctx, s.query(q))
}

// ingestQuery is a query or script of the ingest path (the spine's and
// the uploads'): pinned to the location, capped in bytes billed, labelled.
func (w *Warehouse) ingestQuery(sql string, labels map[string]string, params []bigquery.QueryParameter) *bigquery.Query {
	q := w.client.Query(sql)
	q.UseLegacySQL = false
	q.Location = w.cfg.Location
	q.ProjectID = w.cfg.Project
	q.MaxBytesBilled = w.cfg.MaxBytesBilled
	q.Labels = labels
	q.Parameters = params
	return q
}

// runIngest runs a query job and waits for it, within
// BIGQUERY_INGEST_TIMEOUT.
func (w *Warehouse) runIngest(ctx context.Context, q *bigquery.Query) error {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.IngestTimeout)
	defer cancel()
	job, err := q.Run(ctx)
	if err != nil {
		return ingestErr(err)
	}
	return wait(ctx, job)
}

// readIngest runs a query and reads every row, within
// BIGQUERY_INGEST_TIMEOUT.
func (w *Warehouse) readIngest(ctx context.Context, q *bigquery.Query) ([][]any, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.IngestTimeout)
	defer cancel()
	it, err := q.Read(ctx)
	if err != nil {
		return nil, ingestErr(err)
	}
	var out [][]any
	for {
		var row []bigquery.Value
		err := it.Next(&row)
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, ingestErr(err)
		}
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = v
		}
		out = append(out, vals)
	}
}

// loadIngest runs a load job that appends to its table, pinned, labelled,
// uploaded in BIGQUERY_UPLOAD_CHUNK_BYTES chunks and bounded by
// BIGQUERY_INGEST_TIMEOUT.
func (w *Warehouse) loadIngest(ctx context.Context, loader *bigquery.Loader, labels map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.IngestTimeout)
	defer cancel()
	loader.WriteDisposition = bigquery.WriteAppend
	loader.Location = w.cfg.Location
	loader.ProjectID = w.cfg.Project
	loader.Labels = labels
	if w.cfg.UploadChunk > 0 {
		loader.MediaOptions = []googleapi.MediaOption{googleapi.ChunkSize(w.cfg.UploadChunk)}
	}
	job, err := loader.Run(ctx)
	if err != nil {
		return ingestErr(err)
	}
	return wait(ctx, job)
}

// fieldType is the load schema's name of a GoogleSQL type.
func fieldType(t string) string {
	switch t {
	case "INT64":
		return string(bigquery.IntegerFieldType)
	case "FLOAT64":
		return string(bigquery.FloatFieldType)
	case "BOOL":
		return string(bigquery.BooleanFieldType)
	}
	return t // STRING, DATE, TIMESTAMP, NUMERIC
}

func wait(ctx context.Context, job *bigquery.Job) error {
	st, err := job.Wait(ctx)
	if err != nil {
		return ingestErr(err)
	}
	if err := st.Err(); err != nil {
		return ingestErr(err)
	}
	return nil
}

// ingestErr marks a missing table, which the ingest log's first read
// expects.
func ingestErr(err error) error {
	var gerr *googleapi.Error
	if (errors.As(err, &gerr) && gerr.Code == http.StatusNotFound) || hasReason(err, "notFound") {
		return fmt.Errorf("bigquery: %w: %w", ingest.ErrTableNotFound, err)
	}
	return fmt.Errorf("bigquery: %w", err)
}
