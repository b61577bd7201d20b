// Command local runs the whole product on one machine: every function in one
// process through functions-framework-go, on the local stand-ins of the cloud
// services. scripts/dev drives it; its subcommands also provision, migrate and
// seed the local database.
//
//	local serve       all functions on PORT (the API at /)
//	local provision   create the roles and database (ADMIN_DATABASE_URL)
//	local migrate     apply migrations as the owner (DATABASE_URL)
//	local seed        create the demo orgs, users and roles (idempotent)
//	local probe-pg    exit 0 when ADMIN_DATABASE_URL answers and may provision
//	local probe-redis exit 0 when REDIS_URL answers
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/functions/api"
	"github.com/mirante/mirante/functions/dispatch"
	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/functions/scheduler"
	"github.com/mirante/mirante/quarto-job/render"
	"github.com/mirante/mirante/quarto-job/worker"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/demotenants"
	"github.com/mirante/mirante/shared/duckdb" // also the local warehouse engine
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/localcloud"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/synthetic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
)

// ServeConfig is the local process's own setting; the functions read theirs.
type ServeConfig struct {
	Port string `envconfig:"PORT" default:"8080" desc:"port of the local process that serves every function (the API at /)"`
}

// ProvisionConfig says where the local stack's database is created.
type ProvisionConfig struct {
	AdminURL      string `envconfig:"ADMIN_DATABASE_URL" required:"true" desc:"local only: a PostgreSQL role that may create roles and databases; scripts/dev sets it"`
	Database      string `envconfig:"MIRANTE_DB_NAME" default:"mirante" desc:"local only: name of the stack's database"`
	OwnerPassword string `envconfig:"PG_OWNER_PASSWORD" default:"mirante-owner-dev" desc:"local only: password given to the mirante_owner role"`
	AppPassword   string `envconfig:"PG_APP_PASSWORD" default:"mirante-app-dev" desc:"local only: password given to the mirante_app role"`
}

// Validate checks the admin URL's shape.
func (c *ProvisionConfig) Validate() error {
	if _, err := pgx.ParseConfig(c.AdminURL); err != nil {
		return config.Errorf("DATABASE_URL", "not a valid PostgreSQL connection URL")
	}
	return nil
}

// shutdownGrace stays under Cloud Run's 10 s, as in production.
const shutdownGrace = 9 * time.Second

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: local serve|provision|migrate|seed|probe-pg|probe-redis")
		os.Exit(2)
	}
	lifecycle.Main(func(ctx context.Context) error { return run(ctx, os.Args[1]) })
}

func run(ctx context.Context, cmd string) error {
	switch cmd {
	case "serve":
		return serve(ctx)
	case "provision":
		return provision(ctx)
	case "migrate":
		return migrate(ctx)
	case "seed":
		return seed(ctx)
	case "probe-pg":
		return probePG(ctx)
	case "probe-redis":
		return probeRedis(ctx)
	case "ingest":
		if len(os.Args) != 4 {
			return errors.New("usage: local ingest SOURCE FILE|URL")
		}
		return ingestFile(ctx, os.Args[2], os.Args[3])
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// LocalConfig tunes what stands in for the cloud locally.
type LocalConfig struct {
	DataDir  string        `envconfig:"LOCAL_DATA_DIR" default:".data" desc:"local only: where the local runner keeps Cloud Storage's files"`
	GCSPort  uint16        `envconfig:"LOCAL_GCS_PORT" default:"4443" desc:"local only: port of the in-process Cloud Storage stand-in (make ingest uploads there)"`
	Tick     time.Duration `envconfig:"LOCAL_SCHEDULER_TICK" default:"30s" desc:"local only: how often the local runner runs the scheduler (Cloud Scheduler's job)"`
	NoWorker bool          `envconfig:"LOCAL_NO_WORKER" default:"false" desc:"local only: do not run the report worker in process"`
	Baseline bool          `envconfig:"LOCAL_BENCH_BASELINE" default:"false" desc:"local only: serve make bench's yardstick for cached queries, a bare handler doing one Redis GET, at /debug/bench/redis-get"`
}

// DemoConfig sizes the generated demo data.
type DemoConfig struct {
	ComexRows int `envconfig:"DEMO_COMEX_ROWS" default:"0" desc:"local only: rows of the generated marts.comex_monthly when local seed fills an empty warehouse (0: the default 300000; make bench asks for 10 million)"`
}

// stack is the local process while it serves: its settings (each function
// loads its own), its logger, the functions, and the channel on which what
// runs beside the HTTP server reports that it failed.
type stack struct {
	cfg    ServeConfig
	local  LocalConfig
	pubsub pubsub.Config
	gcs    gcs.Config
	log    *slog.Logger
	fns    *functions
	errc   chan error
}

// base is this process's URL.
func (st *stack) base() string { return "http://127.0.0.1:" + st.cfg.Port }

func serve(ctx context.Context) error {
	st := &stack{errc: make(chan error, 3)}
	var tcfg telemetry.Config
	if err := config.Load(&st.cfg, &st.local, &st.pubsub, &st.gcs, &tcfg); err != nil {
		return err
	}
	// One process, one service name: the functions' own Setup calls then
	// find it done.
	var err error
	if st.log, err = lifecycle.Start(ctx, "mirante-local", tcfg, nil); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = telemetry.Shutdown(sctx)
	}()
	cloud, err := st.startCloud(ctx)
	if err != nil {
		return err
	}
	defer cloud.Close()
	rendererStatus, err := inProcessRenderer(st.local.NoWorker)
	if err != nil {
		return err
	}
	if st.fns, err = openFunctions(ctx, st.base(), rendererStatus); err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			_ = st.fns.close(context.Background())
		}
	}()
	closeRoutes, err := st.register(ctx)
	if err != nil {
		return err
	}
	defer closeRoutes()
	go func() { st.errc <- funcframework.StartHostPort("127.0.0.1", st.cfg.Port) }()
	wctx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	closeWorker, err := st.startWorker(ctx, wctx)
	if err != nil {
		return err
	}
	defer closeWorker()
	st.startRelay(wctx)
	st.startTicker(wctx)
	select {
	case err := <-st.errc:
		return fmt.Errorf("serving on 127.0.0.1:%s: %w", st.cfg.Port, err)
	case <-ctx.Done():
	}
	stopWorker()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	closed = true
	return st.fns.close(sctx)
}

