package firebase

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mirante/mirante/shared/apperr"
)

// keyServer publishes one RSA key's certificate under kid "k1", as Google
// publishes Firebase's signing keys.
type keyServer struct {
	key     *rsa.PrivateKey
	srv     *httptest.Server
	fetches atomic.Int32
	down    atomic.Bool
}

func newKeyServer(t *testing.T) *keyServer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "securetoken"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"k1": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))})
	ks := &keyServer{key: key}
	ks.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.fetches.Add(1)
		if ks.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(body)
	}))
	t.Cleanup(ks.srv.Close)
	return ks
}

func goodClaims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": "https://securetoken.google.com/mirante-prod", "aud": "mirante-prod",
		"sub": "uid-1", "user_id": "uid-1", "email": "ana@example.com",
		"iat": now.Add(-time.Minute).Unix(), "auth_time": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

func (ks *keyServer) sign(t *testing.T, claims jwt.MapClaims, kid string, key *rsa.PrivateKey) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for kk, vv := range c {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestProductionTokenVerification(t *testing.T) {
	ks := newKeyServer(t)
	v := newTokenVerifier("mirante-prod", ks.srv.URL, 2*time.Second)
	ctx := context.Background()

	id, iat, err := v.verify(ctx, ks.sign(t, goodClaims(), "k1", ks.key))
	if err != nil || id.FirebaseUID != "uid-1" || id.Email != "ana@example.com" || time.Since(iat) > 2*time.Minute {
		t.Fatalf("a good token: %+v %v %v", id, iat, err)
	}

	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	b64 := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	// HS256 signed with the public key's bytes: the classic algorithm
	// confusion; the verifier must not treat an RSA key as an HMAC secret.
	pub := x509.MarshalPKCS1PublicKey(&ks.key.PublicKey)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, goodClaims())
	hs.Header["kid"] = "k1"
	hsTok, _ := hs.SignedString(pub)

	cases := map[string]refusal{
		"expired":                   {ks.sign(t, with(goodClaims(), "exp", time.Now().Add(-time.Hour).Unix()), "k1", ks.key), "token expired"},
		"no expiry":                 {ks.sign(t, with(goodClaims(), "exp", nil), "k1", ks.key), "invalid token"},
		"another project":           {ks.sign(t, with(goodClaims(), "aud", "someone-else"), "k1", ks.key), "invalid token"},
		"another issuer":            {ks.sign(t, with(goodClaims(), "iss", "https://securetoken.google.com/someone-else"), "k1", ks.key), "invalid token"},
		"issued in the future":      {ks.sign(t, with(goodClaims(), "iat", time.Now().Add(time.Hour).Unix()), "k1", ks.key), "invalid token"},
		"auth in the future":        {ks.sign(t, with(goodClaims(), "auth_time", time.Now().Add(time.Hour).Unix()), "k1", ks.key), "invalid token"},
		"no subject":                {ks.sign(t, with(goodClaims(), "sub", ""), "k1", ks.key), "invalid token"},
		"another key, same kid":     {ks.sign(t, goodClaims(), "k1", other), "invalid token"},
		"unknown kid":               {ks.sign(t, goodClaims(), "k9", ks.key), "invalid token"},
		"alg none":                  {b64(map[string]string{"alg": "none", "kid": "k1"}) + "." + b64(goodClaims()) + ".", "invalid token"},
		"HS256 with the public key": {hsTok, "invalid token"},
		"garbage":                   {"not.a.token", "invalid token"},
	}
	assertRefused(t, v, cases)
	// The key set is fetched once and cached, and unknown kids do not make
	// every request refetch it.
	if n := ks.fetches.Load(); n > 2 {
		t.Errorf("the key set was fetched %d times", n)
	}
}

