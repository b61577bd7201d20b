// Package ingest is the ingest function: the raw bucket's Cloud Storage
// notifications (OBJECT_FINALIZE, payload JSON_API_V1) reach it through the
// ingest-events topic's push subscription, one HTTP POST per new raw file. A
// tenant upload
// (orgs/<org>/uploads/<sha>.csv) is loaded into that org's tenant mart after
// PostgreSQL confirms the org and the upload; official source files are
// loaded through the data spine. The function is wiring: ingest.Service
// does the loading, over PostgreSQL, Cloud Storage and the warehouse.
package ingest

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/telemetry"
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
type Function struct {
	svc   *ingest.Service
	log   *slog.Logger
	close func()
}

// Close closes the function's clients, in the reverse of their opening.
func (s *Function) Close(context.Context) error {
	s.close()
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
	closers.Add(func() { engine.Close() })
	svc := &ingest.Service{Engine: engine, Objects: store, Bucket: cfg.Storage.RawBucket,
		Sources: postgres.NewSourceService(db), Uploads: postgres.NewUploadService(db), Orgs: db}
	return &Function{svc: svc, log: log, close: closers.Close}, nil
}

// ObjectPrefixes are the raw bucket's prefixes that carry files to load
// (ingest.ObjectPrefixes). Terraform's bucket notifications are created for
// exactly these (a test holds them equal).
var ObjectPrefixes = ingest.ObjectPrefixes

// HandleObject loads one finalized raw object, whatever its generation.
func (s *Function) HandleObject(ctx context.Context, bucket, name string) error {
	return s.handle(ctx, bucket, name, 0, s.log.With("object", name))
}

// handle loads one finalized raw object in its span (see
// ingest.Service.Handle).
func (s *Function) handle(ctx context.Context, bucket, name string, generation int64, log *slog.Logger) (err error) {
	ctx, end := telemetry.StartSpan(ctx, "ingest.object", trace.SpanKindConsumer,
		attribute.String("gcp.gcs.bucket", bucket), attribute.String("gcp.gcs.object", name))
	defer func() { end(err) }()
	return s.svc.Handle(ctx, bucket, name, generation, log)
}