// startCloud starts the cloud's stand-ins in this process; the functions'
// clients reach them through the environment.
func (st *stack) startCloud(ctx context.Context) (*localcloud.Cloud, error) {
	return localcloud.Start(ctx, localcloud.Params{
		StorageRoot: filepath.Join(st.local.DataDir, "gcs"),
		GCSPort:     st.local.GCSPort,
		Buckets:     []string{st.gcs.RawBucket, st.gcs.ReportsBucket},
		PubSub:      st.pubsub,
		// New raw files reach the ingest function as in the cloud: the
		// bucket's notification, the topic, the push subscription.
		RawBucket:      st.gcs.RawBucket,
		IngestPrefixes: ingest.ObjectPrefixes,
		Log:            st.log,
	})
}

// register mounts the functions and the local-only routes on the one
// port, and returns what closes the clients of those routes.
func (st *stack) register(ctx context.Context) (func(), error) {
	// Locally one process serves every function: the API at / (as Firebase
	// Hosting's rewrite does in production) and each function at /<Name>.
	if err := os.Unsetenv("FUNCTION_TARGET"); err != nil {
		return nil, err
	}
	fns := st.fns
	for path, h := range map[string]http.HandlerFunc{"/": fns.api.ServeHTTP, "/Ingest": fns.ingest.ServeHTTP,
		"/Scheduler": fns.scheduler.ServeHTTP, "/Dispatch": fns.dispatch.ServeHTTP} {
		if err := funcframework.RegisterHTTPFunctionContext(ctx, path, h); err != nil {
			return nil, err
		}
	}
	// The developer's view of what just happened, in Prometheus text. Local
	// only: the deployed binary never mounts it.
	metrics := telemetry.MetricsHandler()
	if err := funcframework.RegisterHTTPFunctionContext(ctx, "/debug/metrics", metrics.ServeHTTP); err != nil {
		return nil, err
	}
	// Profiles of the running stack (go tool pprof URL/debug/pprof/profile),
	// local only as well.
	for path, h := range map[string]http.HandlerFunc{"/debug/pprof/": pprof.Index, "/debug/pprof/profile": pprof.Profile} {
		if err := funcframework.RegisterHTTPFunctionContext(ctx, path, h); err != nil {
			return nil, err
		}
	}
	if !st.local.Baseline {
		return func() {}, nil
	}
	h, closeBaseline, err := benchBaseline()
	if err != nil {
		return nil, err
	}
	if err := funcframework.RegisterHTTPFunctionContext(ctx, "/debug/bench/redis-get", h); err != nil {
		closeBaseline()
		return nil, err
	}
	return closeBaseline, nil
}

// startWorker runs the report worker in process until wctx ends, unless
// LOCAL_NO_WORKER, and returns what closes its clients.
func (st *stack) startWorker(ctx, wctx context.Context) (func(), error) {
	if st.local.NoWorker {
		return func() {}, nil
	}
	wcfg, err := worker.LoadConfig()
	if err != nil {
		return nil, err
	}
	svc, err := worker.New(ctx, wcfg, duckdb.Engines, st.log)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := svc.Run(wctx, 0, 0); err != nil && wctx.Err() == nil {
			st.errc <- fmt.Errorf("report worker: %w", err)
		}
	}()
	return svc.Close, nil
}

