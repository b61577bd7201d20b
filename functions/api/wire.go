package api

import (
	"context"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mirante/mirante/quarto-job/templates"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/httpapi"
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
)

// build opens the clients and returns the handler and a function that
// flushes and closes them.
func build(ctx context.Context, cfg Config, deps Deps) (_ http.Handler, _ func(), err error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	log := deps.Log
	if log == nil {
		log = telemetry.NewLogger(os.Stdout, cfg.Log)
	}
	if err := telemetry.Setup(ctx, cfg.Log, "api"); err != nil {
		return nil, nil, err
	}
	catalog, err := semantic.LoadCatalog()
	if err != nil {
		return nil, nil, err
	}
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, db.Close)
	rdb, err := redis.New(cfg.Redis)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, func() { rdb.Close() })
	fb, err := firebase.New(ctx, cfg.Firebase)
	if err != nil {
		return nil, nil, err
	}
	engine, err := deps.Engines.Open(ctx, cfg.Query.Engine)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, func() { engine.Close() })
	store, err := gcs.New(ctx, cfg.Storage)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, func() { store.Close() })
	pub, err := pubsub.New(ctx, cfg.PubSub)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, func() { pub.Close() })
	starter, err := runjob.New(ctx, cfg.RunJob, log)
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, starter.Wait)

	tenants := redis.NewTenantCache(rdb, postgres.NewTenantResolver(db), cfg.Tenancy.CacheTTL, log)
	auditLog := postgres.NewAuditLog(db, postgres.AuditParams{FlushEvery: cfg.Tenancy.AuditFlush, Log: log})
	usage := postgres.NewUsageLog(db, time.Second, log)
	closers = append(closers, func() {
		// The logs flush before the pool they write to closes.
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := auditLog.Close(fctx); err != nil {
			log.Error("audit log", "error", err.Error())
		}
		if err := usage.Close(fctx); err != nil {
			log.Error("usage log", "error", err.Error())
		}
	})
	entitlements := postgres.NewEntitlementService(db, catalog.IsPublic)
	plans := postgres.NewPlanService(db)
	budgets := postgres.NewBudgetService(db, plans, usage)
	reportStore := postgres.NewReportService(db, catalog)
	reportSvc := &reports.Orderer{Store: reportStore, Templates: templates.Embedded{}, Publisher: runjob.Kicking(pub, starter), Log: log}
	uploadRecords := postgres.NewUploadService(db)
	srv := &httpapi.Server{
		Users:        postgres.NewUserService(db),
		Verifier:     fb,
		Health:       db,
		Tenants:      tenants,
		Members:      postgres.NewMemberService(db, fb, tenants),
		Invites:      postgres.NewInviteService(db, tenants),
		Entitlements: entitlements,
		Query: &query.Service{
			Catalog: catalog, Engine: engine, Cache: redis.NewQueryCache(rdb, int64(cfg.Query.NearCacheMB)<<20),
			Watermarks:   postgres.NewWatermarkService(db, cfg.Query.WatermarkTTL),
			Entitlements: entitlements, Usage: usage, TTL: cfg.Query.CacheTTL, Log: log,
			Budgets: budgets,
		},
		Limiter: redis.NewRateLimiter(rdb, plans, cfg.Limits.Scale),
		Usage:   budgets,
		OnLimiterDown: func(ctx context.Context, b ratelimit.Bucket) {
			t, _ := tenant.FromContext(ctx)
			telemetry.RateLimited(ctx, t.Org.ID, string(b)+"_limiter_down")
		},
		OnRateLimited:  rateLimited,
		Views:          postgres.NewViewService(db, catalog),
		Catalog:        catalog,
		Dashboards:     postgres.NewDashboardService(db),
		Audit:          auditLog,
		Recorder:       auditLog,
		Reports:        reportSvc,
		Schedules:      postgres.NewScheduleService(db, templates.Embedded{}),
		ReportVerifier: newVerifier(reportStore, store, cfg.Storage.ReportsBucket),
		UploadRecords:  uploadRecords,
		Uploads: &uploads.Intake{
			Put: func(ctx context.Context, bucket, name string, r io.Reader, ct string) error {
				_, err := store.Put(ctx, bucket, name, r, ct)
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
	}
	srv.RendererStatus = deps.RendererStatus
	if cfg.Runtime.Production() {
		srv.ReportFiles = signedFiles{store: store, bucket: cfg.Storage.ReportsBucket}
	} else {
		urls := &httpapi.FileURLs{Secret: cfg.HTTP.DownloadKey(), BaseURL: cfg.HTTP.PublicBaseURL, TTL: cfg.Storage.SignedURLTTL}
		srv.ReportFiles = localFiles{urls: urls, store: store, bucket: cfg.Storage.ReportsBucket}
		srv.Files = &httpapi.FileServer{URLs: urls, Store: store, Bucket: cfg.Storage.ReportsBucket}
	}
	return srv.Handler(), closeAll, nil
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
