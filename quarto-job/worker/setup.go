package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mirante/mirante/quarto-job/render"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/warehouse"
)

// Settings tunes the worker.
type Settings struct {
	Engine        string        `envconfig:"WAREHOUSE_ENGINE" default:"bigquery" desc:"bigquery, or duckdb in the local runner (the deployed binary links only BigQuery)"`
	MaxAttempts   int           `envconfig:"REPORT_MAX_ATTEMPTS" default:"5" desc:"deliveries of a report request before it is failed and dead-lettered (the subscription's limit)"`
	QueryTimeout  time.Duration `envconfig:"REPORT_QUERY_TIMEOUT" default:"2m" desc:"time a report's queries may take together"`
	RenderTimeout time.Duration `envconfig:"REPORT_RENDER_TIMEOUT" default:"3m" desc:"time a report's rendering may take"`
	Concurrency   int           `envconfig:"REPORT_CONCURRENCY" default:"2" desc:"reports rendered at once by one worker"`
	MaxPerRun     int           `envconfig:"REPORT_MAX_PER_EXECUTION" default:"20" desc:"report job only: reports one execution renders before it exits"`
	Idle          time.Duration `envconfig:"REPORT_IDLE_EXIT" default:"30s" desc:"report job only: exit after this long without a request"`
	WorkDir       string        `envconfig:"REPORT_WORK_DIR" desc:"scratch folder for rendering (the system's temporary folder when unset)"`
}

// Validate checks the settings.
func (s *Settings) Validate() error {
	if s.MaxAttempts < 1 {
		return config.Errorf("REPORT_MAX_ATTEMPTS", "must be at least 1")
	}
	if s.QueryTimeout <= 0 || s.RenderTimeout <= 0 {
		return config.Errorf("REPORT_RENDER_TIMEOUT", "the query and render timeouts must be positive")
	}
	if s.Concurrency < 1 {
		return config.Errorf("REPORT_CONCURRENCY", "must be at least 1")
	}
	return nil
}

// Config is the report worker's whole configuration.
type Config struct {
	Runtime  config.Runtime
	Postgres postgres.Config
	Redis    redis.Config
	Storage  gcs.Config
	PubSub   pubsub.Config
	Render   render.Config
	Log      telemetry.Config
	Settings Settings
}

// Parts lists the configuration parts.
func (c *Config) Parts() []any {
	return []any{&c.Runtime, &c.Postgres, &c.Redis, &c.Storage, &c.PubSub, &c.Render, &c.Log, &c.Settings}
}

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) {
	var c Config
	return c, config.Load(c.Parts()...)
}

// Service is a worker with the clients it needs.
type Service struct {
	Worker   *Worker
	PubSub   *pubsub.Client
	Settings Settings
	closers  []func()
}

// Close closes the clients.
func (s *Service) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// New opens the clients and builds the worker, on the engine WAREHOUSE_ENGINE
// names among those the binary links.
func New(ctx context.Context, cfg Config, engines warehouse.Engines, log *slog.Logger) (_ *Service, err error) {
	s := &Service{Settings: cfg.Settings}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	catalog, err := semantic.LoadCatalog()
	if err != nil {
		return nil, err
	}
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, db.Close)
	rdb, err := redis.New(cfg.Redis)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { rdb.Close() })
	engine, err := engines.Open(ctx, cfg.Settings.Engine)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { engine.Close() })
	store, err := gcs.New(ctx, cfg.Storage)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { store.Close() })
	ps, err := pubsub.New(ctx, cfg.PubSub)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { ps.Close() })
	s.PubSub = ps
	watermarks := postgres.NewWatermarkService(db, 5*time.Second)
	entitlements := postgres.NewEntitlementService(db, catalog.IsPublic)
	// A report's queries are charged to its org like the API's: within its
	// byte budget (a spent budget fails the report with the reason), and
	// counted in its usage, flushed before the pool closes.
	usage := postgres.NewUsageLog(db, time.Second, log)
	s.closers = append(s.closers, func() {
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := usage.Close(fctx); err != nil {
			log.Error("usage log", "error", err.Error())
		}
	})
	s.Worker = &Worker{
		DB:      db,
		Reports: postgres.NewReportService(db, catalog),
		Sources: watermarks,
		Usage:   usage,
		Query: &query.Service{Catalog: catalog, Engine: engine, Cache: redis.NewQueryCache(rdb, 0), Watermarks: watermarks,
			Entitlements: entitlements, Usage: usage, Budgets: postgres.NewBudgetService(db, postgres.NewPlanService(db), usage),
			TTL: 10 * time.Minute, Log: log},
		Catalog: catalog, Store: store, Bucket: cfg.Storage.ReportsBucket, Renderer: render.New(cfg.Render), Log: log,
		MaxAttempts: cfg.Settings.MaxAttempts, QueryTimeout: cfg.Settings.QueryTimeout, RenderTimeout: cfg.Settings.RenderTimeout,
		WorkDir: cfg.Settings.WorkDir,
	}
	return s, nil
}

// Run receives and renders requests until ctx ends, or — when idle and max
// are set, as for the Cloud Run Job — until no request came for idle or max
// reports were handled.
func (s *Service) Run(ctx context.Context, idle time.Duration, max int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	handled := 0
	var timer *time.Timer
	if idle > 0 {
		timer = time.AfterFunc(idle, cancel)
		defer timer.Stop()
	}
	return s.PubSub.Receive(ctx, s.Settings.Concurrency, func(ctx context.Context, d pubsub.Delivery) bool {
		if timer != nil {
			timer.Stop()
			defer timer.Reset(idle)
		}
		// The render joins the ordering request's trace (its traceparent
		// travelled in the message).
		hctx := telemetry.ContextFromTraceparent(context.WithoutCancel(ctx), d.Request.Traceparent)
		if !d.PublishedAt.IsZero() {
			telemetry.ReportQueued(hctx, time.Since(d.PublishedAt))
		}
		ack := s.Worker.Handle(hctx, d.Request, d.Attempt)
		mu.Lock()
		handled++
		if max > 0 && handled >= max {
			cancel()
		}
		mu.Unlock()
		return ack
	}, func(err error) { s.Worker.Log.Error("report worker", "error", err.Error()) })
}
