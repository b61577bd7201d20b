package firebase

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// GoogleCertsURL publishes the keys that sign Firebase ID tokens.
const GoogleCertsURL = "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"

// tokenVerifier checks Firebase ID tokens as Firebase documents them: RS256
// only, signed by a current Google key (by kid), audience the project,
// issuer https://securetoken.google.com/<project>, not expired, issued and
// authenticated in the past, with a subject. Anything else (alg none,
// HS256, another project's token, an unknown key) is refused. The keys are
// cached as long as their Cache-Control says, and refetched, at most every
// 30 s, when a token names an unknown kid.
type tokenVerifier struct {
	project  string
	certsURL string
	client   *http.Client
	now      func() time.Time
	// unsigned takes the Auth emulator's tokens (alg "none") and no other:
	// every claim is still checked, only the signature is not there.
	unsigned bool

	// verified remembers tokens that passed, until they expire: a client
	// sends the same token with every request for up to an hour.
	memoMu   sync.Mutex
	verified map[string]verifiedToken

	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	expires   time.Time
	lastFetch time.Time
}

func newTokenVerifier(project, certsURL string, timeout time.Duration) *tokenVerifier {
	return &tokenVerifier{project: project, certsURL: certsURL, client: &http.Client{Timeout: timeout}, now: time.Now}
}

// newEmulatorVerifier checks the Auth emulator's unsigned tokens with the
// same claim rules as real ones. (The SDK's emulator path looks the user up
// in the emulator on every call, which the user check below already does,
// at most every FIREBASE_USER_CHECK_TTL.)
func newEmulatorVerifier(project string) *tokenVerifier {
	return &tokenVerifier{project: project, now: time.Now, unsigned: true}
}

var errKeysUnavailable = errors.New("signing keys unavailable")

type verifiedToken struct {
	id      tenant.Identity
	issued  time.Time
	expires time.Time
}

// verifiedTokens bounds the remembered tokens; past it the memory starts over.
const verifiedTokens = 10_000

// verify checks a token, or finds it among those that passed and have not
// expired.
func (v *tokenVerifier) verify(ctx context.Context, raw string) (tenant.Identity, time.Time, error) {
	v.memoMu.Lock()
	t, ok := v.verified[raw]
	v.memoMu.Unlock()
	if ok && v.now().Before(t.expires) {
		return t.id, t.issued, nil
	}
	id, issued, expires, err := v.check(ctx, raw)
	if err != nil {
		return id, issued, err
	}
	v.memoMu.Lock()
	if v.verified == nil || len(v.verified) >= verifiedTokens {
		v.verified = map[string]verifiedToken{}
	}
	v.verified[raw] = verifiedToken{id: id, issued: issued, expires: expires}
	v.memoMu.Unlock()
	return id, issued, nil
}

// check verifies a token's signature and claims; it returns the bearer, when
// the token was issued and when it expires.
func (v *tokenVerifier) check(ctx context.Context, raw string) (tenant.Identity, time.Time, time.Time, error) {
	invalid := apperr.Errorf(apperr.Unauthorized, "invalid token")
	var keyErr error
	method, keyFunc := "RS256", func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := v.key(ctx, kid)
		keyErr = err
		return k, err
	}
	if v.unsigned {
		method, keyFunc = "none", func(*jwt.Token) (any, error) { return jwt.UnsafeAllowNoneSignatureType, nil }
	}
	tok, err := jwt.Parse(raw, keyFunc,
		jwt.WithValidMethods([]string{method}),
		jwt.WithAudience(v.project),
		jwt.WithIssuer("https://securetoken.google.com/"+v.project),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(v.now),
	)
	if errors.Is(keyErr, errKeysUnavailable) {
		return tenant.Identity{}, time.Time{}, time.Time{}, apperr.Errorf(apperr.Unavailable, "identity provider unavailable")
	}
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return tenant.Identity{}, time.Time{}, time.Time{}, apperr.Errorf(apperr.Unauthorized, "token expired")
		}
		return tenant.Identity{}, time.Time{}, time.Time{}, invalid
	}
	claims, ok := tok.Claims.(jwt.MapClaims)
	if !ok {
		return tenant.Identity{}, time.Time{}, time.Time{}, invalid
	}
	sub, _ := claims["sub"].(string)
	if sub == "" || len(sub) > 128 {
		return tenant.Identity{}, time.Time{}, time.Time{}, invalid
	}
	if at, ok := claims["auth_time"].(float64); !ok || time.Unix(int64(at), 0).After(v.now().Add(30*time.Second)) {
		return tenant.Identity{}, time.Time{}, time.Time{}, invalid
	}
	iat, err := claims.GetIssuedAt()
	if err != nil || iat == nil {
		return tenant.Identity{}, time.Time{}, time.Time{}, invalid
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return tenant.Identity{}, time.Time{}, time.Time{}, invalid
	}
	email, _ := claims["email"].(string)
	verified, _ := claims["email_verified"].(bool)
	return tenant.Identity{FirebaseUID: sub, Email: email, EmailVerified: verified}, iat.Time, exp.Time, nil
}

// key returns the public key of a kid, fetching the key set when it is
// stale or the kid is new.
func (v *tokenVerifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	if k, ok := v.keys[kid]; ok && now.Before(v.expires) {
		return k, nil
	}
	if v.keys != nil && now.Before(v.expires) && now.Sub(v.lastFetch) < 30*time.Second {
		return nil, fmt.Errorf("unknown key %q", kid)
	}
	keys, maxAge, err := v.fetch(ctx)
	v.lastFetch = now
	if err != nil {
		if k, ok := v.keys[kid]; ok {
			return k, nil // a stale key set beats an outage
		}
		return nil, fmt.Errorf("%w: %v", errKeysUnavailable, err)
	}
	v.keys, v.expires = keys, now.Add(maxAge)
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("unknown key %q", kid)
}

var maxAgeRE = regexp.MustCompile(`max-age=(\d+)`)

func (v *tokenVerifier) fetch(ctx context.Context) (map[string]*rsa.PublicKey, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.certsURL, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("fetching signing keys: %s", resp.Status)
	}
	var certs map[string]string
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&certs); err != nil {
		return nil, 0, fmt.Errorf("decoding signing keys: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for kid, p := range certs {
		block, _ := pem.Decode([]byte(p))
		if block == nil {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			keys[kid] = k
		}
	}
	if len(keys) == 0 {
		return nil, 0, errors.New("no usable signing key")
	}
	maxAge := time.Hour
	if m := maxAgeRE.FindStringSubmatch(resp.Header.Get("Cache-Control")); m != nil {
		if s, err := strconv.Atoi(m[1]); err == nil {
			maxAge = time.Duration(s) * time.Second
		}
	}
	return keys, maxAge, nil
}
