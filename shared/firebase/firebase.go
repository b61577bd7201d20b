// Package firebase is the Firebase Auth adapter: it verifies ID tokens (the
// emulator's locally, Google-signed ones in production) and manages users.
package firebase

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	fb "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/auth"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/tenant"
)

// Config is how the services reach Firebase Auth.
type Config struct {
	ProjectID    string        `envconfig:"FIREBASE_PROJECT_ID" default:"demo-mirante" desc:"Firebase project whose ID tokens are accepted (the audience); demo-* ids are for the emulator only"`
	EmulatorHost string        `envconfig:"FIREBASE_AUTH_EMULATOR_HOST" desc:"host:port of the Firebase Auth emulator; set locally and in tests, never in production"`
	Timeout      time.Duration `envconfig:"FIREBASE_TIMEOUT" default:"5s" desc:"timeout for each call to Firebase Auth (key fetches, user lookups)"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.ProjectID == "" {
		return config.Errorf("FIREBASE_PROJECT_ID", "required but not set")
	}
	if c.EmulatorHost != "" && !strings.Contains(c.EmulatorHost, ":") {
		return config.Errorf("FIREBASE_AUTH_EMULATOR_HOST", "must be host:port")
	}
	if c.Timeout <= 0 {
		return config.Errorf("FIREBASE_TIMEOUT", "must be positive")
	}
	return nil
}

// Emulated reports whether tokens come from the Auth emulator.
func (c *Config) Emulated() bool { return c.EmulatorHost != "" }

// Client verifies tokens and manages users.
type Client struct {
	auth     *auth.Client
	emulator bool
	timeout  time.Duration
}

// New returns a client. The Firebase SDK reads FIREBASE_AUTH_EMULATOR_HOST from
// the environment itself, so the configuration must agree with it.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if env := os.Getenv("FIREBASE_AUTH_EMULATOR_HOST"); env != cfg.EmulatorHost {
		return nil, errors.New("FIREBASE_AUTH_EMULATOR_HOST: the configuration and the environment disagree; the Firebase SDK reads the environment")
	}
	app, err := fb.NewApp(ctx, &fb.Config{ProjectID: cfg.ProjectID})
	if err != nil {
		return nil, fmt.Errorf("firebase app: %w", err)
	}
	a, err := app.Auth(ctx)
	if err != nil {
		return nil, fmt.Errorf("firebase auth: %w", err)
	}
	return &Client{auth: a, emulator: cfg.Emulated(), timeout: cfg.Timeout}, nil
}

// Verify checks an ID token and returns its bearer. Any token that fails is
// Unauthorized; a Firebase outage is Unavailable.
func (c *Client) Verify(ctx context.Context, idToken string) (tenant.Identity, error) {
	if c.emulator && !unsignedEmulatorToken(idToken) {
		// The SDK skips signatures in emulator mode; the emulator itself only
		// issues alg "none" tokens, so anything signed is somebody else's.
		return tenant.Identity{}, apperr.Errorf(apperr.Unauthorized, "invalid token")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tok, err := c.auth.VerifyIDToken(ctx, idToken)
	if err != nil {
		if auth.IsCertificateFetchFailed(err) || errors.Is(err, context.DeadlineExceeded) {
			return tenant.Identity{}, apperr.Errorf(apperr.Unavailable, "identity provider unavailable")
		}
		if auth.IsIDTokenExpired(err) {
			return tenant.Identity{}, apperr.Errorf(apperr.Unauthorized, "token expired")
		}
		return tenant.Identity{}, apperr.Errorf(apperr.Unauthorized, "invalid token")
	}
	email, _ := tok.Claims["email"].(string)
	return tenant.Identity{FirebaseUID: tok.UID, Email: email}, nil
}

// unsignedEmulatorToken reports whether the JWT's header says alg "none", as
// the emulator's tokens do.
func unsignedEmulatorToken(tok string) bool {
	head, _, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(raw, &h) == nil && h.Alg == "none"
}

// EnsurePasswordUser creates the user with a fixed uid, or resets its e-mail
// and password when it exists. It is how demo users are seeded.
func (c *Client) EnsurePasswordUser(ctx context.Context, uid, email, password string) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	_, err := c.auth.CreateUser(ctx, (&auth.UserToCreate{}).UID(uid).Email(email).Password(password).EmailVerified(true))
	if err == nil {
		return nil
	}
	if !auth.IsUIDAlreadyExists(err) {
		return fmt.Errorf("creating Firebase user %s: %w", uid, err)
	}
	_, err = c.auth.UpdateUser(ctx, uid, (&auth.UserToUpdate{}).Email(email).Password(password).EmailVerified(true))
	if err != nil {
		return fmt.Errorf("updating Firebase user %s: %w", uid, err)
	}
	return nil
}

// FindOrCreateByEmail returns the account with the e-mail, creating one with
// no password when there is none; its owner signs in by e-mail link or reset.
func (c *Client) FindOrCreateByEmail(ctx context.Context, email string) (tenant.Identity, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u, err := c.auth.GetUserByEmail(ctx, email)
	if auth.IsUserNotFound(err) {
		u, err = c.auth.CreateUser(ctx, (&auth.UserToCreate{}).Email(email))
		if auth.IsEmailAlreadyExists(err) {
			u, err = c.auth.GetUserByEmail(ctx, email)
		}
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return tenant.Identity{}, apperr.Errorf(apperr.Unavailable, "identity provider unavailable")
		}
		if auth.IsInvalidEmail(err) {
			return tenant.Identity{}, apperr.Invalidf("email", "not a valid e-mail address")
		}
		return tenant.Identity{}, fmt.Errorf("finding the account of an e-mail: %w", err)
	}
	return tenant.Identity{FirebaseUID: u.UID, Email: u.Email}, nil
}
