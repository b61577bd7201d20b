package leak

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// probeRoleChange: a member an admin demotes, then removes, is refused on
// the very next request through every spelling of the org (its slug, its id
// in lower and in upper case), each of which served the member's old role
// just before. It needs the Auth emulator, to make a throwaway account with a
// verified address; against a real Firebase project it is skipped.
func (s *suite) probeRoleChange(ctx context.Context, admin *owned) error {
	if s.cfg.AuthEmulator == "" {
		fmt.Fprintln(s.cfg.Log, "role-change probe skipped: it needs the Auth emulator")
		return nil
	}
	email, password := throwaway("leaktest")
	localID, err := s.emulatorAccount(ctx, email, password)
	if err != nil {
		return fmt.Errorf("making a throwaway account: %w", err)
	}
	defer s.deleteAccount(ctx, localID)
	tok, err := s.signIn(ctx, Tenant{Email: email, Password: password})
	if err != nil {
		return err
	}
	member := &owned{t: Tenant{Org: admin.t.Org, Email: email}, token: tok}
	if err := s.join(ctx, admin, member); err != nil {
		return err
	}
	var me struct{ User struct{ ID string } }
	if r, err := s.call(ctx, tok, "GET", "/v1/me", nil); err != nil || r.status != http.StatusOK || json.Unmarshal(r.body, &me) != nil || me.User.ID == "" {
		return fmt.Errorf("GET /v1/me as the new member: %d %v", r.status, err)
	}
	refs := []string{admin.t.Org, admin.orgID, strings.ToUpper(admin.orgID)}
	for _, ref := range refs {
		// Every spelling answers as admin first, so each has a role to forget.
		if r, err := s.call(ctx, tok, "GET", "/v1/orgs/"+ref+"/audit?limit=1", nil); err != nil || r.status != http.StatusOK {
			return fmt.Errorf("GET /v1/orgs/%s/audit as the new admin: %d %v", ref, r.status, err)
		}
	}
	none := &owned{marker: "\x00never\x00"}
	members := "/v1/orgs/" + strings.ToUpper(admin.orgID) + "/members/" + me.User.ID
	if r, err := s.call(ctx, admin.token, "PATCH", members, `{"role":"viewer"}`); err != nil || r.status != http.StatusOK {
		return fmt.Errorf("demoting the new member: %d %v", r.status, err)
	}
	for _, ref := range refs {
		s.expectRefused(ctx, member, none, "demoted admin through "+ref, "GET", "/v1/orgs/"+ref+"/audit?limit=1", nil, http.StatusForbidden)
	}
	if r, err := s.call(ctx, admin.token, "DELETE", "/v1/orgs/"+admin.t.Org+"/members/"+me.User.ID, nil); err != nil || r.status != http.StatusNoContent {
		return fmt.Errorf("removing the new member: %d %v", r.status, err)
	}
	for _, ref := range refs {
		s.expectRefused(ctx, member, none, "removed member through "+ref, "GET", "/v1/orgs/"+ref, nil, http.StatusNotFound)
		s.expectRefused(ctx, member, none, "removed member through "+ref, "GET", "/v1/orgs/"+ref+"/views", nil, http.StatusNotFound)
	}
	return nil
}

func (s *suite) emulatorURL(method string) string {
	return "http://" + s.cfg.AuthEmulator + "/identitytoolkit.googleapis.com/v1/" + method + "?key=leaktest"
}

// throwaway is a fresh address and password for an account the suite makes.
func throwaway(prefix string) (email, password string) {
	rnd := make([]byte, 6)
	_, _ = rand.Read(rnd)
	return prefix + "-" + hex.EncodeToString(rnd) + "@example.com", hex.EncodeToString(rnd) + "-pw"
}

// signUp makes an account in the Auth emulator, its address not verified
// (as public sign-up leaves it), and returns its id and ID token.
func (s *suite) signUp(ctx context.Context, email, password string) (localID, idToken string, err error) {
	r, err := s.call(ctx, "", "POST", s.emulatorURL("accounts:signUp"), map[string]any{"email": email, "password": password, "returnSecureToken": true})
	if err != nil {
		return "", "", err
	}
	var out struct {
		LocalID string `json:"localId"`
		IDToken string `json:"idToken"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.LocalID == "" {
		return "", "", fmt.Errorf("signing up: %d %.200s", r.status, r.body)
	}
	return out.LocalID, out.IDToken, nil
}

// verifyAddress marks an emulator account's address verified, as its owner
// following the link would.
func (s *suite) verifyAddress(ctx context.Context, localID string) error {
	r, err := s.call(ctx, "", "POST", s.emulatorURL("accounts:update"), map[string]any{"localId": localID, "emailVerified": true}, "Authorization", "Bearer owner")
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("verifying the address: %d %.200s", r.status, r.body)
	}
	return nil
}

// deleteAccount removes an account the suite made, whatever ctx's state.
func (s *suite) deleteAccount(ctx context.Context, localID string) {
	_, _ = s.call(context.WithoutCancel(ctx), "", "POST", s.emulatorURL("accounts:delete"), map[string]any{"localId": localID}, "Authorization", "Bearer owner")
}

// emulatorAccount signs up an account in the Auth emulator with its address
// verified.
func (s *suite) emulatorAccount(ctx context.Context, email, password string) (string, error) {
	localID, _, err := s.signUp(ctx, email, password)
	if err != nil {
		return "", err
	}
	return localID, s.verifyAddress(ctx, localID)
}

// join makes member an admin of admin's org: added at once, or invited and
// accepting the invite.
func (s *suite) join(ctx context.Context, admin, member *owned) error {
	r, err := s.call(ctx, admin.token, "POST", "/v1/orgs/"+admin.t.Org+"/members", map[string]any{"email": member.t.Email, "role": "admin"})
	if err != nil {
		return err
	}
	switch r.status {
	case http.StatusCreated:
		return nil
	case http.StatusAccepted:
		var inv struct{ Token string }
		if json.Unmarshal(r.body, &inv) != nil || inv.Token == "" {
			return fmt.Errorf("adding a member answered an invite without a token")
		}
		r, err = s.call(ctx, member.token, "POST", "/v1/invites/accept", map[string]any{"token": inv.Token})
		if err != nil {
			return err
		}
		if r.status != http.StatusOK {
			return fmt.Errorf("accepting the invite: %d %.200s", r.status, r.body)
		}
		return nil
	}
	return fmt.Errorf("adding a member: %d %.200s", r.status, r.body)
}
