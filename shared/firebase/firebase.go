// Package firebase is the Firebase Auth adapter: it verifies ID tokens (the
// emulator's locally, Google-signed ones in production) and manages users.
package firebase

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	fb "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/auth"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/tenant"
)

// Config is how the services reach Firebase Auth.
type Config struct {
	ProjectID    string        `envconfig:"FIREBASE_PROJECT_ID" default:"demo-mirante" prod:"required" desc:"Firebase project whose ID tokens are accepted (the audience); demo-* ids are for the emulator only"`
	EmulatorHost string        `envconfig:"FIREBASE_AUTH_EMULATOR_HOST" prod:"unset" desc:"host:port of the Firebase Auth emulator; set locally and in tests, never in production"`
	Timeout      time.Duration `envconfig:"FIREBASE_TIMEOUT" default:"5s" desc:"timeout for each call to Firebase Auth (key fetches, user lookups)"`
	CertsURL     string        `envconfig:"FIREBASE_CERTS_URL" default:"https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com" prod:"unset" desc:"where the keys that sign ID tokens are published (tests point it at their own; production must keep Google's)"`
	UserCheckTTL time.Duration `envconfig:"FIREBASE_USER_CHECK_TTL" default:"30s" desc:"how long a user found enabled and not revoked in Firebase Auth is trusted before it is looked up again (0: every request)"`
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
	if !strings.HasPrefix(c.CertsURL, "https://") && !strings.HasPrefix(c.CertsURL, "http://127.0.0.1:") {
		return config.Errorf("FIREBASE_CERTS_URL", "must be an https URL")
	}
	if c.UserCheckTTL < 0 || c.UserCheckTTL > time.Minute {
		return config.Errorf("FIREBASE_USER_CHECK_TTL", "must be from 0 to 1m")
	}
	return nil
}

// Emulated reports whether tokens come from the Auth emulator.
func (c *Config) Emulated() bool { return c.EmulatorHost != "" }

// Client verifies tokens and manages users.
type Client struct {
	auth    *auth.Client
	timeout time.Duration
	tokens  *tokenVerifier
	userTTL time.Duration

	mu    sync.Mutex
	users map[string]checkedUser
}

// checkedUser is a user found usable in Firebase Auth, and since when no
// token may be older than (revocation).
type checkedUser struct {
	validAfter time.Time
	at         time.Time
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
	tokens := newTokenVerifier(cfg.ProjectID, cfg.CertsURL, cfg.Timeout)
	if cfg.Emulated() {
		tokens = newEmulatorVerifier(cfg.ProjectID)
	}
	return &Client{auth: a, timeout: cfg.Timeout, userTTL: cfg.UserCheckTTL,
		tokens: tokens, users: map[string]checkedUser{}}, nil
}

// Verify checks an ID token and returns its bearer. Any token that fails is
// Unauthorized; a Firebase outage is Unavailable. Outside the emulator the
// signature is checked against Google's published keys by our own verifier
// (tokenVerifier); in both cases the user must still exist, be enabled and
// not have had their tokens revoked since this one was issued (looked up at
// most every FIREBASE_USER_CHECK_TTL).
func (c *Client) Verify(ctx context.Context, idToken string) (tenant.Identity, error) {
	// With the emulator, the verifier takes alg "none" tokens only: the
	// emulator issues nothing else, so anything signed is somebody else's.
	id, issued, err := c.tokens.verify(ctx, idToken)
	if err != nil {
		return tenant.Identity{}, err
	}
	if err := c.checkUser(ctx, id.FirebaseUID, issued); err != nil {
		return tenant.Identity{}, err
	}
	return id, nil
}

// checkUser refuses the tokens of a deleted or disabled user, and those
// issued before the user's tokens were revoked.
func (c *Client) checkUser(ctx context.Context, uid string, issued time.Time) error {
	c.mu.Lock()
	u, ok := c.users[uid]
	c.mu.Unlock()
	if !ok || time.Since(u.at) >= c.userTTL {
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		rec, err := c.auth.GetUser(ctx, uid)
		switch {
		case auth.IsUserNotFound(err):
			c.forget(uid)
			return apperr.Errorf(apperr.Unauthorized, "this account no longer exists")
		case err != nil:
			if ok {
				return c.compare(u, issued) // the last answer beats an outage
			}
			return apperr.Errorf(apperr.Unavailable, "identity provider unavailable")
		case rec.Disabled:
			c.forget(uid)
			return apperr.Errorf(apperr.Unauthorized, "this account is disabled")
		}
		u = checkedUser{validAfter: time.UnixMilli(rec.TokensValidAfterMillis), at: time.Now()}
		if c.userTTL > 0 {
			c.mu.Lock()
			if len(c.users) > 100_000 {
				c.users = map[string]checkedUser{}
			}
			c.users[uid] = u
			c.mu.Unlock()
		}
	}
	return c.compare(u, issued)
}

func (c *Client) compare(u checkedUser, issued time.Time) error {
	// Revocation is recorded to the second, tokens' iat too.
	if issued.Unix() < u.validAfter.Unix() {
		return apperr.Errorf(apperr.Unauthorized, "token revoked")
	}
	return nil
}

func (c *Client) forget(uid string) {
	c.mu.Lock()
	delete(c.users, uid)
	c.mu.Unlock()
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
// An account with any sign-in provider (a password) is claimed.
func (c *Client) FindOrCreateByEmail(ctx context.Context, email string) (tenant.Account, error) {
	// The SDK refuses a malformed address with an uncoded error (its
	// IsInvalidEmail always answers false): check it here with the SDK's rule.
	if local, domain, ok := strings.Cut(email, "@"); !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return tenant.Account{}, apperr.Invalidf("email", "not a valid e-mail address")
	}
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
			return tenant.Account{}, apperr.Errorf(apperr.Unavailable, "identity provider unavailable")
		}
		return tenant.Account{}, fmt.Errorf("finding the account of an e-mail: %w", err)
	}
	return tenant.Account{
		Identity: tenant.Identity{FirebaseUID: u.UID, Email: u.Email, EmailVerified: u.EmailVerified},
		Claimed:  len(u.ProviderUserInfo) > 0,
	}, nil
}

// DeleteUser deletes an account (erasure on request); its tokens stop
// working within FIREBASE_USER_CHECK_TTL.
func (c *Client) DeleteUser(ctx context.Context, uid string) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := c.auth.DeleteUser(ctx, uid); err != nil && !auth.IsUserNotFound(err) {
		return fmt.Errorf("deleting Firebase user: %w", err)
	}
	c.forget(uid)
	return nil
}

// SetDisabled disables or re-enables an account.
func (c *Client) SetDisabled(ctx context.Context, uid string, disabled bool) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if _, err := c.auth.UpdateUser(ctx, uid, (&auth.UserToUpdate{}).Disabled(disabled)); err != nil {
		return fmt.Errorf("updating Firebase user: %w", err)
	}
	c.forget(uid)
	return nil
}
