package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/mirante/mirante/quarto-job/templates"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/runjob"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
	"github.com/mirante/mirante/shared/warehouse"
)

// clients are the connections the api function opens, in this order.
type clients struct {
	log     *slog.Logger
	catalog *semantic.Catalog
	db      *postgres.DB
	rdb     *redis.Client
	fb      *firebase.Client
	engine  warehouse.Engine
	store   *gcs.Store
	pub     *pubsub.Client
	starter *runjob.Starter
}

// build opens the clients and returns the handler and a function that
// flushes and closes them.
func build(ctx context.Context, cfg Config, deps Deps) (_ http.Handler, _ func(), err error) {
	var closers lifecycle.Closers
	defer func() {
		if err != nil {
			closers.Close()
		}
	}()
	c, err := openClients(ctx, cfg, deps, &closers)
	if err != nil {
		return nil, nil, err
	}
	srv := newServer(c, cfg, deps, &closers)
	if cfg.Runtime.Production() {
		srv.ReportFiles = signedFiles{store: c.store, bucket: cfg.Storage.ReportsBucket}
	} else {
		urls := &httpapi.FileURLs{Secret: cfg.HTTP.DownloadKey(), BaseURL: cfg.HTTP.PublicBaseURL, TTL: cfg.Storage.SignedURLTTL}
		srv.ReportFiles = localFiles{urls: urls, store: c.store, bucket: cfg.Storage.ReportsBucket}
		srv.Files = &httpapi.FileServer{URLs: urls, Store: c.store, Bucket: cfg.Storage.ReportsBucket}
	}
	return srv.Handler(), closers.Close, nil
}

// openClients sets up telemetry and opens every client, each added to
// closers as it opens.
func openClients(ctx context.Context, cfg Config, deps Deps, closers *lifecycle.Closers) (*clients, error) {
	var c clients
	var err error
	if c.log, err = lifecycle.Start(ctx, "api", cfg.Log, deps.Log); err != nil {
		return nil, err
	}
	if c.catalog, err = semantic.LoadCatalog(); err != nil {
		return nil, err
	}
	if c.db, err = postgres.New(ctx, cfg.Postgres); err != nil {
		return nil, err
	}
	closers.Add(c.db.Close)
	if c.rdb, err = redis.New(cfg.Redis); err != nil {
		return nil, err
	}
	closers.Add(func() { c.rdb.Close() })
	if c.fb, err = firebase.New(ctx, cfg.Firebase); err != nil {
		return nil, err
	}
	if c.engine, err = deps.Engines.Open(ctx, cfg.Query.Engine); err != nil {
		return nil, err
	}
	closers.Add(func() { c.engine.Close() })
	if c.store, err = gcs.New(ctx, cfg.Storage); err != nil {
		return nil, err
	}
	closers.Add(func() { c.store.Close() })
	if c.pub, err = pubsub.New(ctx, cfg.PubSub); err != nil {
		return nil, err
	}
	closers.Add(func() { c.pub.Close() })
	if c.starter, err = runjob.New(ctx, cfg.RunJob, c.log); err != nil {
		return nil, err
	}
	closers.Add(c.starter.Wait)
	return &c, nil
}

