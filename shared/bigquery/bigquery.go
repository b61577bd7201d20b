// Package bigquery is the production warehouse: compiled GoogleSQL run as
// BigQuery jobs, every one pinned to the configured location, capped in the
// bytes it may bill and labelled with the org, endpoint and dataset it ran
// for. Importing it registers the "bigquery" engine.
package bigquery

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/civil"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/warehouse"
)

// minBytesBilled is the least BigQuery bills for a query (10 MiB); a lower
// cap would refuse every query.
const minBytesBilled = 10 << 20

// defaultIngestTimeout bounds an ingest job when the configuration gives
// none (BIGQUERY_INGEST_TIMEOUT's default).
const defaultIngestTimeout = 8 * time.Minute

// Config says where the jobs run and what they may cost.
type Config struct {
	Project        string        `envconfig:"BIGQUERY_PROJECT" prod:"required" desc:"project that runs the BigQuery jobs and holds the marts' datasets (required when WAREHOUSE_ENGINE=bigquery)"`
	Location       string        `envconfig:"BIGQUERY_LOCATION" default:"southamerica-east1" desc:"location every BigQuery job is pinned to; the datasets must live there"`
	MaxBytesBilled int64         `envconfig:"BIGQUERY_MAX_BYTES_BILLED" default:"10737418240" desc:"cap on the bytes one BigQuery job may bill (an org's plan may lower it per query)"`
	Timeout        time.Duration `envconfig:"WAREHOUSE_TIMEOUT" default:"30s" desc:"timeout of each warehouse query"`
	IngestTimeout  time.Duration `envconfig:"BIGQUERY_INGEST_TIMEOUT" default:"8m" desc:"timeout of each BigQuery job an official file's load sends (a landing load job, the models' script)"`
	UploadChunk    int           `envconfig:"BIGQUERY_UPLOAD_CHUNK_BYTES" default:"16777216" desc:"a landing load's upload goes in one request up to this size, and above it as a resumable upload in chunks of this size (rounded up to 256 KiB)"`
	Endpoint       string        `envconfig:"BIGQUERY_ENDPOINT" prod:"unset" desc:"local only: base URL of a stand-in for the BigQuery API (tests, emulators), called without credentials; empty for Google's"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.Project == "" {
		return config.Errorf("BIGQUERY_PROJECT", "required when WAREHOUSE_ENGINE=bigquery")
	}
	if c.Location == "" {
		return config.Errorf("BIGQUERY_LOCATION", "required")
	}
	if c.MaxBytesBilled < minBytesBilled {
		return config.Errorf("BIGQUERY_MAX_BYTES_BILLED", "must be at least %d (BigQuery bills at least 10 MiB per query)", minBytesBilled)
	}
	if c.Timeout <= 0 {
		return config.Errorf("WAREHOUSE_TIMEOUT", "must be positive")
	}
	if c.UploadChunk < 0 {
		return config.Errorf("BIGQUERY_UPLOAD_CHUNK_BYTES", "must not be negative")
	}
	if c.IngestTimeout < 0 {
		return config.Errorf("BIGQUERY_INGEST_TIMEOUT", "must be positive")
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return config.Errorf("BIGQUERY_ENDPOINT", "must be an http or https URL")
		}
	}
	return nil
}

// Engines is the BigQuery engine, opened from the environment's
// configuration, for the binaries that link it.
var Engines = warehouse.Engines{"bigquery": OpenFromEnv}

// OpenFromEnv loads the engine's configuration and opens it.
func OpenFromEnv(ctx context.Context) (warehouse.Engine, error) {
	var rt config.Runtime
	var cfg Config
	if err := config.Load(&rt, &cfg); err != nil {
		return nil, err
	}
	return New(ctx, cfg)
}

// Warehouse runs compiled queries as BigQuery jobs.
type Warehouse struct {
	client *bigquery.Client
	cfg    Config
}

var _ warehouse.Engine = (*Warehouse)(nil)

// New opens a client for the configured project. With cfg.Endpoint set it
// talks to that URL without credentials; opts come last, so tests can add
// their own HTTP client.
func New(ctx context.Context, cfg Config, opts ...option.ClientOption) (*Warehouse, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var all []option.ClientOption
	if cfg.Endpoint != "" {
		all = append(all, option.WithEndpoint(cfg.Endpoint), option.WithoutAuthentication())
	}
	all = append(all, opts...)
	client, err := bigquery.NewClient(ctx, cfg.Project, all...)
	if err != nil {
		return nil, fmt.Errorf("opening the BigQuery client: %w", err)
	}
	client.Location = cfg.Location
	if cfg.IngestTimeout == 0 {
		cfg.IngestTimeout = defaultIngestTimeout
	}
	return &Warehouse{client: client, cfg: cfg}, nil
}

// Name is the engine and dialect name.
func (w *Warehouse) Name() string { return "bigquery" }

// Close releases the client.
func (w *Warehouse) Close() error { return w.client.Close() }

// Run executes the compiled query and reads every row. Values are taken by
// position: the compiler aliases the columns c0..cN in the order of
// q.Columns.
func (w *Warehouse) Run(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (_ *warehouse.Result, err error) {
	ctx, end := telemetry.StartSpan(ctx, "bigquery.query", trace.SpanKindClient,
		attribute.String("db.system.name", "gcp.bigquery"), attribute.String("mirante.org_id", p.OrgID), attribute.String("mirante.dataset", p.Dataset))
	defer func() { end(err) }()
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	query, err := w.query(q, p)
	if err != nil {
		return nil, err
	}
	query.MaxBytesBilled = w.maxBytesBilled(p)
	it, err := query.Read(ctx)
	if err != nil {
		return nil, w.fail(ctx, err)
	}
	res := &warehouse.Result{Columns: q.Columns, Rows: [][]any{}}
	for {
		var row []bigquery.Value
		err := it.Next(&row)
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, w.fail(ctx, err)
		}
		if len(row) != len(q.Columns) {
			return nil, fmt.Errorf("bigquery: a row has %d columns, the compiled query declares %d", len(row), len(q.Columns))
		}
		out := make([]any, len(row))
		for i, v := range row {
			out[i] = jsonValue(v)
		}
		res.Rows = append(res.Rows, out)
	}
	// The row iterator does not carry the job's statistics (jobs.query
	// returns them, but the client drops them), so ask for the job.
	if job := it.SourceJob(); job != nil {
		st, err := job.Status(ctx)
		if err != nil {
			return nil, w.fail(ctx, fmt.Errorf("reading the job's statistics: %w", err))
		}
		res.BytesProcessed = bytesProcessed(st)
		trace.SpanFromContext(ctx).SetAttributes(attribute.Int64("gcp.bigquery.bytes_processed", res.BytesProcessed))
		telemetry.BytesProcessed(ctx, p.OrgID, "bigquery", res.BytesProcessed)
	}
	return res, nil
}

// Estimate dry-runs the query and returns the bytes it would process. The
// dry run bills nothing, so it carries no cap: the caller compares the
// estimate with the org's budget.
func (w *Warehouse) Estimate(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (_ int64, err error) {
	ctx, end := telemetry.StartSpan(ctx, "bigquery.dry_run", trace.SpanKindClient,
		attribute.String("db.system.name", "gcp.bigquery"), attribute.String("mirante.org_id", p.OrgID))
	defer func() { end(err) }()
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	query, err := w.query(q, p)
	if err != nil {
		return 0, err
	}
	query.DryRun = true
	job, err := query.Run(ctx)
	if err != nil {
		return 0, w.fail(ctx, err)
	}
	st := job.LastStatus()
	if st == nil {
		return 0, errors.New("bigquery: the dry run returned no job status")
	}
	if err := st.Err(); err != nil {
		return 0, w.fail(ctx, err)
	}
	return bytesProcessed(st), nil
}

// query builds the job configuration shared by Run and Estimate. The SQL
// names tables dataset.table, which BigQuery resolves in the project that
// runs the job (the client's), so no default dataset is set.
func (w *Warehouse) query(q warehouse.Compiled, p warehouse.RunParams) (*bigquery.Query, error) {
	params, err := parameters(q.Params)
	if err != nil {
		return nil, err
	}
	dataset := p.Dataset
	if dataset == "" {
		dataset = q.Dataset
	}
	query := w.client.Query(q.SQL)
	query.UseLegacySQL = false
	query.Parameters = params
	query.Location = w.cfg.Location
	query.ProjectID = w.cfg.Project
	query.Labels = labels(map[string]string{"org": p.OrgID, "endpoint": p.Endpoint, "dataset": dataset})
	return query, nil
}

// maxBytesBilled is the org's cap when it has a lower one than the
// configured cap, and never below what BigQuery bills a query at least:
// a lower cap would refuse even a query that fits what is left of the
// org's budget (which the caller checked against the dry run).
func (w *Warehouse) maxBytesBilled(p warehouse.RunParams) int64 {
	if p.MaxBytes > 0 && p.MaxBytes < w.cfg.MaxBytesBilled {
		return max(p.MaxBytes, minBytesBilled)
	}
	return w.cfg.MaxBytesBilled
}

// fail turns a client error into what the caller may show: a refused cap is
// the user's to fix, a timeout is ours; anything else is internal (the
// message may quote the SQL, so it is logged, never shown).
func (w *Warehouse) fail(ctx context.Context, err error) error {
	switch {
	case hasReason(err, "bytesBilledLimitExceeded"):
		return apperr.Errorf(apperr.Invalid, "the query would scan more data than allowed; narrow the time range or the filters")
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return apperr.Errorf(apperr.Unavailable, "the query took longer than %s", w.cfg.Timeout)
	}
	return fmt.Errorf("bigquery: %w", err)
}

// hasReason reports whether BigQuery gave reason for err, either in an API
// error (jobs.query, getQueryResults) or in a failed job's status.
func hasReason(err error, reason string) bool {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		for _, e := range gerr.Errors {
			if e.Reason == reason {
				return true
			}
		}
	}
	var jerr *bigquery.Error
	if errors.As(err, &jerr) && jerr.Reason == reason {
		return true
	}
	return false
}

// parameters binds the compiled parameters by name. Slices serve
// `IN UNNEST(@p)`.
func parameters(ps []warehouse.Param) ([]bigquery.QueryParameter, error) {
	out := make([]bigquery.QueryParameter, 0, len(ps))
	for _, p := range ps {
		v := p.Value
		switch x := v.(type) {
		case string, int64, float64, bool, []string, []int64, []float64:
		case int:
			v = int64(x)
		default:
			return nil, fmt.Errorf("bigquery: parameter %s has type %T, want string, int64 or float64", p.Name, p.Value)
		}
		out = append(out, bigquery.QueryParameter{Name: strings.TrimPrefix(p.Name, "@"), Value: v})
	}
	return out, nil
}

// labels drops empty values and sanitises the rest to BigQuery's label rules.
func labels(in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		if v = labelValue(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// maxLabel is BigQuery's limit on a label's length.
const maxLabel = 63

// labelValue lowercases v, replaces every character outside [a-z0-9_-]
// with an underscore and cuts it to 63 characters.
func labelValue(v string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		if b.Len() == maxLabel {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// bytesProcessed reads a job's total bytes processed; 0 when BigQuery
// reported none (a cached result).
func bytesProcessed(st *bigquery.JobStatus) int64 {
	if st == nil || st.Statistics == nil {
		return 0
	}
	if n := st.Statistics.TotalBytesProcessed; n > 0 {
		return n
	}
	if qs, ok := st.Statistics.Details.(*bigquery.QueryStatistics); ok {
		return qs.TotalBytesProcessed
	}
	return 0
}

// jsonValue turns a BigQuery value into a JSON-friendly one: NUMERIC and
// BIGNUMERIC become float64, DATE "YYYY-MM-DD", TIMESTAMP RFC 3339 in UTC.
func jsonValue(v bigquery.Value) any {
	switch x := v.(type) {
	case nil, string, int64, float64, bool:
		return x
	case *big.Rat:
		if x == nil {
			return nil
		}
		f, _ := x.Float64()
		return f
	case civil.Date:
		return x.String()
	case civil.DateTime:
		return x.String()
	case civil.Time:
		return x.String()
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []bigquery.Value:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	}
	return fmt.Sprint(v)
}
