// Package dispatch is the dispatch function, the target of the scheduler's
// Cloud Tasks: it restores the tenant a task names from PostgreSQL and orders
// the schedule run's report, idempotently.
package dispatch

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/api/idtoken"

	"github.com/mirante/mirante/quarto-job/templates"
	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/runjob"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tasks"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config is the dispatch function's whole configuration.
type Config struct {
	Runtime  config.Runtime
	Postgres postgres.Config
	PubSub   pubsub.Config
	Tasks    tasks.Target
	RunJob   runjob.Config
	Log      telemetry.Config
}

// Parts lists the configuration parts.
func (c *Config) Parts() []any {
	return []any{&c.Runtime, &c.Postgres, &c.PubSub, &c.Tasks, &c.RunJob, &c.Log}
}

// LoadConfig reads the configuration from the environment, once per
// process.
func LoadConfig() (Config, error) { return config.LoadAll[Config]() }

// Deps are what the binary gives the function besides its configuration.
type Deps struct {
	// Log replaces the JSON logger on standard output when set.
	Log *slog.Logger
}

// Function is the dispatch function: ServeHTTP takes one Cloud Task, and
// Close lets a dispatch in flight finish before the clients close.
type Function struct {
	*lifecycle.Function
}

// New opens the function's clients.
func New(ctx context.Context, cfg Config, deps Deps) (*Function, error) {
	log, err := lifecycle.Start(ctx, "dispatch", cfg.Log, deps.Log)
	if err != nil {
		return nil, err
	}
	c, err := openClients(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	d := &reports.Dispatcher{
		Tenancy:   c.db,
		Schedules: postgres.NewScheduleService(c.db, templates.Embedded{}),
		Reports: &reports.Orderer{Store: postgres.NewReportService(c.db, c.catalog), Templates: templates.Embedded{},
			Publisher: runjob.Kicking(c.pub, c.starter), Log: log},
	}
	return &Function{lifecycle.NewFunction(telemetry.HTTPHandler(taskHandler(d, authenticator(cfg), log), "dispatch"), c.closers.Close)}, nil
}

// clients are what a dispatch talks to.
type clients struct {
	catalog *semantic.Catalog
	db      *postgres.DB
	pub     *pubsub.Client
	starter *runjob.Starter
	// closers waits for the job starts in flight, then closes the clients.
	closers lifecycle.Closers
}

// openClients opens the clients; on an error, those already open are
// closed.
func openClients(ctx context.Context, cfg Config, log *slog.Logger) (_ *clients, err error) {
	var c clients
	defer func() {
		if err != nil {
			c.closers.Close()
		}
	}()
	if c.catalog, err = semantic.LoadCatalog(); err != nil {
		return nil, err
	}
	if c.db, err = postgres.New(ctx, cfg.Postgres); err != nil {
		return nil, err
	}
	c.closers.Add(c.db.Close)
	if c.pub, err = pubsub.New(ctx, cfg.PubSub); err != nil {
		return nil, err
	}
	c.closers.Add(func() { c.pub.Close() })
	if c.starter, err = runjob.New(ctx, cfg.RunJob, log); err != nil {
		return nil, err
	}
	c.closers.Add(c.starter.Wait)
	return &c, nil
}

// taskHandler takes one Cloud Task: a schedule run, whose report d orders.
// An org or schedule that is gone answers 200 (nothing to retry); any other
// failure is a 5xx, which Cloud Tasks retries.
func taskHandler(d *reports.Dispatcher, auth func(context.Context, *http.Request) error, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.Method != http.MethodPost {
			httpapi.Error(w, r, apperr.Errorf(apperr.Invalid, "POST a task"))
			return
		}
		if err := auth(ctx, r); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		var run tasks.Run
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&run); err != nil || run.OrgID == "" || run.ScheduleID == "" {
			httpapi.Error(w, r, apperr.Invalidf("body", "not a dispatch task"))
			return
		}
		if !trace.SpanContextFromContext(ctx).IsValid() {
			// No traceparent header: the body's (the task's order) is the parent.
			ctx = telemetry.ContextFromTraceparent(ctx, run.Traceparent)
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		res, err := d.Dispatch(ctx, run.OrgID, run.ScheduleID, run.RunAt)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				// The org or schedule is gone: nothing to retry.
				httpapi.JSON(w, http.StatusOK, reports.DispatchResult{Skipped: "the schedule no longer exists"})
				return
			}
			log.ErrorContext(ctx, "dispatch", "error", err.Error(), "org_id", run.OrgID, "schedule_id", run.ScheduleID)
			httpapi.Error(w, r, err) // 5xx: Cloud Tasks retries
			return
		}
		log.InfoContext(ctx, "dispatched", "org_id", run.OrgID, "schedule_id", run.ScheduleID, "skipped", res.Skipped)
		httpapi.JSON(w, http.StatusOK, res)
	}
}

// authenticator checks who calls: in production the Cloud Tasks OIDC token of
// the tasks service account (Cloud Run's IAM has already checked it too);
// locally the local task runner's shared secret.
func authenticator(cfg Config) func(context.Context, *http.Request) error {
	unauthorized := apperr.Errorf(apperr.Unauthorized, "not a task of ours")
	return func(ctx context.Context, r *http.Request) error {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			return unauthorized
		}
		if cfg.Tasks.ServiceAccount == "" {
			if subtle.ConstantTimeCompare([]byte(tok), []byte(cfg.Tasks.LocalSecret)) != 1 {
				return unauthorized
			}
			return nil
		}
		vctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		p, err := idtoken.Validate(vctx, tok, cfg.Tasks.DispatchURL)
		if err != nil || p.Claims["email"] != cfg.Tasks.ServiceAccount || p.Claims["email_verified"] != true {
			return unauthorized
		}
		return nil
	}
}