// startRelay runs Pub/Sub's push subscription of the ingest topic, to the
// ingest function's endpoint, until wctx ends.
func (st *stack) startRelay(wctx context.Context) {
	relay := &localcloud.Relay{Project: st.pubsub.Project, Endpoint: st.base() + "/Ingest", MinBackoff: time.Second, MaxBackoff: 10 * time.Second, Log: st.log}
	go func() {
		if err := relay.Run(wctx); err != nil && wctx.Err() == nil {
			st.errc <- fmt.Errorf("push relay: %w", err)
		}
	}()
}

// startTicker runs the scheduler every LOCAL_SCHEDULER_TICK, as Cloud
// Scheduler's job does, until wctx ends.
func (st *stack) startTicker(wctx context.Context) {
	go func() {
		t := time.NewTicker(st.local.Tick)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
				if res, err := st.fns.scheduler.Tick(wctx); err != nil {
					st.log.Error("scheduler tick", "error", err.Error())
				} else if res.Due > 0 {
					st.log.Info("scheduler tick", "due", res.Due, "created", res.Created, "existing", res.Existing)
				}
			}
		}
	}()
}

// inProcessRenderer is the readiness of the report worker's renderer when
// the worker runs in this process (then /healthz says whether its programs
// are installed), nil otherwise.
func inProcessRenderer(noWorker bool) (func() string, error) {
	if noWorker {
		return nil, nil
	}
	wcfg, err := worker.LoadConfig()
	if err != nil {
		return nil, err
	}
	return render.New(wcfg.Render).Readiness, nil
}

// functions are the four functions of the local process, each built from
// its own configuration, loaded once, as the deployed binary builds one.
type functions struct {
	api       *api.Function
	ingest    *ingest.Function
	scheduler *scheduler.Function
	dispatch  *dispatch.Function
}

// openFunctions builds every function on the DuckDB warehouse. Where a
// function's configuration names this process (the tasks' target, the
// download URLs) and the environment does not set it, it is base.
func openFunctions(ctx context.Context, base string, rendererStatus func() string) (f *functions, err error) {
	f = &functions{}
	defer func() {
		if err != nil {
			_ = f.close(context.Background())
		}
	}()
	unset := func(name string) bool { v, ok := os.LookupEnv(name); return !ok || v == "" }
	icfg, err := ingest.LoadConfig()
	if err != nil {
		return nil, err
	}
	if f.ingest, err = ingest.New(ctx, icfg, ingest.Deps{Engines: duckdb.Engines}); err != nil {
		return nil, err
	}
	acfg, err := api.LoadConfig()
	if err != nil {
		return nil, err
	}
	if unset("PUBLIC_BASE_URL") {
		acfg.HTTP.PublicBaseURL = base
	}
	if f.api, err = api.New(ctx, acfg, api.Deps{Engines: duckdb.Engines, RendererStatus: rendererStatus}); err != nil {
		return nil, err
	}
	scfg, err := scheduler.LoadConfig()
	if err != nil {
		return nil, err
	}
	dcfg, err := dispatch.LoadConfig()
	if err != nil {
		return nil, err
	}
	if unset("DISPATCH_URL") {
		scfg.Tasks.DispatchURL = base + "/Dispatch"
		dcfg.Tasks.DispatchURL = base + "/Dispatch"
	}
	if f.scheduler, err = scheduler.New(ctx, scfg, scheduler.Deps{}); err != nil {
		return nil, err
	}
	if f.dispatch, err = dispatch.New(ctx, dcfg, dispatch.Deps{}); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *functions) close(ctx context.Context) error {
	var errs []error
	if f.api != nil {
		errs = append(errs, f.api.Close(ctx))
	}
	if f.scheduler != nil {
		errs = append(errs, f.scheduler.Close(ctx))
	}
	if f.dispatch != nil {
		errs = append(errs, f.dispatch.Close(ctx))
	}
	if f.ingest != nil {
		errs = append(errs, f.ingest.Close(ctx))
	}
	return errors.Join(errs...)
}

func provision(ctx context.Context) error {
	var cfg ProvisionConfig
	if err := config.Load(&cfg); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	p, err := postgres.Provision(ctx, postgres.ProvisionParams{
		AdminURL: cfg.AdminURL, Database: cfg.Database,
		OwnerPassword: cfg.OwnerPassword, AppPassword: cfg.AppPassword,
	})
	if err != nil {
		return err
	}
	// Shell assignments for scripts/dev to write into .data/stack.env.
	fmt.Printf("DATABASE_URL=%q\nAPP_DATABASE_URL=%q\n", p.OwnerURL, p.AppURL)
	return nil
}

