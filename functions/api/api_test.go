package api

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/demotenants"
)

func TestMeReturnsExactlyTheCallersOrgs(t *testing.T) {
	b := setupStack(t)
	for _, u := range demotenants.Users {
		t.Run(u.Email, func(t *testing.T) {
			r := b.want(t, http.StatusOK, u.Email, "GET", "/v1/me", nil)
			body := r.body
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
	var ids []string
	for range 3 {
		r := b.want(t, http.StatusOK, "ana@porto-sul.demo", "GET", "/v1/me", nil)
		var me struct{ User struct{ ID string } }
		r.json(t, &me)
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
			assertProblem(t, response{status: resp.StatusCode, header: resp.Header, body: body})
		})
	}
}

func TestHealthzAndUnknownRoutes(t *testing.T) {
	b := setupStack(t)
	b.want(t, http.StatusOK, "", "GET", "/healthz", nil)
	for _, tc := range []struct{ who, method, path string }{
		{"bruno@agro-nordeste.demo", "GET", "/v1/no-such-thing"},
		{"", "GET", "/nope"},
		{"bruno@agro-nordeste.demo", "GET", "/v1/orgs/agro-nordeste/no-such-thing"},
	} {
		r := b.want(t, http.StatusNotFound, tc.who, tc.method, tc.path, nil)
		assertProblem(t, r)
	}
	r := b.want(t, http.StatusMethodNotAllowed, "bruno@agro-nordeste.demo", "PUT", "/v1/orgs/agro-nordeste/views", "{}")
	assertProblem(t, r)
	if r.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
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
	r := b.do(t, "", "GET", "/healthz", nil)
	if id := r.header.Get("X-Trace-Id"); len(id) != 32 || id == "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("X-Trace-Id without traceparent = %q, want a fresh 32-hex id", id)
	}
}

// assertProblem checks an RFC 9457 body that leaks nothing internal.
func assertProblem(t *testing.T, r response) {
	t.Helper()
	body := r.body
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
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
	if int(p["status"].(float64)) != r.status {
		t.Errorf("problem status %v != HTTP status %d", p["status"], r.status)
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
