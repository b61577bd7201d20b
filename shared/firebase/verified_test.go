package firebase

import (
	"context"
	"testing"
	"time"
)

// The email_verified claim reaches the identity as the token states it; a
// token without the claim, or with a non-boolean one, is unverified.
func TestEmailVerifiedClaim(t *testing.T) {
	ks := newKeyServer(t)
	v := newTokenVerifier("mirante-prod", ks.srv.URL, 2*time.Second)
	cases := []struct {
		name  string
		claim any
		want  bool
	}{
		{"true", true, true},
		{"false", false, false},
		{"absent", nil, false},
		{"a string", "true", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, _, err := v.verify(context.Background(), ks.sign(t, with(goodClaims(), "email_verified", tc.claim), "k1", ks.key))
			if err != nil {
				t.Fatal(err)
			}
			if id.EmailVerified != tc.want {
				t.Errorf("email_verified %v: EmailVerified = %v, want %v", tc.claim, id.EmailVerified, tc.want)
			}
		})
	}
}