func migrate(ctx context.Context) error {
	var cfg postgres.MigrateConfig
	if err := config.Load(&cfg); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	log := telemetry.NewLogger(os.Stdout, telemetry.Config{Level: "warn"})
	n, err := postgres.Migrate(ctx, cfg.URL, log)
	if err != nil {
		return err
	}
	slog.New(log.Handler()).Info("migrated", "applied", n)
	return nil
}

func seed(ctx context.Context) error {
	var (
		mcfg postgres.MigrateConfig
		fcfg firebase.Config
		dcfg DemoConfig
	)
	if err := config.Load(&mcfg, &fcfg, &dcfg); err != nil {
		return err
	}
	if !fcfg.Emulated() {
		return config.Errorf("FIREBASE_AUTH_EMULATOR_HOST", "the demo seed creates sign-in accounts and runs only against the Auth emulator")
	}
	if dcfg.ComexRows < 0 {
		return config.Errorf("DEMO_COMEX_ROWS", "must not be negative")
	}
	// A minute for the default size, and about a minute more per million
	// generated rows on a busy two-core machine.
	ctx, cancel := context.WithTimeout(ctx, time.Minute+time.Duration(dcfg.ComexRows/1_000_000)*time.Minute)
	defer cancel()
	admin, err := postgres.NewAdmin(ctx, mcfg.URL)
	if err != nil {
		return err
	}
	defer admin.Close()
	fb, err := firebase.New(ctx, fcfg)
	if err != nil {
		return err
	}
	orgs, err := demotenants.Seed(ctx, admin, fb)
	if err != nil {
		return err
	}
	if err := demotenants.SeedBoards(ctx, admin, orgs); err != nil {
		return err
	}
	return seedWarehouse(ctx, admin, orgs, dcfg.ComexRows)
}

// martSources maps each public mart to the source catalog entry that carries
// its watermark.
var martSources = map[string]string{
	"comex_monthly": "comex", "antaq_monthly": "antaq", "caged_monthly": "caged",
	"pib_municipal": "pib_municipal", "ipca_monthly": "ipca", "siconfi_annual": "siconfi",
}

// seedWarehouse fills an empty local warehouse with the generated demo data,
// marks it synthetic in the source catalog, and records each org's own data.
// A warehouse that holds anything (real files loaded later) is left alone.
func seedWarehouse(ctx context.Context, admin *postgres.Admin, orgs map[string]tenant.Org, comexRows int) error {
	var wcfg duckdb.Config
	if err := config.Load(&wcfg); err != nil {
		return err
	}
	wcfg.MemoryLimit = "" // generating millions of rows needs more than serving queries
	wh, err := duckdb.Open(ctx, wcfg)
	if err != nil {
		return err
	}
	defer wh.Close()
	empty, err := synthetic.Empty(ctx, wh.SQL())
	if err != nil || !empty {
		return err
	}
	var tenants []synthetic.Tenant
	for _, o := range demotenants.Orgs {
		org := orgs[o.Slug]
		tenants = append(tenants, synthetic.Tenant{OrgID: org.ID, Slug: org.Slug, Isolation: string(org.Isolation), Dataset: org.Dataset})
	}
	rep, err := synthetic.Fill(ctx, wh.SQL(), synthetic.Params{Tenants: tenants, Seed: 2026, ComexRows: comexRows, Schemas: wh})
	if err != nil {
		return fmt.Errorf("generating the demo data: %w", err)
	}
	for mart, source := range martSources {
		if err := admin.SetSourceWatermark(ctx, source, rep.Marts[mart].Watermark, true); err != nil {
			return err
		}
	}
	wm := rep.Marts["tenant_metrics"].Watermark
	for _, t := range rep.Tenants {
		if err := admin.SetTenantData(ctx, t.OrgID, "tenant_metrics", wm, t.Rows, true); err != nil {
			return err
		}
	}
	return nil
}

func probePG(ctx context.Context) error {
	var cfg ProvisionConfig
	if err := config.Load(&cfg); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, cfg.AdminURL)
	if err != nil {
		return errors.New("PostgreSQL does not answer or refuses the login")
	}
	defer conn.Close(context.Background())
	var can bool
	if err := conn.QueryRow(ctx, `select rolsuper or (rolcreaterole and rolcreatedb) from pg_roles where rolname = current_user`).Scan(&can); err != nil || !can {
		return errors.New("PostgreSQL answers, but this role may not create roles and databases")
	}
	return nil
}

func probeRedis(ctx context.Context) error {
	var cfg redis.Config
	if err := config.Load(&cfg); err != nil {
		return err
	}
	c, err := redis.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return c.Ping(ctx)
}
