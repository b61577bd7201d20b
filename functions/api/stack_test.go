package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/functions/dispatch"
	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/demotenants"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/firebase/firebasetest"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// bundle is one test's stack: a seeded database, the api function wired as in
// production, and a client that checks every response against the OpenAPI
// document.
type bundle struct {
	srv    *httptest.Server
	db     *pgtest.DB
	orgs   map[string]tenant.Org
	router routers.Router
	close  func()
	tokens map[string]string
	mu     sync.Mutex
}

// warehouseFixture loads a test's warehouse before the server opens it.
type warehouseFixture func(t *testing.T, db *duckdb.DB, admin *postgres.Admin, orgs map[string]tenant.Org)

// setupStack seeds a fresh database and the emulator with the demo tenants
// and serves the api function exactly as it is wired for production, on a
// DuckDB warehouse of its own (filled by fixture, when given).
func setupStack(t *testing.T, env ...string) *bundle {
	return setupStackWith(t, nil, env...)
}

func setupStackWith(t *testing.T, fixture warehouseFixture, env ...string) *bundle {
	t.Helper()
	ctx := context.Background()
	host := firebasetest.EmulatorHost(t)
	db := pgtest.New(t)
	admin, err := postgres.NewAdmin(ctx, db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	fb, err := firebase.New(ctx, firebase.Config{ProjectID: "demo-mirante", EmulatorHost: host, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := demotenants.Seed(ctx, admin, fb)
	if err != nil {
		t.Fatal(err)
	}
	whPath := filepath.Join(t.TempDir(), "warehouse.duckdb")
	wh, err := duckdb.Open(ctx, duckdb.Config{Path: whPath})
	if err != nil {
		t.Fatal(err)
	}
	if fixture != nil {
		fixture(t, wh, admin, orgs)
	}
	if err := wh.Close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("WAREHOUSE_ENGINE", "duckdb")
	t.Setenv("WAREHOUSE_PATH", whPath)
	t.Setenv("APP_DATABASE_URL", db.AppURL)
	t.Setenv("FIREBASE_PROJECT_ID", "demo-mirante")
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		t.Setenv("REDIS_URL", u)
	}
	// Tests of other features are not throttled; the rate-limit tests set
	// their own scale.
	t.Setenv("RATE_LIMIT_SCALE", "1000")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return serve(t, db, orgs)
}

// syncNotifier loads an upload before the upload request answers, so tests
// see its outcome at once.
type syncNotifier struct {
	t *testing.T
	h *ingest.Function
}

func (n syncNotifier) ObjectFinalized(ctx context.Context, bucket, name string) {
	if err := n.h.HandleObject(ctx, bucket, name); err != nil {
		n.t.Errorf("ingest of %s: %v", name, err)
	}
}

// engines are the warehouse engines the tests' functions may open.
var engines = warehouse.Engines{"duckdb": duckdb.OpenFromEnv, "bigquery": bigquery.OpenFromEnv}

// newIngest opens the ingest function from the test's environment; log, when
// not nil, replaces its logger.
func newIngest(t *testing.T, log *slog.Logger) *ingest.Function {
	t.Helper()
	cfg, err := ingest.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	h, err := ingest.New(context.Background(), cfg, ingest.Deps{Engines: engines, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	return h
}

// newDispatch opens the dispatch function from the test's environment.
func newDispatch(t *testing.T) *dispatch.Function {
	t.Helper()
	cfg, err := dispatch.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	f, err := dispatch.New(context.Background(), cfg, dispatch.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close(context.Background()) })
	return f
}

// reopen serves the same database again from a fresh process state, as a
// restarted instance would.
func reopen(t *testing.T, old *bundle) *bundle {
	t.Helper()
	return serve(t, old.db, old.orgs)
}

func serve(t *testing.T, db *pgtest.DB, orgs map[string]tenant.Org) *bundle {
	t.Helper()
	// Uploads reach the ingest function in process, before the upload
	// request answers, so that tests see their outcome at once.
	ingester := newIngest(t, nil)
	// The server's address is known before setup, so that download URLs,
	// which are absolute, point at it.
	srv := httptest.NewUnstartedServer(nil)
	t.Setenv("PUBLIC_BASE_URL", "http://"+srv.Listener.Addr().String())
	cfg, err := LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	fn, err := New(context.Background(), cfg, Deps{Engines: engines, Notifier: syncNotifier{t: t, h: ingester}})
	if err != nil {
		t.Fatal(err)
	}
	closeFn := func() { _ = fn.Close(context.Background()) }
	srv.Config.Handler = fn
	srv.Start()
	b := &bundle{srv: srv, db: db, orgs: orgs, tokens: map[string]string{}}
	var once sync.Once
	b.close = func() { once.Do(func() { srv.Close(); closeFn() }) }
	t.Cleanup(b.close)

	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	if b.router, err = gorillamux.NewRouter(doc); err != nil {
		t.Fatal(err)
	}
	return b
}

// token signs a demo user in once per test.
func (b *bundle) token(t *testing.T, email string) string {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if tok, ok := b.tokens[email]; ok {
		return tok
	}
	tok := firebasetest.SignIn(t, email, demotenants.Password)
	b.tokens[email] = tok
	return tok
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, r.body)
	}
}

// problemField returns the first errors[].field of a problem response.
func (r response) problemField() string {
	var p struct {
		Errors []struct{ Field string }
	}
	_ = json.Unmarshal(r.body, &p)
	if len(p.Errors) == 0 {
		return ""
	}
	return p.Errors[0].Field
}

// do sends a request as the user (email "" for none), validates the response
// against the OpenAPI document, and returns it. body may be a string of raw
// JSON or any value to encode.
func (b *bundle) do(t *testing.T, email, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		enc, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, b.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if email != "" {
		req.Header.Set("Authorization", "Bearer "+b.token(t, email))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, body: out}
	b.validate(t, req, r)
	return r
}

// validate checks a response against the OpenAPI document: a documented
// route must answer as documented, and no undocumented route may succeed.
func (b *bundle) validate(t *testing.T, req *http.Request, r response) {
	t.Helper()
	route, params, err := b.router.FindRoute(req)
	if err != nil {
		if r.status < 400 {
			t.Errorf("%s %s answered %d but is not in the OpenAPI document", req.Method, req.URL.Path, r.status)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.status,
		Header:                 r.header,
		Body:                   io.NopCloser(bytes.NewReader(r.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: the %d response does not match the OpenAPI document: %v\n%s", req.Method, req.URL.Path, r.status, err, r.body)
	}
}

// want asserts a status and returns the response.
func (b *bundle) want(t *testing.T, status int, email, method, path string, body any, headers ...string) response {
	t.Helper()
	r := b.do(t, email, method, path, body, headers...)
	if r.status != status {
		t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, email, r.status, status, r.body)
	}
	return r
}

// asOwner runs fn in a transaction of the schema owner with the org set, for
// checks that look past the API.
func (b *bundle) asOwner(t *testing.T, org string, fn func(pgx.Tx) error) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true)`, b.orgs[org].ID); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// comexView is a valid view config for orgs entitled to comex_monthly.
const comexConfig = `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","month"],"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2023-01","to":"2023-12","grain":"month"}}`

// createView saves a view and returns its id.
func (b *bundle) createView(t *testing.T, email, org, name, visibility string) string {
	t.Helper()
	r := b.want(t, http.StatusCreated, email, "POST", "/v1/orgs/"+org+"/views",
		`{"name":`+jsonString(name)+`,"visibility":"`+visibility+`","config":`+comexConfig+`}`)
	var v struct{ ID string }
	r.json(t, &v)
	return v.ID
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
