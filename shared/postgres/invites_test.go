package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

type inviteBundle struct {
	db      *pgtest.DB
	admin   *postgres.Admin
	app     *postgres.DB
	users   *postgres.UserService
	invites *postgres.InviteService
	orgA    tenant.Org
	orgB    tenant.Org
	// ownerA is a context acting as org A's owner; adminB as org B's admin.
	ownerA context.Context
	adminB context.Context
}

func setupInvites(t *testing.T) inviteBundle {
	t.Helper()
	ctx := context.Background()
	b := inviteBundle{db: pgtest.New(t)}
	var err error
	if b.admin, err = postgres.NewAdmin(ctx, b.db.OwnerURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.admin.Close)
	b.app = openApp(t, b.db)
	b.users = postgres.NewUserService(b.app)
	b.invites = postgres.NewInviteService(b.app, nil)
	for _, o := range []*tenant.Org{&b.orgA, &b.orgB} {
		slug := map[*tenant.Org]string{&b.orgA: "org-a", &b.orgB: "org-b"}[o]
		if *o, err = b.admin.EnsureOrg(ctx, tenant.Org{Slug: slug, Name: slug, Plan: "standard", Isolation: tenant.IsolationRow}); err != nil {
			t.Fatal(err)
		}
	}
	b.ownerA = b.member(t, b.orgA, "owner-a@example.com", tenant.Owner)
	b.adminB = b.member(t, b.orgB, "admin-b@example.com", tenant.Admin)
	return b
}

