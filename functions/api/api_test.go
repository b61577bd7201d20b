package api

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/demo"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/firebase/firebasetest"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
)

type bundle struct {
	srv *httptest.Server
}

// setupStack seeds a fresh database and the emulator with the demo tenants
// and serves the api function exactly as it is wired for production.
func setupStack(t *testing.T) bundle {
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
	if _, err := demo.Seed(ctx, admin, fb); err != nil {
		t.Fatal(err)
	}
	t.Setenv("APP_DATABASE_URL", db.AppURL)
	t.Setenv("FIREBASE_PROJECT_ID", "demo-mirante")
	h, closeFn, err := setup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); closeFn() })
	return bundle{srv: srv}
}

func (b bundle) get(t *testing.T, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestMeReturnsExactlyTheCallersOrgs(t *testing.T) {
	b := setupStack(t)
	for _, u := range demo.Users {
		t.Run(u.Email, func(t *testing.T) {
			resp, body := b.get(t, "/v1/me", firebasetest.SignIn(t, u.Email, demo.Password))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var me struct {
				User struct{ ID, Email, Locale string }
				Orgs []struct{ ID, Slug, Name, Role string }
			}
			if err := json.Unmarshal(body, &me); err != nil {
				t.Fatal(err)
			}
			if me.User.Email != u.Email || me.User.ID == "" || me.User.Locale != "pt-BR" {
				t.Errorf("user = %+v", me.User)
			}
			got := map[string]string{}
			for _, o := range me.Orgs {
				got[o.Slug] = o.Role
				if o.ID == "" || o.Name == "" {
					t.Errorf("org without id or name: %+v", o)
				}
			}
			want := map[string]string{}
			for slug, role := range u.Roles {
				want[slug] = string(role)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("orgs and roles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMeCreatesTheUserOnceOnFirstRequest(t *testing.T) {
	b := setupStack(t)
	tok := firebasetest.SignIn(t, "ana@porto-sul.demo", demo.Password)
	var ids []string
	for range 3 {
		resp, body := b.get(t, "/v1/me", tok)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var me struct{ User struct{ ID string } }
		_ = json.Unmarshal(body, &me)
		ids = append(ids, me.User.ID)
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("user ids across requests: %v, want one stable id", ids)
	}
}

func TestMeRefusesMissingAndForgedTokens(t *testing.T) {
	b := setupStack(t)
	cases := []struct{ name, header string }{
		{"no header", ""},
		{"not bearer", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
		{"empty bearer", "Bearer "},
		{"garbage", "Bearer not.a.token"},
		{"self-signed RS256 for a real user", "Bearer " + selfSigned(t, "demo-ana")},
		{"oversized", "Bearer " + strings.Repeat("a", 10<<10)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/v1/me", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", resp.StatusCode, body)
			}
			assertProblem(t, resp, body)
		})
	}
}

func TestHealthzAndUnknownRoutes(t *testing.T) {
	b := setupStack(t)
	resp, body := b.get(t, "/healthz", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	tok := firebasetest.SignIn(t, "bruno@agro-nordeste.demo", demo.Password)
	resp, body = b.get(t, "/v1/no-such-thing", tok)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown route: %d", resp.StatusCode)
	}
	assertProblem(t, resp, body)
	resp, body = b.get(t, "/nope", "")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown public route: %d", resp.StatusCode)
	}
	assertProblem(t, resp, body)
}

func TestTraceparentIsEchoedAsTraceID(t *testing.T) {
	b := setupStack(t)
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/healthz", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Trace-Id"); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("X-Trace-Id = %q, want the caller's trace id", got)
	}
	resp2, _ := b.get(t, "/healthz", "")
	if id := resp2.Header.Get("X-Trace-Id"); len(id) != 32 || id == "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("X-Trace-Id without traceparent = %q, want a fresh 32-hex id", id)
	}
}

// assertProblem checks an RFC 9457 body that leaks nothing internal.
func assertProblem(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body is not JSON: %s", body)
	}
	for _, k := range []string{"type", "title", "status", "detail"} {
		if _, ok := p[k]; !ok {
			t.Errorf("problem lacks %q: %s", k, body)
		}
	}
	if int(p["status"].(float64)) != resp.StatusCode {
		t.Errorf("problem status %v != HTTP status %d", p["status"], resp.StatusCode)
	}
	lower := strings.ToLower(string(body))
	for _, leak := range []string{"goroutine", ".go:", "select ", "pgx", "sqlstate", "firebase"} {
		if strings.Contains(lower, leak) {
			t.Errorf("problem leaks %q: %s", leak, body)
		}
	}
}

// selfSigned returns a well-formed ID token for uid signed with a key of our
// own: right audience, issuer and times, wrong signer.
func selfSigned(t *testing.T, uid string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now().Unix()
	claims := map[string]any{
		"iss": "https://securetoken.google.com/demo-mirante", "aud": "demo-mirante",
		"sub": uid, "user_id": uid, "iat": now, "exp": now + 3600, "auth_time": now,
		"email": "ana@porto-sul.demo",
	}
	signing := enc(map[string]string{"alg": "RS256", "kid": "forged", "typ": "JWT"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}
