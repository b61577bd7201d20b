package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config/configtest"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

type bundle struct {
	db      *pgtest.DB
	app     *postgres.DB
	invites *postgres.InviteService
	users   *postgres.UserService
}

func setup(t *testing.T) bundle {
	t.Helper()
	db := pgtest.New(t)
	app, err := postgres.New(context.Background(), postgres.Config{URL: db.AppURL, MaxConns: 2, ConnectTimeout: 5e9, StatementTimeout: 10e9})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	return bundle{db: db, app: app, invites: postgres.NewInviteService(app, nil), users: postgres.NewUserService(app)}
}

// onboard runs the command with args and returns what it printed.
func (b bundle) onboard(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut, func() (string, error) { return b.db.OwnerURL, nil })
	return out.String(), err
}

var linkRe = regexp.MustCompile(`(https?://\S+)/invite/([A-Za-z0-9_-]{43})\n`)

// link returns the base URL and token of the invite link in the output.
func link(t *testing.T, out string) (string, string) {
	t.Helper()
	m := linkRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no invite link in the output:\n%s", out)
	}
	return m[1], m[2]
}

// accept accepts the token as a signed-in user of the e-mail with a
// verified address.
func (b bundle) accept(t *testing.T, email, token string) (tenant.Acceptance, error) {
	t.Helper()
	u, err := b.users.EnsureUser(context.Background(), tenant.Identity{FirebaseUID: "uid-" + email, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	u.EmailVerified = true
	return b.invites.AcceptInvite(tenant.WithUser(context.Background(), u), token)
}

func (b bundle) orgCount(t *testing.T) int {
	t.Helper()
	admin, err := postgres.NewAdmin(context.Background(), b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	n := 0
	for _, slug := range []string{"acme", "banco-x", "banco-y"} {
		if _, err := admin.FindOrgBySlug(context.Background(), slug); err == nil {
			n++
		} else if !apperr.Is(err, apperr.NotFound) {
			t.Fatal(err)
		}
	}
	return n
}

func TestOnboardRowOrgAndItsOwner(t *testing.T) {
	b := setup(t)
	out, err := b.onboard(t, "-slug", "acme", "-name", " Acme S.A. ", "-plan", "free", "-isolation", "row",
		"-owner", "Dona@Acme.example", "-base-url", "https://app.mirante.example/")
	if err != nil {
		t.Fatal(err)
	}
	base, first := link(t, out)
	if base != "https://app.mirante.example" {
		t.Errorf("link base %q", base)
	}
	all, err := publicMarts("all")
	if err != nil || len(all) < 6 {
		t.Fatalf("the catalog's public marts: %v %v", all, err)
	}
	for _, want := range []string{"Created org acme", `"Acme S.A."`, "plan free", "row isolation", fmt.Sprintf("%d public marts", len(all)), "dona@acme.example as owner"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}

	// Running it again for the slug changes nothing and says how to re-invite.
	_, err = b.onboard(t, "-slug", "acme", "-name", "Other", "-plan", "enterprise", "-owner", "x@acme.example", "-base-url", "https://app.mirante.example")
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "-reissue") {
		t.Fatalf("onboarding a taken slug: %v", err)
	}
	_, err = b.onboard(t, "-slug", "acme", "-reissue", "-plan", "enterprise", "-owner", "dona@acme.example", "-base-url", "https://app.mirante.example")
	if err == nil || !strings.Contains(err.Error(), "-plan") {
		t.Fatalf("-reissue with -plan: %v", err)
	}

	// -reissue: a new link, and the first stops working.
	out, err = b.onboard(t, "-slug", "acme", "-reissue", "-owner", "dona@acme.example", "-base-url", "https://app.mirante.example", "-ttl", "48h")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "nothing of it changed") || !strings.Contains(out, "plan free") {
		t.Errorf("the reissue's output:\n%s", out)
	}
	_, second := link(t, out)
	if _, err := b.accept(t, "dona@acme.example", first); !apperr.Is(err, apperr.Gone) {
		t.Fatalf("the first link after -reissue: %v, want gone", err)
	}
	if _, err := b.accept(t, "intruso@acme.example", second); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("another address with the link: %v, want forbidden", err)
	}
	acc, err := b.accept(t, "dona@acme.example", second)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Org.Slug != "acme" || acc.Org.Name != "Acme S.A." || acc.Org.Plan != "free" || acc.Role != tenant.Owner {
		t.Fatalf("accepted into %+v as %s", acc.Org, acc.Role)
	}
	ents, err := postgres.NewEntitlementService(b.app, func(string) bool { return true }).
		FindEntitlements(tenant.With(context.Background(), tenant.Tenant{Org: acc.Org, Role: tenant.Owner}))
	if err != nil || !slices.Equal(ents, all) {
		t.Fatalf("the new org's entitlements: %v %v, want the catalog's public marts %v", ents, err, all)
	}
	// The owner is a member now: inviting the address again is refused.
	_, err = b.onboard(t, "-slug", "acme", "-reissue", "-owner", "dona@acme.example", "-base-url", "https://app.mirante.example")
	if err == nil || !strings.Contains(err.Error(), "already a member") {
		t.Fatalf("re-inviting the owner who accepted: %v", err)
	}
	_, err = b.onboard(t, "-slug", "nobody", "-reissue", "-owner", "dona@acme.example", "-base-url", "https://app.mirante.example")
	if err == nil || !strings.Contains(err.Error(), "no org with the slug nobody") {
		t.Fatalf("-reissue of an unknown slug: %v", err)
	}
}

