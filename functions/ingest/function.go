// Package ingest is the ingest function: Cloud Storage's object-finalized
// event calls it for every new raw file. A tenant upload
// (orgs/<org>/uploads/<sha>.csv) is loaded into that org's tenant mart after
// PostgreSQL confirms the org and the upload; official source files are
// loaded through the data spine.
package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"regexp"
	"sync"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
	"github.com/mirante/mirante/shared/warehouse"
)

func init() { functions.CloudEvent("Ingest", Handle) }

// Config is the ingest function's whole configuration.
type Config struct {
	Runtime   config.Runtime
	Postgres  postgres.Config
	Storage   gcs.Config
	Log       telemetry.Config
	Warehouse Warehouse
}

// Warehouse names the engine the marts live in.
type Warehouse struct {
	Engine string `envconfig:"WAREHOUSE_ENGINE" default:"bigquery" desc:"bigquery, or duckdb in the local runner (the deployed binary links only BigQuery)"`
}

// Parts lists the configuration parts.
func (c *Config) Parts() []any {
	return []any{&c.Runtime, &c.Postgres, &c.Storage, &c.Log, &c.Warehouse}
}

// Handler loads raw objects; the function uses one, tests and the local
// runner may build their own.
type Handler = state

type state struct {
	db      *postgres.DB
	store   *gcs.Store
	engine  warehouse.Engine
	uploads *postgres.UploadService
	sources *postgres.SourceService
	log     *slog.Logger
	cfg     Config
}

var (
	once sync.Once
	st   *state
	herr error
)

// Init sets the function up eagerly.
func Init(ctx context.Context) error {
	once.Do(func() { st, herr = setup(ctx) })
	return herr
}

// Shutdown closes the clients.
func Shutdown(context.Context) error {
	if st != nil {
		st.Close()
	}
	return nil
}

// NewHandler opens a handler from the environment's configuration; log,
// when given, replaces the JSON logger on standard output.
func NewHandler(ctx context.Context, log ...*slog.Logger) (*Handler, error) {
	h, err := setup(ctx)
	if err == nil && len(log) > 0 && log[0] != nil {
		h.log = log[0]
	}
	return h, err
}

// Close closes the handler's clients.
func (s *state) Close() {
	s.engine.Close()
	s.store.Close()
	s.db.Close()
}

func setup(ctx context.Context) (*state, error) {
	var cfg Config
	if err := config.Load(cfg.Parts()...); err != nil {
		return nil, err
	}
	log := telemetry.NewLogger(os.Stdout, cfg.Log)
	if err := telemetry.Setup(ctx, cfg.Log, "ingest"); err != nil {
		return nil, err
	}
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	store, err := gcs.New(ctx, cfg.Storage)
	if err != nil {
		db.Close()
		return nil, err
	}
	engine, err := warehouse.Open(ctx, cfg.Warehouse.Engine)
	if err != nil {
		store.Close()
		db.Close()
		return nil, err
	}
	return &state{db: db, store: store, engine: engine, uploads: postgres.NewUploadService(db), sources: postgres.NewSourceService(db), log: log, cfg: cfg}, nil
}

// objectData is the part of Cloud Storage's event data the function reads.
type objectData struct {
	Bucket string `json:"bucket"`
	Name   string `json:"name"`
}

// Handle is the CloudEvent entry point. An error makes Eventarc retry, so
// only failures that a retry could fix are returned.
func Handle(ctx context.Context, e event.Event) error {
	if err := Init(ctx); err != nil {
		return err
	}
	return st.HandleEvent(ctx, e)
}

// HandleEvent loads the object a Cloud Storage event names. An event that
// carries a traceparent (CloudEvents' distributed-tracing extension) is
// continued: the load's spans join the sender's trace. Cloud Storage's own
// events carry none, so those loads start a trace of their own.
func (s *state) HandleEvent(ctx context.Context, e event.Event) error {
	if tp, ok := e.Extensions()["traceparent"].(string); ok {
		ctx = telemetry.ContextFromTraceparent(ctx, tp)
	}
	var d objectData
	if err := json.Unmarshal(e.Data(), &d); err != nil {
		s.log.ErrorContext(ctx, "ingest: undecodable event", "error", err.Error())
		return nil
	}
	return s.HandleObject(ctx, d.Bucket, d.Name)
}

