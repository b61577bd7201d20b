// Package scheduler is the scheduler function: Cloud Scheduler calls it every
// minute; it turns every due schedule run into a named Cloud Task for the
// dispatch function. Locally a ticker in the local runner calls Tick.
package scheduler

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tasks"
	"github.com/mirante/mirante/shared/telemetry"
)

func init() { functions.HTTP("Scheduler", Serve) }

// Config is the scheduler's whole configuration.
type Config struct {
	Runtime  config.Runtime
	Postgres postgres.Config
	Tasks    tasks.Config
	Log      telemetry.Config
}

// Parts lists the configuration parts.
func (c *Config) Parts() []any { return []any{&c.Runtime, &c.Postgres, &c.Tasks, &c.Log} }

var (
	once    sync.Once
	state   *scheduler
	herr    error
	drainer httpapi.Drainer
)

type scheduler struct {
	db      *postgres.DB
	enq     *tasks.Enqueuer
	h       http.Handler
	sources *postgres.SourceService
	log     *slog.Logger

	mu     sync.Mutex
	warned map[string]time.Time
}

// checkFreshness logs a source_past_sla event (the alert's signal) for each
// source not refreshed within its SLA, at most hourly per source.
func (s *scheduler) checkFreshness(ctx context.Context) {
	es, err := s.sources.FindSources(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "freshness check", "error", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range es {
		if !e.PastSLA || e.Synthetic || time.Since(s.warned[e.ID]) < time.Hour {
			continue
		}
		s.warned[e.ID] = time.Now()
		last := "never"
		if e.LastUpdatedAt != nil {
			last = e.LastUpdatedAt.UTC().Format(time.RFC3339)
		}
		s.log.WarnContext(ctx, "source past its SLA", "event", "source_past_sla", "source", e.ID, "sla", e.SLA, "last_updated_at", last)
	}
}

// Serve is the function's entry point.
func Serve(w http.ResponseWriter, r *http.Request) {
	if err := Init(context.Background()); err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	state.h.ServeHTTP(w, r)
}

// Init sets the function up eagerly.
func Init(ctx context.Context) error {
	once.Do(func() { state, herr = setup(ctx) })
	return herr
}

// Shutdown lets a tick in flight finish and closes the clients.
func Shutdown(ctx context.Context) error {
	err := drainer.Drain(ctx)
	if state != nil {
		state.enq.Close()
		state.db.Close()
	}
	return err
}

// Tick runs one scheduler tick (the local runner's ticker calls it).
func Tick(ctx context.Context) (reports.TickResult, error) {
	if err := Init(ctx); err != nil {
		return reports.TickResult{}, err
	}
	res, err := reports.Tick(ctx, state.db, state.enq, time.Now(), telemetry.Traceparent(ctx))
	state.checkFreshness(ctx)
	return res, err
}

func setup(ctx context.Context) (*scheduler, error) {
	var cfg Config
	if err := config.Load(cfg.Parts()...); err != nil {
		return nil, err
	}
	log := telemetry.NewLogger(os.Stdout, cfg.Log)
	if err := telemetry.Setup(ctx, cfg.Log, "scheduler"); err != nil {
		return nil, err
	}
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	enq, err := tasks.New(ctx, cfg.Tasks)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &scheduler{db: db, enq: enq, sources: postgres.NewSourceService(db), log: log, warned: map[string]time.Time{}}
	s.h = drainer.Wrap(telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 50*time.Second)
		defer cancel()
		res, err := reports.Tick(ctx, db, enq, time.Now(), telemetry.Traceparent(ctx))
		s.checkFreshness(ctx)
		if err != nil {
			log.ErrorContext(ctx, "scheduler tick", "error", err.Error(), "due", res.Due, "created", res.Created, "failed", res.Failed)
		} else {
			log.InfoContext(ctx, "scheduler tick", "due", res.Due, "created", res.Created, "existing", res.Existing)
		}
		status := http.StatusOK
		if err != nil {
			status = http.StatusInternalServerError // Cloud Scheduler retries
		}
		httpapi.JSON(w, status, res)
	}), "scheduler"))
	return s, nil
}