func TestOnboardDatasetOrg(t *testing.T) {
	b := setup(t)
	dir := t.TempDir()
	listed := filepath.Join(dir, "listed.tfvars")
	if err := os.WriteFile(listed, []byte("project_id = \"p\"\ntenant_datasets = [\"tenant_banco_regional\", \"tenant_banco_x\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unlisted := filepath.Join(dir, "unlisted.tfvars")
	if err := os.WriteFile(unlisted, []byte("tenant_datasets = [\"tenant_banco_regional\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"-name", "Banco X", "-plan", "enterprise", "-owner", "cfo@banco-x.example", "-base-url", "http://127.0.0.1:5173", "-entitlements", "ipca_monthly,pib_municipal"}

	_, err := b.onboard(t, append([]string{"-slug", "banco-x", "-isolation", "dataset"}, common...)...)
	if err == nil || !strings.Contains(err.Error(), "-dataset") {
		t.Fatalf("dataset mode without -dataset: %v", err)
	}
	_, err = b.onboard(t, append([]string{"-slug", "banco-x", "-isolation", "dataset", "-dataset", "tenant_banco_x", "-tfvars", unlisted}, common...)...)
	if err == nil || !strings.Contains(err.Error(), `tenant_datasets = [..., "tenant_banco_x"]`) {
		t.Fatalf("a tfvars file without the dataset: %v", err)
	}
	if n := b.orgCount(t); n != 0 {
		t.Fatalf("refused runs created %d orgs", n)
	}
	out, err := b.onboard(t, append([]string{"-slug", "banco-x", "-isolation", "dataset", "-dataset", "tenant_banco_x", "-tfvars", listed}, common...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "dataset isolation, 2 public marts") || !strings.Contains(out, `tenant_datasets = [..., "tenant_banco_x"]`) {
		t.Errorf("the output:\n%s", out)
	}
	base, token := link(t, out)
	if base != "http://127.0.0.1:5173" {
		t.Errorf("link base %q", base)
	}
	// Another org cannot be given the same dataset.
	_, err = b.onboard(t, append([]string{"-slug", "banco-y", "-isolation", "dataset", "-dataset", "tenant_banco_x"}, common...)...)
	if err == nil || !strings.Contains(err.Error(), "belongs to another org") {
		t.Fatalf("a second org on the dataset: %v", err)
	}
	acc, err := b.accept(t, "cfo@banco-x.example", token)
	if err != nil || acc.Org.Isolation != tenant.IsolationDataset || acc.Org.Dataset != "tenant_banco_x" {
		t.Fatalf("accepted into %+v (%v)", acc.Org, err)
	}
	if n := b.orgCount(t); n != 1 {
		t.Fatalf("%d orgs, want banco-x only", n)
	}
}

func TestOnboardRefusesBadInputBeforeConnecting(t *testing.T) {
	ok := []string{"-slug", "acme", "-name", "Acme", "-owner", "a@acme.example", "-base-url", "https://app.example"}
	with := func(flag, value string) []string {
		out := append([]string{}, ok...)
		for i := 0; i < len(out); i += 2 {
			if out[i] == flag {
				out[i+1] = value
				return out
			}
		}
		return append(out, flag, value)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no slug", with("-slug", ""), "-slug"},
		{"uppercase slug", with("-slug", "Acme"), "-slug"},
		{"uuid slug", with("-slug", "9b1f6e2a-8c4d-4e7f-a0b1-c2d3e4f5a6b7"), "-slug"},
		{"no name", with("-name", " "), "-name"},
		{"no owner", with("-owner", ""), "-owner"},
		{"two owners", with("-owner", "a@acme.example, b@acme.example"), "-owner"},
		{"plain http", with("-base-url", "http://app.example"), "-base-url"},
		{"a query", with("-base-url", "https://app.example/?x=1"), "-base-url"},
		{"no base url", with("-base-url", ""), "-base-url"},
		{"isolation", with("-isolation", "schema"), "-isolation"},
		{"dataset in row mode", with("-dataset", "tenant_acme"), "-dataset"},
		{"bad dataset", append(with("-isolation", "dataset"), "-dataset", "acme"), "-dataset"},
		{"ttl", with("-ttl", "1m"), "-ttl"},
		{"entitlement", with("-entitlements", "comex_monthly,tenant_metrics"), "tenant_metrics"},
		{"stray argument", append(append([]string{}, ok...), "extra"), "extra"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, &out, &errOut, func() (string, error) {
				return "", errors.New("connected despite bad input")
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

func TestOnboardRefusesAnUnknownPlan(t *testing.T) {
	b := setup(t)
	_, err := b.onboard(t, "-slug", "acme", "-name", "Acme", "-plan", "gold", "-owner", "a@acme.example", "-base-url", "https://app.example")
	if err == nil || !strings.Contains(err.Error(), `"gold" is not a plan`) || !strings.Contains(err.Error(), "enterprise") {
		t.Fatalf("unknown plan: %v", err)
	}
	if n := b.orgCount(t); n != 0 {
		t.Fatalf("%d orgs after a refusal", n)
	}
}

// The production run (infra/onboard.cloudbuild.yaml) passes only flags the
// command defines.
func TestCloudBuildPassesKnownFlags(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "infra", "onboard.cloudbuild.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fs := flags(&options{})
	var seen int
	for _, m := range regexp.MustCompile(`args\+?=\(([^)]*)\)`).FindAllStringSubmatch(string(raw), -1) {
		for _, f := range regexp.MustCompile(`(?:^|\s)-([a-z][a-z-]*)`).FindAllStringSubmatch(m[1], -1) {
			seen++
			if fs.Lookup(f[1]) == nil {
				t.Errorf("the build passes -%s, which the command does not define", f[1])
			}
		}
	}
	if seen < 9 {
		t.Fatalf("found %d flags in the build's script, want every one it passes (at least 9)", seen)
	}
}

func TestConfigIsDocumented(t *testing.T) {
	configtest.AssertDocumented(t, "../../../shared/config/README.md", &Config{})
}
