package leak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// probeInviteTakeover: someone signs up a future colleague's address
// first; the admin then invites that address. The pre-registered account,
// its address not verified, gets nothing of the org (the accept is
// refused, the org is 404) until the address is verified and the invite
// accepted. It needs the Auth emulator; against a real Firebase project it
// is skipped.
func (s *suite) probeInviteTakeover(ctx context.Context, admin *owned) error {
	if s.cfg.AuthEmulator == "" {
		fmt.Fprintln(s.cfg.Log, "invite-takeover probe skipped: it needs the Auth emulator")
		return nil
	}
	email, password := throwaway("leaktest-invitee")
	localID, idToken, err := s.signUp(ctx, email, password)
	if err != nil {
		return fmt.Errorf("signing the invitee's address up first: %w", err)
	}
	defer s.deleteAccount(ctx, localID)
	base := "/v1/orgs/" + admin.t.Org
	r, err := s.call(ctx, admin.token, "POST", base+"/invites", map[string]any{"email": email, "role": "analyst"})
	var inv struct{ ID, Token string }
	if err != nil || r.status != http.StatusCreated || json.Unmarshal(r.body, &inv) != nil || inv.Token == "" {
		return fmt.Errorf("inviting the address: %d %v", r.status, err)
	}
	defer func() {
		_, _ = s.call(context.WithoutCancel(ctx), admin.token, "DELETE", base+"/invites/"+inv.ID, nil)
	}()
	squatter := &owned{t: Tenant{Org: "(none)", Email: email}, token: idToken}
	none := &owned{marker: "\x00never\x00"}
	s.expectRefused(ctx, squatter, none, "unverified invitee accepts", "POST", "/v1/invites/accept", map[string]any{"token": inv.Token}, http.StatusForbidden)
	s.expectRefused(ctx, squatter, none, "unverified invitee reads the org", "GET", base, nil, http.StatusNotFound)
	s.expectRefused(ctx, squatter, none, "unverified invitee reads views", "GET", base+"/views", nil, http.StatusNotFound)

	// Verified, the same person accepts and is a member.
	if err := s.verifyAddress(ctx, localID); err != nil {
		return err
	}
	tok, err := s.signIn(ctx, Tenant{Email: email, Password: password})
	if err != nil {
		return err
	}
	s.res.Probes++
	if r, err := s.call(ctx, tok, "POST", "/v1/invites/accept", map[string]any{"token": inv.Token}); err != nil || r.status != http.StatusOK {
		s.leak("a verified invitee could not accept: %d %v %.200s", r.status, err, r.body)
		return nil
	}
	var me struct{ User struct{ ID string } }
	if r, err := s.call(ctx, tok, "GET", "/v1/me", nil); err == nil && json.Unmarshal(r.body, &me) == nil && me.User.ID != "" {
		_, _ = s.call(context.WithoutCancel(ctx), admin.token, "DELETE", base+"/members/"+me.User.ID, nil)
	}
	return nil
}
