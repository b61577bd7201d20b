package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/firebase/firebasetest"
)

// emulatorCall posts body to one of the Auth emulator's identitytoolkit
// methods, as the Firebase JS SDK does from the browser, and decodes the
// answer into out.
func emulatorCall(t *testing.T, method string, body, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	url := fmt.Sprintf("http://%s/identitytoolkit.googleapis.com/v1/accounts:%s?key=demo", firebasetest.EmulatorHost(t), method)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e any
		_ = json.NewDecoder(resp.Body).Decode(&e)
		t.Fatalf("accounts:%s: %d %v", method, resp.StatusCode, e)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// signUp creates a password account as anyone can, unverified, and returns
// its ID token.
func signUp(t *testing.T, email, password string) string {
	t.Helper()
	var out struct{ IDToken string }
	emulatorCall(t, "signUp", map[string]any{"email": email, "password": password, "returnSecureToken": true}, &out)
	return out.IDToken
}

// verifyEmail does what the address's owner does: asks for the
// verification mail and follows its link. It returns a fresh ID token,
// which now carries email_verified.
func verifyEmail(t *testing.T, idToken, email, password string) string {
	t.Helper()
	emulatorCall(t, "sendOobCode", map[string]any{"requestType": "VERIFY_EMAIL", "idToken": idToken}, nil)
	resp, err := http.Get(fmt.Sprintf("http://%s/emulator/v1/projects/demo-mirante/oobCodes", firebasetest.EmulatorHost(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var codes struct {
		OobCodes []struct{ Email, OobCode, RequestType string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&codes); err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, c := range codes.OobCodes {
		if c.Email == email && c.RequestType == "VERIFY_EMAIL" {
			code = c.OobCode
		}
	}
	if code == "" {
		t.Fatalf("the emulator holds no verification code for the address")
	}
	emulatorCall(t, "update", map[string]any{"oobCode": code}, nil)
	return firebasetest.SignIn(t, email, password)
}

// reason is the reason member of a refusal's problem document.
func reason(t *testing.T, r response) string {
	t.Helper()
	var p struct{ Reason string }
	r.json(t, &p)
	return p.Reason
}

// uniqueEmail is an address no other test (they share the emulator) uses.
func uniqueEmail(local, domain string) string {
	return fmt.Sprintf("%s-%d@%s", local, time.Now().UnixNano(), domain)
}

// An account takeover: someone signs the invitee's address up first;
// the admin then invites it. The pre-registered, unverified account gets
// no membership (404 on the org) until it verifies the address and accepts.
func TestInviteTakeoverNeedsAVerifiedAddress(t *testing.T) {
	b := setupStack(t)
	email := uniqueEmail("nova", "porto-sul.demo")
	const password = "pre-registered-1"
	b.tokens[email] = signUp(t, email, password)

	var inv struct {
		ID, Email, Role, Status, Token string
	}
	r := b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/invites", map[string]any{"email": email, "role": "analyst"})
	r.json(t, &inv)
	if inv.Email != email || inv.Role != "analyst" || inv.Status != "pending" || inv.Token == "" {
		t.Fatalf("invite: %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != "/v1/orgs/porto-sul/invites/"+inv.ID {
		t.Errorf("Location %q", loc)
	}
	accept := map[string]string{"token": inv.Token}

	r = b.want(t, http.StatusForbidden, email, "POST", "/v1/invites/accept", accept)
	assertProblem(t, r)
	if !strings.Contains(detail(t, r), "not verified") || reason(t, r) != "unverified" {
		t.Errorf("an unverified caller is told %q (reason %q)", detail(t, r), reason(t, r))
	}
	if strings.Contains(string(r.body), "porto-sul") || strings.Contains(string(r.body), b.orgs["porto-sul"].ID) {
		t.Errorf("a refusal names the org: %s", r.body)
	}
	b.want(t, http.StatusNotFound, email, "GET", "/v1/orgs/porto-sul", nil)
	var me struct{ Orgs []struct{ Slug string } }
	b.want(t, http.StatusOK, email, "GET", "/v1/me", nil).json(t, &me)
	if len(me.Orgs) != 0 {
		t.Fatalf("the unverified account belongs to %v", me.Orgs)
	}

	// Another signed-in, verified person cannot take it either.
	r = b.want(t, http.StatusForbidden, bruno, "POST", "/v1/invites/accept", accept)
	if !strings.Contains(detail(t, r), "another e-mail") || reason(t, r) != "email_mismatch" {
		t.Errorf("another address is told %q (reason %q)", detail(t, r), reason(t, r))
	}
	b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/porto-sul", nil)

	// Once the address is verified, the same account accepts, once.
	b.tokens[email] = verifyEmail(t, b.tokens[email], email, password)
	var org struct{ ID, Slug, Name, Role string }
	b.want(t, http.StatusOK, email, "POST", "/v1/invites/accept", accept).json(t, &org)
	if org.ID != b.orgs["porto-sul"].ID || org.Slug != "porto-sul" || org.Role != "analyst" {
		t.Fatalf("accepted into %+v", org)
	}
	var got struct{ Role string }
	b.want(t, http.StatusOK, email, "GET", "/v1/orgs/porto-sul", nil).json(t, &got)
	if got.Role != "analyst" {
		t.Fatalf("role %q after accepting, want analyst", got.Role)
	}
	r = b.want(t, http.StatusGone, email, "POST", "/v1/invites/accept", accept)
	assertProblem(t, r)
	if reason(t, r) != "used" {
		t.Errorf("a used invite: reason %q", reason(t, r))
	}
	b.want(t, http.StatusNotFound, email, "GET", "/v1/orgs/agro-nordeste", nil)

	var list struct {
		Data []struct{ ID, Status, AcceptedBy string }
	}
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/invites", nil).json(t, &list)
	if len(list.Data) != 1 || list.Data[0].ID != inv.ID || list.Data[0].Status != "accepted" {
		t.Fatalf("porto-sul's invites: %+v", list.Data)
	}

	// Every attempt on the invite is in porto-sul's audit log, refused or
	// not, and nothing of it in another org's.
	b.close()
	for status, want := range map[int]int{403: 2, 200: 1, 410: 1} {
		if n := b.countAudit(t, "porto-sul", `action = 'invites.accept' and status = $1`, status); n != want {
			t.Errorf("porto-sul has %d invites.accept entries with status %d, want %d", n, status, want)
		}
	}
	if n := b.countAudit(t, "agro-nordeste", `action like 'invites.%'`); n != 0 {
		t.Errorf("agro-nordeste has %d invite entries", n)
	}
}

func TestInviteRoutes(t *testing.T) {
	b := setupStack(t)
	email := uniqueEmail("convidado", "agro-nordeste.demo")
	var inv struct{ ID, Token string }
	b.want(t, http.StatusCreated, dora, "POST", "/v1/orgs/agro-nordeste/invites", map[string]any{"email": email, "role": "viewer"}).json(t, &inv)

	// Other orgs' members see nothing of it; its org's non-admins may not manage invites.
	for _, c := range []struct {
		who, method, path string
		body              any
		status            int
	}{
		{ana, "GET", "/v1/orgs/agro-nordeste/invites", nil, 404},
		{ana, "POST", "/v1/orgs/agro-nordeste/invites", `{"email":"x@example.com","role":"viewer"}`, 404},
		{ana, "DELETE", "/v1/orgs/agro-nordeste/invites/" + inv.ID, nil, 404},
		{ana, "DELETE", "/v1/orgs/porto-sul/invites/" + inv.ID, nil, 404},
		{bruno, "GET", "/v1/orgs/agro-nordeste/invites", nil, 403},
		{bruno, "POST", "/v1/orgs/agro-nordeste/invites", `{"email":"x@example.com","role":"viewer"}`, 403},
		{dora, "POST", "/v1/orgs/agro-nordeste/invites", `{"email":"x@example.com","role":"owner"}`, 403},
		{dora, "GET", "/v1/orgs/porto-sul/invites", nil, 403},
	} {
		r := b.want(t, c.status, c.who, c.method, c.path, c.body)
		assertProblem(t, r)
	}
	var list struct{ Data []struct{ ID string } }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/invites", nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("porto-sul lists agro-nordeste's invite: %+v", list.Data)
	}

	// Bad input names the problem.
	for _, c := range []struct {
		who, method, path string
		body              any
		status            int
		field             string
	}{
		{dora, "POST", "/v1/orgs/agro-nordeste/invites", `{"role":"viewer"}`, 400, "email"},
		{dora, "POST", "/v1/orgs/agro-nordeste/invites", `{"email":"nope","role":"viewer"}`, 400, "email"},
		{dora, "POST", "/v1/orgs/agro-nordeste/invites", `{"email":"a@b.example","role":"root"}`, 400, "role"},
		{dora, "POST", "/v1/orgs/agro-nordeste/invites", `{"email":"a@b.example","role":"viewer","org":"x"}`, 400, "org"},
		{bruno, "POST", "/v1/invites/accept", `{}`, 400, "token"},
		{bruno, "POST", "/v1/invites/accept", `{"token":"not-a-token"}`, 400, "token"},
		{bruno, "POST", "/v1/invites/accept", `{"token":7}`, 400, "token"},
	} {
		r := b.want(t, c.status, c.who, c.method, c.path, c.body)
		if r.problemField() != c.field {
			t.Errorf("%s %s %v: field %q, want %q", c.method, c.path, c.body, r.problemField(), c.field)
		}
	}
	b.want(t, http.StatusUnauthorized, "", "POST", "/v1/invites/accept", map[string]string{"token": inv.Token})
	// A well-formed token of no invite: 404, the same for everyone.
	r := b.want(t, http.StatusNotFound, bruno, "POST", "/v1/invites/accept", `{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`)
	assertProblem(t, r)

	// Revoked: the link stops working; revoking again is harmless.
	b.want(t, http.StatusNoContent, dora, "DELETE", "/v1/orgs/agro-nordeste/invites/"+inv.ID, nil)
	b.want(t, http.StatusNoContent, dora, "DELETE", "/v1/orgs/agro-nordeste/invites/"+inv.ID, nil)
	b.want(t, http.StatusNotFound, dora, "DELETE", "/v1/orgs/agro-nordeste/invites/00000000-0000-4000-8000-000000000000", nil)
	b.tokens[email] = signUp(t, email, "convidado-123")
	b.tokens[email] = verifyEmail(t, b.tokens[email], email, "convidado-123")
	r = b.want(t, http.StatusGone, email, "POST", "/v1/invites/accept", map[string]string{"token": inv.Token})
	if !strings.Contains(detail(t, r), "withdrawn") {
		t.Errorf("a revoked invite is refused with %q", detail(t, r))
	}
	b.want(t, http.StatusNotFound, email, "GET", "/v1/orgs/agro-nordeste", nil)

	// Inviting a member is a conflict; a fresh invite works.
	r = b.want(t, http.StatusConflict, dora, "POST", "/v1/orgs/agro-nordeste/invites", map[string]any{"email": bruno, "role": "admin"})
	if r.problemField() != "email" {
		t.Errorf("inviting a member: field %q", r.problemField())
	}
	var again struct{ Token string }
	b.want(t, http.StatusCreated, dora, "POST", "/v1/orgs/agro-nordeste/invites", map[string]any{"email": email, "role": "viewer"}).json(t, &again)
	b.want(t, http.StatusOK, email, "POST", "/v1/invites/accept", map[string]string{"token": again.Token})
	b.want(t, http.StatusOK, email, "GET", "/v1/orgs/agro-nordeste/views", nil)
	b.want(t, http.StatusConflict, dora, "POST", "/v1/orgs/agro-nordeste/invites", map[string]any{"email": email, "role": "admin"})
}

// Through POST /members: an account someone signed up for the
// address without verifying it is not attached; the admin gets an invite
// instead, and the account stays out until it verifies and accepts. An
// address nobody claimed, or a verified account, is still added at once.
func TestAddMemberNeverAttachesAnUnverifiedClaimedAccount(t *testing.T) {
	b := setupStack(t)
	email := uniqueEmail("previa", "porto-sul.demo")
	const password = "pre-registered-2"
	b.tokens[email] = signUp(t, email, password)

	var inv struct{ ID, Email, Role, Status, Token string }
	r := b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/members", map[string]any{"email": email, "role": "admin"})
	r.json(t, &inv)
	if inv.Email != email || inv.Role != "admin" || inv.Status != "pending" || inv.Token == "" {
		t.Fatalf("the 202's invite: %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != "/v1/orgs/porto-sul/invites/"+inv.ID {
		t.Errorf("Location %q", loc)
	}
	b.want(t, http.StatusNotFound, email, "GET", "/v1/orgs/porto-sul", nil)
	var members struct{ Data []struct{ Email string } }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/members", nil).json(t, &members)
	for _, m := range members.Data {
		if m.Email == email {
			t.Fatal("the pre-registered account is listed as a member")
		}
	}
	b.want(t, http.StatusForbidden, email, "POST", "/v1/invites/accept", map[string]string{"token": inv.Token})
	b.want(t, http.StatusNotFound, email, "GET", "/v1/orgs/porto-sul/views", nil)

	b.tokens[email] = verifyEmail(t, b.tokens[email], email, password)
	b.want(t, http.StatusOK, email, "POST", "/v1/invites/accept", map[string]string{"token": inv.Token})
	var org struct{ Role string }
	b.want(t, http.StatusOK, email, "GET", "/v1/orgs/porto-sul", nil).json(t, &org)
	if org.Role != "admin" {
		t.Fatalf("role %q after accepting, want admin", org.Role)
	}

	// Nobody claimed this address: its account is made and attached, as before.
	fresh := uniqueEmail("fresca", "porto-sul.demo")
	var m struct {
		UserID string `json:"user_id"`
	}
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/members", map[string]any{"email": fresh, "role": "viewer"}).json(t, &m)
	b.want(t, http.StatusNoContent, ana, "DELETE", "/v1/orgs/porto-sul/members/"+m.UserID, nil)
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/members", map[string]any{"email": fresh, "role": "viewer"})
	// A verified account (a demo user) is attached at once.
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/members", map[string]any{"email": bruno, "role": "viewer"})
	b.want(t, http.StatusOK, bruno, "GET", "/v1/orgs/porto-sul", nil)
}