// user returns a context signed in as the e-mail's user, with the token's
// email_verified claim as given.
func (b inviteBundle) user(t *testing.T, email string, verified bool) context.Context {
	t.Helper()
	u, err := b.users.EnsureUser(context.Background(), tenant.Identity{FirebaseUID: "uid-" + email, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	u.EmailVerified = verified
	return tenant.WithUser(context.Background(), u)
}

// member makes the e-mail's user a member of org and returns a context
// acting as them in it.
func (b inviteBundle) member(t *testing.T, org tenant.Org, email string, role tenant.Role) context.Context {
	t.Helper()
	ctx := b.user(t, email, true)
	u, _ := tenant.UserFromContext(ctx)
	if err := b.admin.SetMembership(context.Background(), org.ID, u.ID, role); err != nil {
		t.Fatal(err)
	}
	return tenant.With(ctx, tenant.Tenant{Org: org, Role: role})
}

// role reads the user's role in org as that tenant; "" when not a member.
func (b inviteBundle) role(t *testing.T, org tenant.Org, userCtx context.Context) tenant.Role {
	t.Helper()
	u, _ := tenant.UserFromContext(userCtx)
	r, err := b.app.FindMemberRole(tenant.With(context.Background(), tenant.Tenant{Org: org}), u.ID)
	if apperr.Is(err, apperr.NotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantCode(t *testing.T, err error, code apperr.Code, what string) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func TestAcceptInvite(t *testing.T) {
	b := setupInvites(t)
	inv, err := b.invites.CreateInvite(b.ownerA, "Nova@Example.com", tenant.Analyst)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "nova@example.com" || inv.Status != tenant.InvitePending || len(inv.Token) != 43 {
		t.Fatalf("new invite: %+v", inv.Invite)
	}

	// The token is not stored: only its hash is.
	owner, err := pgx.Connect(context.Background(), b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(context.Background())
	var stored, hashed int
	err = pgx.BeginFunc(context.Background(), owner, func(tx pgx.Tx) error {
		if _, err := tx.Exec(context.Background(), `select set_config('app.org_id', $1, true)`, b.orgA.ID); err != nil {
			return err
		}
		raw, _ := base64.RawURLEncoding.DecodeString(inv.Token)
		h := sha256.Sum256(raw)
		return tx.QueryRow(context.Background(), `select count(*) filter (where i::text like '%' || $1 || '%' or i::text like '%' || $2 || '%'),
			count(*) filter (where token_hash = $3) from invites i`, inv.Token, hex.EncodeToString(raw), h[:]).Scan(&stored, &hashed)
	})
	if err != nil || stored != 0 || hashed != 1 {
		t.Fatalf("rows holding the token: %d, rows holding its SHA-256: %d (%v); want 0 and 1", stored, hashed, err)
	}

	other := b.user(t, "other@example.com", true)
	_, err = b.invites.AcceptInvite(other, inv.Token)
	wantCode(t, err, apperr.Forbidden, "another verified e-mail")
	if r := b.role(t, b.orgA, other); r != "" {
		t.Fatalf("another e-mail became %s", r)
	}

	unverified := b.user(t, "nova@example.com", false)
	acc, err := b.invites.AcceptInvite(unverified, inv.Token)
	wantCode(t, err, apperr.Forbidden, "the invited e-mail, unverified")
	if acc.Org.ID != b.orgA.ID {
		t.Errorf("a refused attempt names org %q for the audit log, want %s", acc.Org.ID, b.orgA.ID)
	}
	if r := b.role(t, b.orgA, unverified); r != "" {
		t.Fatalf("an unverified account became %s", r)
	}

	verified := b.user(t, "nova@example.com", true)
	acc, err = b.invites.AcceptInvite(verified, inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Org.ID != b.orgA.ID || acc.Org.Slug != "org-a" || acc.Role != tenant.Analyst || acc.InviteID != inv.ID {
		t.Fatalf("acceptance: %+v", acc)
	}
	if r := b.role(t, b.orgA, verified); r != tenant.Analyst {
		t.Fatalf("after accepting: role %q in org A, want analyst", r)
	}
	if r := b.role(t, b.orgB, verified); r != "" {
		t.Fatalf("after accepting A's invite: role %q in org B", r)
	}

	_, err = b.invites.AcceptInvite(verified, inv.Token)
	wantCode(t, err, apperr.Gone, "the same token again")

	list, err := b.invites.FindInvites(b.ownerA, tenant.InviteFilter{Limit: 10})
	if err != nil || len(list) != 1 || list[0].Status != tenant.InviteAccepted || list[0].AcceptedAt == nil {
		t.Fatalf("org A's invites after acceptance: %v %+v", err, list)
	}
	err = b.invites.RevokeInvite(b.ownerA, inv.ID)
	wantCode(t, err, apperr.Conflict, "revoking an accepted invite")

	// An invite for someone already a member is refused.
	_, err = b.invites.CreateInvite(b.ownerA, "nova@example.com", tenant.Viewer)
	wantCode(t, err, apperr.Conflict, "inviting a member")
}

func TestAcceptInviteRefusals(t *testing.T) {
	b := setupInvites(t)
	ctx := context.Background()
	invitee := b.user(t, "late@example.com", true)

	expired, err := b.invites.CreateInvite(b.ownerA, "late@example.com", tenant.Viewer)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true)`, b.orgA.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `update invites set created_at = now() - interval '8 days', expires_at = now() - interval '1 day' where id = $1`, expired.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.invites.AcceptInvite(invitee, expired.Token)
	wantCode(t, err, apperr.Gone, "an expired invite")

	revoked, err := b.invites.CreateInvite(b.ownerA, "late@example.com", tenant.Viewer)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.invites.RevokeInvite(b.ownerA, revoked.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.invites.RevokeInvite(b.ownerA, revoked.ID); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	_, err = b.invites.AcceptInvite(invitee, revoked.Token)
	wantCode(t, err, apperr.Gone, "a revoked invite")

	// A new invite of the same address revokes the pending one.
	first, err := b.invites.CreateInvite(b.ownerA, "late@example.com", tenant.Viewer)
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.invites.CreateInvite(b.ownerA, "late@example.com", tenant.Analyst)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.invites.AcceptInvite(invitee, first.Token)
	wantCode(t, err, apperr.Gone, "a superseded invite")

	// Unknown and malformed tokens: nothing named, nothing changed.
	unknown := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	acc, err := b.invites.AcceptInvite(invitee, unknown)
	wantCode(t, err, apperr.NotFound, "an unknown token")
	if acc.Org.ID != "" {
		t.Errorf("an unknown token named org %s", acc.Org.ID)
	}
	for _, bad := range []string{"", "short", second.Token + "x", second.Token[:42] + "!"} {
		_, err = b.invites.AcceptInvite(invitee, bad)
		wantCode(t, err, apperr.Invalid, "token "+bad)
	}
	if r := b.role(t, b.orgA, invitee); r != "" {
		t.Fatalf("after refusals the invitee is %s", r)
	}
	if _, err := b.invites.AcceptInvite(invitee, second.Token); err != nil {
		t.Fatalf("the newest invite: %v", err)
	}
	if r := b.role(t, b.orgA, invitee); r != tenant.Analyst {
		t.Fatalf("role %q, want the newest invite's analyst", r)
	}
	// Already a member: a further invite cannot even be made.
	_, err = b.invites.CreateInvite(b.ownerA, "late@example.com", tenant.Admin)
	wantCode(t, err, apperr.Conflict, "inviting a member")
}

func TestInvitePermissions(t *testing.T) {
	b := setupInvites(t)
	viewer := b.member(t, b.orgA, "viewer-a@example.com", tenant.Viewer)
	adminA := b.member(t, b.orgA, "admin-a@example.com", tenant.Admin)
	_, err := b.invites.CreateInvite(viewer, "x@example.com", tenant.Viewer)
	wantCode(t, err, apperr.Forbidden, "a viewer inviting")
	_, err = b.invites.FindInvites(viewer, tenant.InviteFilter{Limit: 10})
	wantCode(t, err, apperr.Forbidden, "a viewer listing invites")
	_, err = b.invites.CreateInvite(adminA, "x@example.com", tenant.Owner)
	wantCode(t, err, apperr.Forbidden, "an admin inviting an owner")
	ownerInvite, err := b.invites.CreateInvite(b.ownerA, "x@example.com", tenant.Owner)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.invites.RevokeInvite(adminA, ownerInvite.ID), apperr.Forbidden, "an admin revoking an owner invite")
	_, err = b.invites.CreateInvite(adminA, "not an address", tenant.Viewer)
	wantCode(t, err, apperr.Invalid, "a malformed address")
	_, err = b.invites.CreateInvite(adminA, "y@example.com", "superuser")
	wantCode(t, err, apperr.Invalid, "an unknown role")
}

// One org's invites are neither listed, revoked nor accepted through
// another: an admin of B sees none of A's, cannot revoke them, and an
// invite of A makes its taker a member of A only.
func TestInvitesAreIsolated(t *testing.T) {
	b := setupInvites(t)
	ctx := context.Background()
	inv, err := b.invites.CreateInvite(b.ownerA, "shared@example.com", tenant.Admin)
	if err != nil {
		t.Fatal(err)
	}
	listB, err := b.invites.FindInvites(b.adminB, tenant.InviteFilter{Limit: 500})
	if err != nil || len(listB) != 0 {
		t.Fatalf("org B lists %d invites (%v), want none", len(listB), err)
	}
	wantCode(t, b.invites.RevokeInvite(b.adminB, inv.ID), apperr.NotFound, "org B revoking A's invite")

	// The app role, even naming the token's hash as accept_invite does,
	// reads no invite outside its tenant: the hash policy is the owner's.
	app, err := pgx.Connect(ctx, b.db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	raw, _ := base64.RawURLEncoding.DecodeString(inv.Token)
	h := sha256.Sum256(raw)
	var n int
	err = pgx.BeginFunc(ctx, app, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.invite_token_hash', $1, true), set_config('app.org_id', $2, true)`, hex.EncodeToString(h[:]), b.orgB.ID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `select count(*) from invites`).Scan(&n)
	})
	if err != nil || n != 0 {
		t.Fatalf("the app role as org B with A's token hash reads %d invites (%v)", n, err)
	}

	// Accepting as B's admin (who is not the invitee) changes nothing, and
	// leaves the transaction without A as its tenant.
	adminB, _ := tenant.UserFromContext(b.adminB)
	var outcome string
	var setting string
	var seen int
	err = pgx.BeginFunc(ctx, app, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `select outcome from accept_invite($1, $2, $3, true)`, h[:], adminB.ID, adminB.Email).Scan(&outcome); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `select coalesce(current_setting('app.org_id', true), ''), (select count(*) from memberships)`).Scan(&setting, &seen)
	})
	if err != nil || outcome != "email_mismatch" || setting != "" || seen != 0 {
		t.Fatalf("accept_invite as another user: outcome %q, app.org_id %q afterwards, %d memberships visible (%v)", outcome, setting, seen, err)
	}

	taker := b.user(t, "shared@example.com", true)
	acc, err := b.invites.AcceptInvite(taker, inv.Token)
	if err != nil || acc.Org.ID != b.orgA.ID {
		t.Fatalf("accepting: %+v %v", acc, err)
	}
	if r := b.role(t, b.orgB, taker); r != "" {
		t.Fatalf("A's invite made its taker %s of org B", r)
	}
	// After a successful accept too, the caller's transaction holds no tenant.
	err = pgx.BeginFunc(ctx, app, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select accept_invite($1, $2, $3, true)`, h[:], adminB.ID, adminB.Email); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `select coalesce(current_setting('app.org_id', true), '')`).Scan(&setting)
	})
	if err != nil || setting != "" {
		t.Fatalf("app.org_id after accept_invite: %q (%v)", setting, err)
	}
}

func TestOnboard(t *testing.T) {
	b := setupInvites(t)
	ctx := context.Background()
	o, inv, err := b.admin.Onboard(ctx, postgres.OnboardParams{
		Org:          tenant.Org{Slug: "acme", Name: "Acme", Plan: "enterprise", Isolation: tenant.IsolationDataset, Dataset: "tenant_acme"},
		Entitlements: []string{"ipca_monthly"},
		OwnerEmail:   "Dona@Acme.example",
		TTL:          time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.ID == "" || inv.Role != tenant.Owner || inv.Email != "dona@acme.example" || inv.CreatedBy != "" {
		t.Fatalf("onboarded %+v with invite %+v", o, inv.Invite)
	}
	if d := time.Until(inv.ExpiresAt); d < 59*time.Minute || d > time.Hour {
		t.Errorf("the invite expires in %s, want the TTL (1h)", d)
	}
	_, _, err = b.admin.Onboard(ctx, postgres.OnboardParams{Org: tenant.Org{Slug: "acme", Name: "Acme 2", Plan: "free", Isolation: tenant.IsolationRow}, OwnerEmail: "x@acme.example"})
	wantCode(t, err, apperr.Conflict, "a taken slug")
	_, _, err = b.admin.Onboard(ctx, postgres.OnboardParams{Org: tenant.Org{Slug: "acme-2", Name: "Acme 2", Plan: "free", Isolation: tenant.IsolationDataset, Dataset: "tenant_acme"}, OwnerEmail: "x@acme.example"})
	wantCode(t, err, apperr.Conflict, "a taken dataset")
	_, _, err = b.admin.Onboard(ctx, postgres.OnboardParams{Org: tenant.Org{Slug: "acme-3", Name: "Acme 3", Plan: "gold", Isolation: tenant.IsolationRow}, OwnerEmail: "x@acme.example"})
	wantCode(t, err, apperr.Invalid, "an unknown plan")
	if _, err := b.admin.FindOrgBySlug(ctx, "acme-3"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a refused onboarding left its org behind: %v", err)
	}

	owner := b.user(t, "dona@acme.example", true)
	acc, err := b.invites.AcceptInvite(owner, inv.Token)
	if err != nil || acc.Org.Slug != "acme" || acc.Role != tenant.Owner {
		t.Fatalf("the first owner accepting: %+v %v", acc, err)
	}
	ents, err := postgres.NewEntitlementService(b.app, func(string) bool { return true }).FindEntitlements(tenant.With(ctx, tenant.Tenant{Org: acc.Org, Role: tenant.Owner}))
	if err != nil || len(ents) != 1 || ents[0] != "ipca_monthly" {
		t.Fatalf("the new org's entitlements: %v %v", ents, err)
	}
	// Re-inviting an existing member is refused; another address works.
	_, err = b.admin.Invite(ctx, acc.Org.ID, "dona@acme.example", tenant.Owner, time.Hour)
	wantCode(t, err, apperr.Conflict, "re-inviting the owner")
	if _, err := b.admin.Invite(ctx, acc.Org.ID, "socio@acme.example", tenant.Owner, time.Hour); err != nil {
		t.Fatal(err)
	}
}

// fakeDirectory holds accounts by e-mail, creating unclaimed ones as the
// identity provider does.
type fakeDirectory map[string]tenant.Account

func (d fakeDirectory) FindOrCreateByEmail(_ context.Context, email string) (tenant.Account, error) {
	a, ok := d[email]
	if !ok {
		a = tenant.Account{Identity: tenant.Identity{FirebaseUID: "uid-" + email, Email: email}}
		d[email] = a
	}
	return a, nil
}

// Adding a member by e-mail never attaches an account someone claimed
// without verifying the address: it invites the address, and
// only the verified owner of the address gets in.
func TestAddMemberInvitesAClaimedUnverifiedAccount(t *testing.T) {
	b := setupInvites(t)
	account := func(email string, verified, claimed bool) tenant.Account {
		return tenant.Account{Identity: tenant.Identity{FirebaseUID: "uid-" + email, Email: email, EmailVerified: verified}, Claimed: claimed}
	}
	dir := fakeDirectory{
		"squatted@example.com": account("squatted@example.com", false, true),
		"proven@example.com":   account("proven@example.com", true, true),
	}
	members := postgres.NewMemberService(b.app, dir, nil)
	squatter := b.user(t, "squatted@example.com", false)

	m, inv, err := members.AddMember(b.ownerA, "squatted@example.com", tenant.Analyst)
	if err != nil || m != nil || inv == nil || inv.Role != tenant.Analyst || inv.Token == "" {
		t.Fatalf("adding a claimed, unverified account: member %+v, invite %+v, %v; want an invite only", m, inv, err)
	}
	if r := b.role(t, b.orgA, squatter); r != "" {
		t.Fatalf("the claimed account became %s", r)
	}
	_, err = b.invites.AcceptInvite(squatter, inv.Token)
	wantCode(t, err, apperr.Forbidden, "the unverified account accepting")
	owner := b.user(t, "squatted@example.com", true)
	if _, err := b.invites.AcceptInvite(owner, inv.Token); err != nil {
		t.Fatal(err)
	}
	if r := b.role(t, b.orgA, owner); r != tenant.Analyst {
		t.Fatalf("after verifying and accepting: %q", r)
	}

	for _, email := range []string{"proven@example.com", "unclaimed@example.com"} {
		m, inv, err := members.AddMember(b.ownerA, email, tenant.Viewer)
		if err != nil || m == nil || inv != nil || m.Email != email || m.Role != tenant.Viewer {
			t.Fatalf("adding %s: member %+v, invite %+v, %v; want a member", email, m, inv, err)
		}
	}
}
