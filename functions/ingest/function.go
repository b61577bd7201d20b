// Package ingest is the ingest function: the raw bucket's Cloud Storage
// notifications (OBJECT_FINALIZE, payload JSON_API_V1) reach it through the
// ingest-events topic's push subscription, one HTTP POST per new raw file. A
// tenant upload
// (orgs/<org>/uploads/<sha>.csv) is loaded into that org's tenant mart after
// PostgreSQL confirms the org and the upload; official source files are
// loaded through the data spine.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"regexp"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/sources"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
	"github.com/mirante/mirante/shared/warehouse"
)

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

// LoadConfig reads the configuration from the environment, once per
// process.
func LoadConfig() (Config, error) { return config.LoadAll[Config]() }

// Deps are what the binary gives the function besides its configuration.
type Deps struct {
	// Engines are the warehouse engines the binary links; the
	// configuration's WAREHOUSE_ENGINE picks one.
	Engines warehouse.Engines
	// Log replaces the JSON logger on standard output when set.
	Log *slog.Logger
}

// Function is the ingest function: ServeHTTP takes the push subscription's
// deliveries.
type Function = state

type state struct {
	db      *postgres.DB
	store   *gcs.Store
	engine  warehouse.Engine
	uploads *postgres.UploadService
	sources *postgres.SourceService
	log     *slog.Logger
	cfg     Config
}

// Close closes the function's clients.
func (s *state) Close(context.Context) error {
	s.engine.Close()
	s.store.Close()
	s.db.Close()
	return nil
}

// New opens the function's clients.
func New(ctx context.Context, cfg Config, deps Deps) (_ *Function, err error) {
	log, err := lifecycle.Start(ctx, "ingest", cfg.Log, deps.Log)
	if err != nil {
		return nil, err
	}
	var closers lifecycle.Closers
	defer func() {
		if err != nil {
			closers.Close()
		}
	}()
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	closers.Add(db.Close)
	store, err := gcs.New(ctx, cfg.Storage)
	if err != nil {
		return nil, err
	}
	closers.Add(func() { store.Close() })
	engine, err := deps.Engines.Open(ctx, cfg.Warehouse.Engine)
	if err != nil {
		return nil, err
	}
	return &state{db: db, store: store, engine: engine, uploads: postgres.NewUploadService(db), sources: postgres.NewSourceService(db), log: log, cfg: cfg}, nil
}

// ObjectPrefixes are the raw bucket's prefixes that carry files to load:
// official files under sources/<source>/ and tenant uploads under
// orgs/<org>/uploads/. Terraform's bucket notifications are created for
// exactly these (a test holds them equal), and never for quarantine/.
var ObjectPrefixes = []string{"sources/", "orgs/"}

var uploadObject = regexp.MustCompile(`^orgs/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/uploads/([0-9a-f]{64})\.csv$`)

// HandleObject loads one finalized raw object, whatever its generation.
func (s *state) HandleObject(ctx context.Context, bucket, name string) error {
	return s.handle(ctx, bucket, name, 0, s.log.With("object", name))
}

// handle loads one finalized raw object. It returns an error only when a
// redelivery could succeed; every object it leaves alone is logged with its
// name at WARN or ERROR.
func (s *state) handle(ctx context.Context, bucket, name string, generation int64, log *slog.Logger) (err error) {
	ctx, end := telemetry.StartSpan(ctx, "ingest.object", trace.SpanKindConsumer,
		attribute.String("gcp.gcs.bucket", bucket), attribute.String("gcp.gcs.object", name))
	defer func() { end(err) }()
	if bucket != s.cfg.Storage.RawBucket {
		log.WarnContext(ctx, "ingest: event from another bucket ignored", "event", "ingest_event_ignored", "bucket", bucket)
		return nil
	}
	if m := uploadObject.FindStringSubmatch(name); m != nil {
		return s.loadUpload(ctx, m[1], name, log)
	}
	if m := sourceObject.FindStringSubmatch(name); m != nil {
		if _, ok := ingest.FindSource(m[1]); !ok {
			log.WarnContext(ctx, "ingest: object of an unknown source ignored", "event", "ingest_event_ignored", "source", m[1])
			return nil
		}
		return s.loadSource(ctx, m[1], name, generation, log)
	}
	log.WarnContext(ctx, "ingest: object outside the loaded prefixes ignored", "event", "ingest_event_ignored")
	return nil
}

// sourceObject is an official file: sources/<source id>/<file name>.
var sourceObject = regexp.MustCompile(`^sources/([a-z_]{2,40})/[^/]{1,300}$`)

