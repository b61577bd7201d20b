package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/dashboards"
	"github.com/mirante/mirante/shared/ratelimit"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/sources"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
	"github.com/mirante/mirante/shared/views"
)

// Verifier checks an ID token and says whose it is.
type Verifier interface {
	Verify(ctx context.Context, idToken string) (tenant.Identity, error)
}

// Pinger checks a dependency that must answer for the process to serve.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server holds the services the handlers call.
type Server struct {
	Users          tenant.UserService
	Verifier       Verifier
	Health         Pinger
	Tenants        tenant.Resolver
	Members        tenant.MemberService
	Invites        tenant.InviteService
	Entitlements   tenant.EntitlementService
	Views          views.ViewService
	Dashboards     dashboards.Service
	Audit          audit.Service
	Query          QueryService
	Reports        reports.Service
	Schedules      reports.ScheduleService
	ReportFiles    ReportFiles
	ReportVerifier ReportVerifier
	Uploads        UploadIntake
	Sources        sources.Catalog
	// Catalog names the public datasets an admin may entitle the org to.
	Catalog *semantic.Catalog
	// Usage reads an org's consumption against its plan.
	Usage billing.UsageReader
	// Limiter spends rate-limit budgets; nil: no rate limits.
	Limiter ratelimit.Limiter
	// OnRateLimited and OnLimiterDown, when set, count refusals and
	// limiter outages (metrics).
	OnRateLimited func(ctx context.Context, b ratelimit.Bucket)
	OnLimiterDown func(ctx context.Context, b ratelimit.Bucket)
	UploadRecords uploads.Service
	// Files serves local signed download URLs; nil in production, where
	// Cloud Storage serves V4 signed URLs itself.
	Files    http.Handler
	Recorder audit.Recorder
	Cursors  *Cursors
	Log      *slog.Logger
	// MaxBody bounds request bodies; DefaultMaxBody when zero.
	MaxBody int64
	// CORSOrigins may call the API from a browser on another origin.
	CORSOrigins []string
	// RequestTimeout bounds each request's work (0: none).
	RequestTimeout time.Duration

	// RendererStatus, set where this process renders or dispatches reports,
	// is /healthz's renderer detail: "ready" or "missing: <programs>".
	RendererStatus func() string

	specs specMemo
	// uploading holds a slot per upload being read and parsed (see
	// UploadSlots).
	uploading     chan struct{}
	uploadingOnce sync.Once
}

// Handler returns the API with its middleware in one visible order: recover,
// trace, access log, security headers, CORS, the request deadline, the
// refusal of paths and queries that are not clean text, then (for /v1)
// authentication, then the route.
func (s *Server) Handler() http.Handler {
	public := http.NewServeMux()
	public.HandleFunc("GET /healthz", s.handleHealth)
	public.HandleFunc("GET /v1/openapi.json", handleOpenAPI)
	if s.Files != nil {
		public.Handle("GET /files/", s.Files)
	}

	v1 := http.NewServeMux()
	v1.HandleFunc("GET /v1/me", s.handleMe)
	v1.HandleFunc("GET /v1/sources", s.handleSources)
	v1.HandleFunc("POST /v1/invites/accept", s.handleAcceptInvite)
	s.orgRoutes(v1)

	root := http.NewServeMux()
	root.Handle("/", routed(public))
	root.Handle("GET /v1/openapi.json", routed(public))
	root.Handle("/v1/", s.authenticate(routed(v1)))
	return chain(root, recoverer(s.Log), traced, accessLog(s.Log), secureHeaders, corsHeaders(s.CORSOrigins), deadline(s.RequestTimeout), wellFormedURL)
}

// methods are those probed for the Allow header of a 405. HEAD is left out:
// the mux answers it wherever GET is served.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// routed serves mux, but answers unknown paths and methods with problem+json
// (the stock mux writes plain text) and records the matched route pattern.
func routed(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			telemetry.Info(r.Context()).Route = pattern
			mux.ServeHTTP(w, r) // (not the handler itself: ServeHTTP sets the path values)
			return
		}
		var allowed []string
		for _, m := range methods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) == 0 {
			Error(w, r, apperr.Errorf(apperr.NotFound, "no such route: %s", r.URL.Path))
			return
		}
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		Error(w, r, &apperr.Error{Code: methodNotAllowed, Message: r.Method + " is not allowed here"})
	})
}

// methodNotAllowed is a routing-only code: services never return it.
const methodNotAllowed apperr.Code = "method_not_allowed"

func init() { statusOf[methodNotAllowed] = http.StatusMethodNotAllowed }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Health.Ping(ctx); err != nil {
		Error(w, r, apperr.Errorf(apperr.Unavailable, "database unavailable"))
		return
	}
	body := map[string]string{"status": "ok"}
	// A missing renderer is a detail, not a failure: the API still serves.
	if s.RendererStatus != nil {
		body["renderer"] = s.RendererStatus()
	}
	JSON(w, http.StatusOK, body)
}

type meUser struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Locale string `json:"locale"`
}

type meOrg struct {
	ID   string      `json:"id"`
	Slug string      `json:"slug"`
	Name string      `json:"name"`
	Role tenant.Role `json:"role"`
}

type meResponse struct {
	User meUser  `json:"user"`
	Orgs []meOrg `json:"orgs"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u, _ := tenant.UserFromContext(r.Context())
	ms, err := s.Users.FindMemberships(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	resp := meResponse{User: meUser{ID: u.ID, Email: u.Email, Locale: u.Locale}, Orgs: []meOrg{}}
	for _, m := range ms {
		resp.Orgs = append(resp.Orgs, meOrg{ID: m.Org.ID, Slug: m.Org.Slug, Name: m.Org.Name, Role: m.Role})
	}
	JSON(w, http.StatusOK, resp)
}
