package api

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
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/firebase/firebasetest"
)

// A deleted or disabled account's token stops working (here at once: the
// user check is not cached in this test; in production within
// FIREBASE_USER_CHECK_TTL).
func TestDeletedAndDisabledUsersAreRefused(t *testing.T) {
	b := setupStack(t, "FIREBASE_USER_CHECK_TTL=0s")
	ctx := context.Background()
	fb, err := firebase.New(ctx, firebase.Config{ProjectID: "demo-mirante", EmulatorHost: firebasetest.EmulatorHost(t), Timeout: 5 * time.Second,
		CertsURL: firebase.GoogleCertsURL})
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"deleted", "disabled"} {
		uid := "leaver-" + how + "-" + time.Now().Format("150405.000000")
		email := uid + "@example.com"
		if err := fb.EnsurePasswordUser(ctx, uid, email, "a-long-password"); err != nil {
			t.Fatal(err)
		}
		tok := firebasetest.SignIn(t, email, "a-long-password")
		b.tokens[email] = tok
		b.want(t, http.StatusOK, email, "GET", "/v1/me", nil)
		if how == "deleted" {
			err = fb.DeleteUser(ctx, uid)
		} else {
			err = fb.SetDisabled(ctx, uid, true)
		}
		if err != nil {
			t.Fatal(err)
		}
		r := b.want(t, http.StatusUnauthorized, email, "GET", "/v1/me", nil)
		assertProblem(t, r)
	}
}

// Outside emulator mode the API checks signatures itself, against the keys
// published at FIREBASE_CERTS_URL (here a stand-in for Google's): forged,
// expired, foreign and unsigned tokens are 401 through the whole stack.
func TestProductionModeRefusesForgedTokens(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "securetoken"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certs, _ := json.Marshal(map[string]string{"k1": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))})
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(certs) }))
	defer keys.Close()
	emulator := firebasetest.EmulatorHost(t)
	// The Admin SDK wants credentials outside the emulator; a service
	// account key that nothing ever calls Google with stands in (forged
	// tokens are refused before any user lookup).
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": "demo-mirante", "private_key_id": "k",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})), "client_email": "api@demo-mirante.iam.gserviceaccount.com",
		"client_id": "1", "token_uri": "http://127.0.0.1:1/token"})
	saFile := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(saFile, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	b := setupStack(t, "FIREBASE_AUTH_EMULATOR_HOST=", "FIREBASE_CERTS_URL="+keys.URL, "GOOGLE_APPLICATION_CREDENTIALS="+saFile)

	now := time.Now()
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "https://securetoken.google.com/demo-mirante", "aud": "demo-mirante", "sub": "demo-ana",
			"email": "ana@porto-sul.demo", "iat": now.Add(-time.Minute).Unix(), "auth_time": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()}
		if change != nil {
			change(c)
		}
		return c
	}
	sign := func(c jwt.MapClaims, k *rsa.PrivateKey) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
		tok.Header["kid"] = "k1"
		s, err := tok.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	b64 := func(v any) string { j, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(j) }
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs.Header["kid"] = "k1"
	hsTok, _ := hs.SignedString(x509.MarshalPKCS1PublicKey(&key.PublicKey))
	emulatorTok := firebasetest.SignInAt(t, emulator, "ana@porto-sul.demo", "mirante-demo")

	for name, tok := range map[string]string{
		"expired":                      sign(claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() }), key),
		"wrong audience":               sign(claims(func(c jwt.MapClaims) { c["aud"] = "another-project" }), key),
		"wrong issuer":                 sign(claims(func(c jwt.MapClaims) { c["iss"] = "https://securetoken.google.com/another-project" }), key),
		"signed by another key":        sign(claims(nil), other),
		"alg none":                     b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(claims(nil)) + ".",
		"HS256 keyed with the RSA key": hsTok,
		"the emulator's own token":     emulatorTok,
	} {
		t.Run(name, func(t *testing.T) {
			b.tokens["ana@porto-sul.demo"] = tok
			r := b.want(t, http.StatusUnauthorized, "ana@porto-sul.demo", "GET", "/v1/orgs/porto-sul/views", nil)
			assertProblem(t, r)
		})
	}
}
