package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// Hand-written fakes for failure paths that real services do not produce on
// demand: a database error carrying SQL, and a panic.
type fakeUsers struct {
	ensureFunc      func(context.Context, tenant.Identity) (tenant.User, error)
	membershipsFunc func(context.Context) ([]tenant.Membership, error)
}

func (f fakeUsers) EnsureUser(ctx context.Context, id tenant.Identity) (tenant.User, error) {
	return f.ensureFunc(ctx, id)
}

func (f fakeUsers) FindMemberships(ctx context.Context) ([]tenant.Membership, error) {
	return f.membershipsFunc(ctx)
}

type fakeVerifier struct{}

func (fakeVerifier) Verify(_ context.Context, tok string) (tenant.Identity, error) {
	if tok != "good" {
		return tenant.Identity{}, apperr.Errorf(apperr.Unauthorized, "invalid token")
	}
	return tenant.Identity{FirebaseUID: "u1", Email: "secret.person@example.com"}, nil
}

type fakePing struct{ err error }

func (f fakePing) Ping(context.Context) error { return f.err }

func newTestServer(users fakeUsers, logs io.Writer) http.Handler {
	if users.ensureFunc == nil {
		users.ensureFunc = func(context.Context, tenant.Identity) (tenant.User, error) {
			return tenant.User{ID: "user-1", Email: "secret.person@example.com", Locale: "en"}, nil
		}
	}
	s := &Server{Users: users, Verifier: fakeVerifier{}, Health: fakePing{}, Log: slog.New(slog.NewJSONHandler(logs, nil))}
	return s.Handler()
}

func do(t *testing.T, h http.Handler, method, path, token string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return rec, body
}

func TestInternalErrorsShowNothingInternal(t *testing.T) {
	var logs bytes.Buffer
	h := newTestServer(fakeUsers{membershipsFunc: func(context.Context) ([]tenant.Membership, error) {
		return nil, errors.New(`finding memberships: ERROR: relation "memberships" does not exist (SQLSTATE 42P01) in select o.id from memberships`)
	}}, &logs)
	rec, body := do(t, h, http.MethodGet, "/v1/me", "good")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if body["detail"] != "internal error" || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("body %s, content type %q", rec.Body, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), "SQLSTATE") || strings.Contains(rec.Body.String(), "select") {
		t.Fatalf("the response leaks internals: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "SQLSTATE 42P01") {
		t.Fatalf("the full error was not logged: %s", logs.String())
	}
}

func TestPanicsBecomeProblems(t *testing.T) {
	var logs bytes.Buffer
	h := newTestServer(fakeUsers{membershipsFunc: func(context.Context) ([]tenant.Membership, error) {
		panic("nil map in handler")
	}}, &logs)
	rec, body := do(t, h, http.MethodGet, "/v1/me", "good")
	if rec.Code != http.StatusInternalServerError || body["type"] != "urn:mirante:problem:internal" {
		t.Fatalf("status %d body %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "nil map") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("the response leaks the panic: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "nil map in handler") || !strings.Contains(logs.String(), "goroutine") {
		t.Fatalf("the panic and its stack were not logged: %s", logs.String())
	}
}

func TestCodedErrorsMapToStatuses(t *testing.T) {
	cases := []struct {
		err    error
		status int
	}{
		{apperr.Invalidf("limit", "must be at most 500"), 400},
		{apperr.Errorf(apperr.Unauthorized, "x"), 401},
		{apperr.Errorf(apperr.Forbidden, "x"), 403},
		{apperr.Errorf(apperr.NotFound, "x"), 404},
		{apperr.Errorf(apperr.Conflict, "x"), 409},
		{apperr.Errorf(apperr.Precondition, "x"), 412},
		{apperr.Errorf(apperr.RateLimited, "x"), 429},
		{apperr.Errorf(apperr.Unavailable, "x"), 503},
		{errors.New("plain"), 500},
		{&apperr.Error{Code: apperr.RateLimited, Message: "x", Details: map[string]any{"bytes_left": 12, "status": 999}}, 429},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		Error(rec, httptest.NewRequest(http.MethodGet, "/", nil), tc.err)
		if rec.Code != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, rec.Code, tc.status)
		}
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if int(p["status"].(float64)) != tc.status {
			t.Errorf("%v: problem status %v, extensions must not override it", tc.err, p["status"])
		}
		if e, ok := apperr.As(tc.err); ok && e.Details != nil && p["bytes_left"] != float64(12) {
			t.Errorf("extension member missing: %s", rec.Body)
		}
		if e, ok := apperr.As(tc.err); ok && len(e.Fields) > 0 {
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != "limit" {
				t.Errorf("validation problem lacks errors[].field: %s", rec.Body)
			}
		}
	}
}

func TestHealthzReportsDatabaseOutage(t *testing.T) {
	s := &Server{Users: fakeUsers{}, Verifier: fakeVerifier{}, Health: fakePing{err: errors.New("down")}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	rec, body := do(t, s.Handler(), http.MethodGet, "/healthz", "")
	if rec.Code != http.StatusServiceUnavailable || body["type"] != "urn:mirante:problem:unavailable" {
		t.Fatalf("status %d body %s", rec.Code, rec.Body)
	}
}

func TestAccessLogHoldsNoEmailOrToken(t *testing.T) {
	var logs bytes.Buffer
	h := newTestServer(fakeUsers{membershipsFunc: func(context.Context) ([]tenant.Membership, error) { return nil, nil }}, &logs)
	rec, _ := do(t, h, http.MethodGet, "/v1/me", "good")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if !strings.Contains(logs.String(), `"user_id":"user-1"`) || !strings.Contains(logs.String(), `"route":"GET /v1/me"`) {
		t.Fatalf("access log lacks the opaque user id or route: %s", logs.String())
	}
	if strings.Contains(logs.String(), "secret.person") || strings.Contains(logs.String(), "good") {
		t.Fatalf("access log holds an e-mail or a token: %s", logs.String())
	}
}