// loadSource loads an official file through the layers. A file that breaks
// its source's contract goes to quarantine/, leaves every mart as it was and
// is logged as an error for the pipeline alert. Every outcome is recorded by
// object and generation (source_loads).
func (s *state) loadSource(ctx context.Context, sourceID, object string, generation int64, log *slog.Logger) error {
	rec := postgres.SourceLoad{Object: object, Generation: generation, Source: sourceID}
	sp, ok := ingest.SpineOf(s.engine)
	if !ok {
		err := fmt.Errorf("the %s warehouse cannot load official files", s.engine.Name())
		log.ErrorContext(ctx, "ingest failed", "source", sourceID, "error", err.Error())
		rec.Outcome, rec.Error = "refused", err.Error()
		return s.sources.LogLoad(ctx, rec)
	}
	rc, err := s.store.Open(ctx, s.cfg.Storage.RawBucket, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			// Deleted or moved since it was written: nothing left to load,
			// and a redelivery would find nothing either.
			log.WarnContext(ctx, "ingest: the notified object no longer exists", "event", "ingest_event_ignored", "source", sourceID)
			return nil
		}
		return s.failed(ctx, rec, err)
	}
	defer rc.Close()
	rep, err := sp.Load(ctx, sourceID, path.Base(object), rc, ingest.LoadParams{})
	if err != nil {
		var ce *ingest.ContractError
		if errors.As(err, &ce) || apperr.Is(err, apperr.Invalid) {
			quarantined := "quarantine/" + object
			if merr := s.store.Move(ctx, s.cfg.Storage.RawBucket, object, quarantined); merr != nil {
				log.ErrorContext(ctx, "ingest: quarantine", "error", merr.Error())
			}
			telemetry.IngestFailed(ctx, sourceID, "contract_broken")
			log.ErrorContext(ctx, "ingest failed", "event", "ingest_contract_broken", "source", sourceID,
				"quarantined", quarantined, "error", err.Error())
			if rerr := s.sources.RecordFailure(ctx, sourceID, sources.FileRefused); rerr != nil {
				return rerr
			}
			rec.Outcome, rec.Error = "refused", err.Error()
			return s.sources.LogLoad(ctx, rec) // a refused file does not become valid by retrying
		}
		telemetry.IngestFailed(ctx, sourceID, "load_failed")
		log.ErrorContext(ctx, "ingest failed", "source", sourceID, "error", err.Error())
		return s.failed(ctx, rec, err)
	}
	// The catalog's watermark is the warehouse's, not this file's: an older
	// period loaded late must not move it back.
	wm, err := sp.Watermark(ctx, sourceID)
	if err != nil {
		return s.failed(ctx, rec, err)
	}
	telemetry.IngestLoaded(ctx, sourceID, rep.RowsPublished)
	log.InfoContext(ctx, "ingest loaded", "source", sourceID, "rows", rep.RowsPublished, "landed", rep.RowsLoaded, "read", rep.RowsRead,
		"skipped_rows", rep.RowsSkipped, "watermark", wm, "file_watermark", rep.Watermark, "sha256", rep.SHA256, "skipped", rep.Skipped)
	rec.Rows, rec.Landed, rec.Read, rec.Skipped, rec.SkippedWhy, rec.Watermark = rep.RowsPublished, rep.RowsLoaded, rep.RowsRead, rep.RowsSkipped, strings.Join(rep.SkippedWhy, "; "), wm
	if rep.Skipped {
		// Nothing changed: the source was checked fresh, its current load stays.
		if err := s.sources.RecordLoad(ctx, sourceID, wm, "", nil); err != nil {
			return err
		}
		rec.Outcome = "unchanged"
		return s.sources.LogLoad(ctx, rec)
	}
	if err := s.sources.RecordLoad(ctx, sourceID, wm, rep.SHA256, &postgres.LoadCounts{Published: rep.RowsPublished, Landed: rep.RowsLoaded, Skipped: rep.RowsSkipped}); err != nil {
		return err
	}
	rec.Outcome = "loaded"
	return s.sources.LogLoad(ctx, rec)
}

// failed records a load that a redelivery may complete and returns its
// error, so that Pub/Sub redelivers it.
func (s *state) failed(ctx context.Context, rec postgres.SourceLoad, err error) error {
	rec.Outcome, rec.Error = "failed", err.Error()
	return errors.Join(err, s.sources.LogLoad(context.WithoutCancel(ctx), rec))
}

// loadUpload restores the tenant named in the object path from PostgreSQL and
// loads the upload only if that org recorded it.
func (s *state) loadUpload(ctx context.Context, orgID, object string, log *slog.Logger) error {
	log = log.With("org_id", orgID)
	org, err := s.db.FindOrgByID(ctx, orgID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			log.ErrorContext(ctx, "ingest: upload of an unknown org ignored", "event", "ingest_event_ignored")
			return nil
		}
		return err
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	u, err := s.uploads.FindUploadByObject(ctx, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			// The API stores the file before it records the upload, so the
			// notification can come first: a redelivery finds the record.
			log.WarnContext(ctx, "ingest: no upload record for the object yet; to be redelivered", "event", "ingest_upload_unrecorded")
			return fmt.Errorf("no upload record for %s", object)
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
		if apperr.Is(err, apperr.NotFound) {
			log.WarnContext(ctx, "ingest: the notified upload no longer exists", "event", "ingest_event_ignored", "upload_id", u.ID)
			return s.uploads.FinishUpload(ctx, u.ID, errors.New("the file was removed before it could be loaded"), "", 0)
		}
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
		log.ErrorContext(ctx, "ingest: loading an upload", "error", err.Error(), "upload_id", u.ID)
		if ferr := s.uploads.FinishUpload(ctx, u.ID, errors.New("the file could not be loaded"), "", 0); ferr != nil {
			return ferr
		}
		return err
	}
	telemetry.IngestLoaded(ctx, "upload", rows)
	log.InfoContext(ctx, "ingest: upload loaded", "upload_id", u.ID, "rows", rows)
	return s.uploads.FinishUpload(ctx, u.ID, nil, wm, rows)
}