func TestKeyOutageIsUnavailableNotUnauthorized(t *testing.T) {
	ks := newKeyServer(t)
	ks.down.Store(true)
	v := newTokenVerifier("mirante-prod", ks.srv.URL, 2*time.Second)
	_, _, err := v.verify(context.Background(), ks.sign(t, goodClaims(), "k1", ks.key))
	if apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("keys unreachable: %v, want unavailable", err)
	}
	// Once fetched, a later outage does not lock users out.
	ks.down.Store(false)
	if _, _, err := v.verify(context.Background(), ks.sign(t, goodClaims(), "k1", ks.key)); err != nil {
		t.Fatal(err)
	}
	ks.down.Store(true)
	v.expires = time.Now().Add(-time.Second)
	if _, _, err := v.verify(context.Background(), ks.sign(t, goodClaims(), "k1", ks.key)); err != nil {
		t.Errorf("a stale key set during an outage: %v", err)
	}
}

// The Auth emulator's tokens are unsigned; the local stack checks their
// claims as strictly as production's and refuses anything signed.
func TestEmulatorTokenVerification(t *testing.T) {
	ks := newKeyServer(t)
	v := newEmulatorVerifier("mirante-prod")
	ctx := context.Background()
	b64 := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	unsigned := func(c jwt.MapClaims) string {
		return b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(c) + "."
	}

	id, _, err := v.verify(ctx, unsigned(goodClaims()))
	if err != nil || id.FirebaseUID != "uid-1" || id.Email != "ana@example.com" {
		t.Fatalf("a good emulator token: %+v %v", id, err)
	}
	cases := map[string]refusal{
		"expired":              {unsigned(with(goodClaims(), "exp", time.Now().Add(-time.Hour).Unix())), "token expired"},
		"another project":      {unsigned(with(goodClaims(), "aud", "someone-else")), "invalid token"},
		"another issuer":       {unsigned(with(goodClaims(), "iss", "https://securetoken.google.com/someone-else")), "invalid token"},
		"no subject":           {unsigned(with(goodClaims(), "sub", "")), "invalid token"},
		"signed, even validly": {ks.sign(t, goodClaims(), "k1", ks.key), "invalid token"},
		"garbage":              {"not.a.token", "invalid token"},
	}
	assertRefused(t, v, cases)
	if n := ks.fetches.Load(); n != 0 {
		t.Errorf("the emulator verifier fetched Google's keys %d times", n)
	}
}

// A token that passed is not checked again until it expires; then it is
// refused as expired, memory or not.
func TestVerifiedTokensAreRememberedUntilTheyExpire(t *testing.T) {
	ks := newKeyServer(t)
	v := newTokenVerifier("mirante-prod", ks.srv.URL, 2*time.Second)
	now := time.Now()
	v.now = func() time.Time { return now }
	ctx := context.Background()
	tok := ks.sign(t, with(goodClaims(), "exp", now.Add(10*time.Minute).Unix()), "k1", ks.key)
	if _, _, err := v.verify(ctx, tok); err != nil {
		t.Fatal(err)
	}
	// Forget the keys and take the key server down: only the memory can
	// answer now.
	v.mu.Lock()
	v.keys, v.expires, v.lastFetch = nil, time.Time{}, time.Time{}
	v.mu.Unlock()
	ks.down.Store(true)
	id, _, err := v.verify(ctx, tok)
	if err != nil || id.FirebaseUID != "uid-1" {
		t.Fatalf("a remembered token: %+v %v", id, err)
	}
	// Another token is still checked in full (and the keys are down).
	other := ks.sign(t, with(goodClaims(), "sub", "uid-2"), "k1", ks.key)
	if _, _, err := v.verify(ctx, other); err == nil {
		t.Error("a token never seen passed without its signature being checked")
	}
	ks.down.Store(false)
	now = now.Add(11 * time.Minute)
	_, _, err = v.verify(ctx, tok)
	if ae, ok := apperr.As(err); !ok || ae.Message != "token expired" {
		t.Errorf("past its expiry: %v, want token expired", err)
	}
}

// refusal is a token and the message it must be refused with.
type refusal struct {
	token string
	want  string
}

// assertRefused checks that each token is refused as unauthorized with its
// message.
func assertRefused(t *testing.T, v *tokenVerifier, cases map[string]refusal) {
	t.Helper()
	for name, c := range cases {
		_, _, err := v.verify(context.Background(), c.token)
		ae, ok := apperr.As(err)
		if !ok || ae.Code != apperr.Unauthorized || ae.Message != c.want {
			t.Errorf("%s: %v, want unauthorized %q", name, err, c.want)
		}
	}
}
