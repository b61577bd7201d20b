// Package firebasetest signs users in against the Firebase Auth emulator that
// `make test` starts, to get real ID tokens for tests.
package firebasetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"
)

// EmulatorHost returns the emulator's host:port, failing the test (with how to
// start one) when it is not configured.
func EmulatorHost(t testing.TB) string {
	t.Helper()
	h := os.Getenv("FIREBASE_AUTH_EMULATOR_HOST")
	if h == "" {
		t.Fatal("FIREBASE_AUTH_EMULATOR_HOST is not set: run the tests with `make test`, which starts the Firebase Auth emulator")
	}
	return h
}

// SignIn returns an ID token for the e-mail and password from the emulator
// of FIREBASE_AUTH_EMULATOR_HOST.
func SignIn(t testing.TB, email, password string) string {
	t.Helper()
	return SignInAt(t, EmulatorHost(t), email, password)
}

// SignInAt returns an ID token from the emulator at host.
func SignInAt(t testing.TB, host, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"email": email, "password": password, "returnSecureToken": true})
	url := fmt.Sprintf("http://%s/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo", host)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("signing in %s at the Auth emulator (%s): %v", email, host, err)
	}
	defer resp.Body.Close()
	var out struct {
		IDToken string `json:"idToken"`
		Error   any    `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.IDToken == "" {
		t.Fatalf("signing in %s: status %d, error %v %v", email, resp.StatusCode, err, out.Error)
	}
	return out.IDToken
}