var uploadObject = regexp.MustCompile(`^orgs/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/uploads/([0-9a-f]{64})\.csv$`)

// HandleObject loads one finalized raw object with the function's handler.
func HandleObject(ctx context.Context, bucket, name string) error {
	if err := Init(ctx); err != nil {
		return err
	}
	return st.HandleObject(ctx, bucket, name)
}

// HandleObject loads one finalized raw object.
func (s *state) HandleObject(ctx context.Context, bucket, name string) (err error) {
	ctx, end := telemetry.StartSpan(ctx, "ingest.object", trace.SpanKindConsumer,
		attribute.String("gcp.gcs.bucket", bucket), attribute.String("gcp.gcs.object", name))
	defer func() { end(err) }()
	if bucket != s.cfg.Storage.RawBucket {
		return nil
	}
	if m := uploadObject.FindStringSubmatch(name); m != nil {
		return s.loadUpload(ctx, m[1], name)
	}
	if m := sourceObject.FindStringSubmatch(name); m != nil {
		return s.loadSource(ctx, m[1], name)
	}
	s.log.InfoContext(ctx, "ingest: object ignored", "object", name)
	return nil
}

// sourceObject is an official file: sources/<source id>/<file name>.
var sourceObject = regexp.MustCompile(`^sources/([a-z_]{2,40})/[^/]{1,300}$`)

// warehouseSQL is an engine the data spine's SQL models run on in process
// (DuckDB, in the local runner).
type warehouseSQL interface {
	SQL() *sql.DB
}

// warehouseRemote is an engine that takes landing rows as load jobs and the
// models as one script (BigQuery, deployed).
type warehouseRemote interface {
	Ingest() ingest.Remote
}

// spine loads official files into the engine and reads its watermarks.
type spine struct {
	load      func(ctx context.Context, sourceID, name string, r io.Reader) (ingest.Report, error)
	watermark func(ctx context.Context, sourceID string) (string, error)
}

func (s *state) spine() (spine, bool) {
	switch wh := s.engine.(type) {
	case warehouseSQL:
		return spine{
			load: func(ctx context.Context, sourceID, name string, r io.Reader) (ingest.Report, error) {
				return ingest.Load(ctx, wh.SQL(), sourceID, name, r, ingest.LoadParams{})
			},
			watermark: func(ctx context.Context, sourceID string) (string, error) {
				return ingest.Watermark(ctx, wh.SQL(), sourceID)
			},
		}, true
	case warehouseRemote:
		remote := wh.Ingest()
		return spine{
			load: func(ctx context.Context, sourceID, name string, r io.Reader) (ingest.Report, error) {
				return ingest.LoadRemote(ctx, remote, sourceID, name, r, ingest.LoadParams{})
			},
			watermark: func(ctx context.Context, sourceID string) (string, error) {
				return ingest.WatermarkRemote(ctx, remote, sourceID)
			},
		}, true
	}
	return spine{}, false
}

