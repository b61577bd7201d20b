// Package api is the api function: the REST surface of ../shared/API.md,
// deployed on Cloud Run with functions-framework-go.
package api

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	_ "github.com/mirante/mirante/shared/bigquery" // the production warehouse engine
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/warehouse"
)

func init() { functions.HTTP("API", Serve) }

var (
	once    sync.Once
	h       http.Handler
	closeFn func()
	herr    error
	drainer httpapi.Drainer
)

// Serve is the function's entry point; the first call sets it up.
func Serve(w http.ResponseWriter, r *http.Request) {
	once.Do(func() { h, closeFn, herr = setup(context.Background()) })
	if herr != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(w, r)
}

// Init sets the function up eagerly, so that a bad setting stops the process
// at start instead of failing the first request.
func Init(ctx context.Context) error {
	once.Do(func() { h, closeFn, herr = setup(ctx) })
	return herr
}

// Shutdown lets requests in flight finish, then closes the clients.
func Shutdown(ctx context.Context) error {
	err := drainer.Drain(ctx)
	if closeFn != nil {
		closeFn()
	}
	return err
}

// setup loads the configuration, opens the clients and returns the handler
// and a function that flushes and closes them.
func setup(ctx context.Context) (http.Handler, func(), error) {
	cfg, err := LoadConfig()
	if err != nil {
		return nil, nil, err
	}
	log := telemetry.NewLogger(os.Stdout, cfg.Log)
	catalog, err := semantic.LoadCatalog()
	if err != nil {
		return nil, nil, err
	}
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, nil, err
	}
	rdb, err := redis.New(cfg.Redis)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	fb, err := firebase.New(ctx, cfg.Firebase)
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, nil, err
	}
	engine, err := warehouse.Open(ctx, cfg.Query.Engine)
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, nil, err
	}
	tenants := redis.NewTenantCache(rdb, postgres.NewTenantResolver(db), cfg.Tenancy.CacheTTL, log)
	auditLog := postgres.NewAuditLog(db, postgres.AuditParams{FlushEvery: cfg.Tenancy.AuditFlush, Log: log})
	usage := postgres.NewUsageLog(db, time.Second, log)
	entitlements := postgres.NewEntitlementService(db, catalog.IsPublic)
	queries := &query.Service{
		Catalog:      catalog,
		Engine:       engine,
		Cache:        redis.NewQueryCache(rdb),
		Watermarks:   postgres.NewWatermarkService(db, cfg.Query.WatermarkTTL),
		Entitlements: entitlements,
		Usage:        usage,
		TTL:          cfg.Query.CacheTTL,
		Log:          log,
	}
	srv := &httpapi.Server{
		Users:        postgres.NewUserService(db),
		Verifier:     fb,
		Health:       db,
		Tenants:      tenants,
		Members:      postgres.NewMemberService(db, fb, tenants),
		Entitlements: entitlements,
		Query:        queries,
		Views:        postgres.NewViewService(db, catalog),
		Audit:        auditLog,
		Recorder:     auditLog,
		Cursors:      httpapi.NewCursors(cfg.HTTP.Secret()),
		Log:          log,
		MaxBody:      cfg.HTTP.MaxBodyBytes,
	}
	closeAll := func() {
		// The audit log flushes before the pool it writes to closes.
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := auditLog.Close(fctx); err != nil {
			log.Error("audit log", "error", err.Error())
		}
		if err := usage.Close(fctx); err != nil {
			log.Error("usage log", "error", err.Error())
		}
		engine.Close()
		rdb.Close()
		db.Close()
	}
	return drainer.Wrap(srv.Handler()), closeAll, nil
}
