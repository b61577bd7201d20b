// Package scheduler is the scheduler function: Cloud Scheduler calls it every
// minute; it turns every due schedule run into a named Cloud Task for the
// dispatch function. Locally a ticker in the local runner calls Tick.
package scheduler

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tasks"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config is the scheduler's whole configuration.
type Config struct {
	Runtime  config.Runtime
	Postgres postgres.Config
	Tasks    tasks.Config
	Log      telemetry.Config
}

// Parts lists the configuration parts.
func (c *Config) Parts() []any { return []any{&c.Runtime, &c.Postgres, &c.Tasks, &c.Log} }

// LoadConfig reads the configuration from the environment, once per
// process.
func LoadConfig() (Config, error) { return config.LoadAll[Config]() }

// Deps are what the binary gives the function besides its configuration.
type Deps struct {
	// Log replaces the JSON logger on standard output when set.
	Log *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Function is the scheduler function: ServeHTTP is Cloud Scheduler's target,
// one tick per call, and Close lets a tick in flight finish before the
// clients close.
type Function struct {
	*lifecycle.Function
	db      *postgres.DB
	enq     *tasks.Enqueuer
	sources *postgres.SourceService
	log     *slog.Logger
	now     func() time.Time

	mu     sync.Mutex
	warned map[string]time.Time
}

// checkFreshness logs a source_past_sla event (the alert's signal) for each
// source not refreshed within its SLA, at most hourly per source.
func (s *Function) checkFreshness(ctx context.Context) {
	es, err := s.sources.FindSources(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "freshness check", "error", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range es {
		if !e.PastSLA || e.Synthetic || s.now().Sub(s.warned[e.ID]) < time.Hour {
			continue
		}
		s.warned[e.ID] = s.now()
		last := "never"
		if e.LastUpdatedAt != nil {
			last = e.LastUpdatedAt.UTC().Format(time.RFC3339)
		}
		s.log.WarnContext(ctx, "source past its SLA", "event", "source_past_sla", "source", e.ID, "sla", e.SLA, "last_updated_at", last)
	}
}

// Tick runs one scheduler tick (the local runner's ticker calls it).
func (s *Function) Tick(ctx context.Context) (reports.TickResult, error) {
	res, err := reports.Tick(ctx, s.db, s.enq, s.now(), telemetry.Traceparent(ctx))
	s.checkFreshness(ctx)
	return res, err
}

// New opens the function's clients.
func New(ctx context.Context, cfg Config, deps Deps) (*Function, error) {
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	log, err := lifecycle.Start(ctx, "scheduler", cfg.Log, deps.Log)
	if err != nil {
		return nil, err
	}
	var closers lifecycle.Closers
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	closers.Add(db.Close)
	enq, err := tasks.New(ctx, cfg.Tasks)
	if err != nil {
		closers.Close()
		return nil, err
	}
	closers.Add(func() { enq.Close() })
	s := &Function{db: db, enq: enq, sources: postgres.NewSourceService(db), log: log, now: now, warned: map[string]time.Time{}}
	s.Function = lifecycle.NewFunction(telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 50*time.Second)
		defer cancel()
		res, err := s.Tick(ctx)
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
	}), "scheduler"), closers.Close)
	return s, nil
}