// newServer builds the API's services on the clients. The audit and usage
// logs it starts are added to closers, so they flush before the pool they
// write to closes.
func newServer(c *clients, cfg Config, deps Deps, closers *lifecycle.Closers) *httpapi.Server {
	db, log := c.db, c.log
	tenants := redis.NewTenantCache(c.rdb, postgres.NewTenantResolver(db), cfg.Tenancy.CacheTTL, log)
	auditLog := postgres.NewAuditLog(db, postgres.AuditParams{FlushEvery: cfg.Tenancy.AuditFlush, Log: log})
	usage := postgres.NewUsageLog(db, time.Second, log)
	closers.Add(func() {
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := auditLog.Close(fctx); err != nil {
			log.Error("audit log", "error", err.Error())
		}
		if err := usage.Close(fctx); err != nil {
			log.Error("usage log", "error", err.Error())
		}
	})
	entitlements := postgres.NewEntitlementService(db, c.catalog.IsPublic)
	plans := postgres.NewPlanService(db)
	budgets := postgres.NewBudgetService(db, plans, usage)
	reportStore := postgres.NewReportService(db, c.catalog)
	reportSvc := &reports.Orderer{Store: reportStore, Templates: templates.Embedded{}, Publisher: runjob.Kicking(c.pub, c.starter), Log: log}
	uploadRecords := postgres.NewUploadService(db)
	querySvc := &query.Service{
		Catalog: c.catalog, Engine: c.engine, Cache: redis.NewQueryCache(c.rdb, int64(cfg.Query.NearCacheMB)<<20),
		Watermarks:   postgres.NewWatermarkService(db, cfg.Query.WatermarkTTL),
		Entitlements: entitlements, Usage: usage, TTL: cfg.Query.CacheTTL, Log: log,
		Budgets: budgets,
	}
	closers.Add(querySvc.WaitCacheWrites) // before Redis closes
	return &httpapi.Server{
		Users:        postgres.NewUserService(db),
		Verifier:     c.fb,
		Health:       db,
		Tenants:      tenants,
		Members:      postgres.NewMemberService(db, c.fb, tenants),
		Invites:      postgres.NewInviteService(db, tenants),
		Entitlements: entitlements,
		Query:        querySvc,
		Limiter:      redis.NewRateLimiter(c.rdb, plans, cfg.Limits.Scale),
		Usage:        budgets,
		OnLimiterDown: func(ctx context.Context, b ratelimit.Bucket) {
			t, _ := tenant.FromContext(ctx)
			telemetry.RateLimited(ctx, t.Org.ID, string(b)+"_limiter_down")
		},
		OnRateLimited:  rateLimited,
		Views:          postgres.NewViewService(db, c.catalog),
		Catalog:        c.catalog,
		Dashboards:     postgres.NewDashboardService(db),
		Audit:          auditLog,
		Recorder:       auditLog,
		Reports:        reportSvc,
		Schedules:      postgres.NewScheduleService(db, templates.Embedded{}),
		ReportVerifier: newVerifier(reportStore, c.store, cfg.Storage.ReportsBucket),
		UploadRecords:  uploadRecords,
		Uploads: &uploads.Intake{
			Put: func(ctx context.Context, bucket, name string, r io.Reader, ct string) error {
				_, err := c.store.Put(ctx, bucket, name, r, ct)
				return err
			},
			Bucket: cfg.Storage.RawBucket, Uploads: uploadRecords, Notifier: deps.Notifier,
		},
		Sources:        postgres.NewSourceService(db),
		Cursors:        httpapi.NewCursors(cfg.HTTP.Secret()),
		Log:            log,
		MaxBody:        cfg.HTTP.MaxBodyBytes,
		CORSOrigins:    cfg.HTTP.CORSOrigins,
		RequestTimeout: cfg.HTTP.RequestTimeout,
		RendererStatus: deps.RendererStatus,
	}
}

// downloadName names a report's file by the org in ctx, its view and period.
func downloadName(ctx context.Context, r *reports.Report) string {
	t, _ := tenant.FromContext(ctx)
	return reports.DownloadName(t.Org.Slug, r)
}

// signedFiles gives V4 signed Cloud Storage URLs.
type signedFiles struct {
	store  *gcs.Store
	bucket string
}

func (f signedFiles) DownloadURL(ctx context.Context, r *reports.Report) (string, error) {
	return f.store.SignedURL(f.bucket, r.ObjectName, downloadName(ctx, r))
}

// RemoveFile deletes a report's file; a missing one succeeds.
func (f signedFiles) RemoveFile(ctx context.Context, object string) error {
	return f.store.Delete(ctx, f.bucket, object)
}

// localFiles gives URLs the local API signs and serves itself, over the same
// bucket production uses.
type localFiles struct {
	urls   *httpapi.FileURLs
	store  *gcs.Store
	bucket string
}

func (f localFiles) DownloadURL(ctx context.Context, r *reports.Report) (string, error) {
	return f.urls.URL(r.ObjectName, downloadName(ctx, r)), nil
}

// RemoveFile deletes a report's file; a missing one succeeds.
func (f localFiles) RemoveFile(ctx context.Context, object string) error {
	return f.store.Delete(ctx, f.bucket, object)
}

// rateLimited counts a refusal for the org in ctx: org ids label metrics, user
// ids never do.
func rateLimited(ctx context.Context, b ratelimit.Bucket) {
	var org string
	if t, ok := tenant.FromContext(ctx); ok {
		org = t.Org.ID
	}
	telemetry.RateLimited(ctx, org, string(b))
}