// loadSource loads an official file through the layers. A file that breaks
// its source's contract goes to quarantine/, leaves every mart as it was and
// is logged as an error for the pipeline alert.
func (s *state) loadSource(ctx context.Context, sourceID, object string) error {
	sp, ok := s.spine()
	if !ok {
		err := fmt.Errorf("the %s warehouse cannot load official files", s.engine.Name())
		s.log.ErrorContext(ctx, "ingest failed", "source", sourceID, "object", object, "error", err.Error())
		return nil
	}
	rc, err := s.store.Open(ctx, s.cfg.Storage.RawBucket, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		return err
	}
	defer rc.Close()
	rep, err := sp.load(ctx, sourceID, path.Base(object), rc)
	if err != nil {
		var ce *ingest.ContractError
		if errors.As(err, &ce) || apperr.Is(err, apperr.Invalid) {
			quarantined := "quarantine/" + object
			if merr := s.store.Move(ctx, s.cfg.Storage.RawBucket, object, quarantined); merr != nil {
				s.log.ErrorContext(ctx, "ingest: quarantine", "error", merr.Error(), "object", object)
			}
			telemetry.IngestFailed(ctx, sourceID, "contract_broken")
			s.log.ErrorContext(ctx, "ingest failed", "event", "ingest_contract_broken", "source", sourceID,
				"object", quarantined, "error", err.Error())
			if rerr := s.sources.RecordFailure(ctx, sourceID, err.Error()); rerr != nil {
				return rerr
			}
			return nil // a refused file does not become valid by retrying
		}
		telemetry.IngestFailed(ctx, sourceID, "load_failed")
		s.log.ErrorContext(ctx, "ingest failed", "source", sourceID, "object", object, "error", err.Error())
		return err
	}
	// The catalog's watermark is the warehouse's, not this file's: an older
	// period loaded late must not move it back.
	wm, err := sp.watermark(ctx, sourceID)
	if err != nil {
		return err
	}
	telemetry.IngestLoaded(ctx, sourceID, rep.RowsLoaded)
	s.log.InfoContext(ctx, "ingest loaded", "source", sourceID, "object", object, "rows", rep.RowsLoaded,
		"watermark", wm, "sha256", rep.SHA256, "skipped", rep.Skipped)
	if rep.Skipped {
		// Nothing changed: the source was checked fresh, its current load stays.
		return s.sources.RecordLoad(ctx, sourceID, wm, "", -1)
	}
	return s.sources.RecordLoad(ctx, sourceID, wm, rep.SHA256, rep.RowsLoaded)
}

// loadUpload restores the tenant named in the object path from PostgreSQL and
// loads the upload only if that org recorded it.
func (s *state) loadUpload(ctx context.Context, orgID, object string) error {
	org, err := s.db.FindOrgByID(ctx, orgID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			s.log.ErrorContext(ctx, "ingest: upload of an unknown org", "org_id", orgID)
			return nil
		}
		return err
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	u, err := s.uploads.FindUploadByObject(ctx, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			s.log.ErrorContext(ctx, "ingest: object without an upload record", "org_id", orgID)
			return nil
		}
		return err
	}
	if u.Status == uploads.Loaded {
		return nil
	}
	loader, ok := s.engine.(uploads.Loader)
	if !ok {
		return s.uploads.FinishUpload(ctx, u.ID, fmt.Errorf("the %s warehouse does not load uploads", s.engine.Name()), "", 0)
	}
	rc, err := s.store.Open(ctx, s.cfg.Storage.RawBucket, object)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(rc, uploads.MaxBytes+1))
	rc.Close()
	if err != nil {
		return err
	}
	f, err := uploads.Parse(data)
	if err != nil {
		return s.uploads.FinishUpload(ctx, u.ID, err, "", 0)
	}
	scope := semantic.TenantScope{OrgID: org.ID}
	if org.Isolation == tenant.IsolationDataset {
		scope.Dataset = org.Dataset
	}
	wm, rows, err := loader.LoadTenantMetrics(ctx, scope, f)
	if err != nil {
		telemetry.IngestFailed(ctx, "upload", "load_failed")
		s.log.ErrorContext(ctx, "ingest: loading an upload", "error", err.Error(), "org_id", org.ID, "upload_id", u.ID)
		if ferr := s.uploads.FinishUpload(ctx, u.ID, errors.New("the file could not be loaded"), "", 0); ferr != nil {
			return ferr
		}
		return err
	}
	telemetry.IngestLoaded(ctx, "upload", rows)
	s.log.InfoContext(ctx, "ingest: upload loaded", "org_id", org.ID, "upload_id", u.ID, "rows", rows)
	return s.uploads.FinishUpload(ctx, u.ID, nil, wm, rows)
}
