// Command onboard creates an organisation and invites its first owner, as
// the schema owner (DATABASE_URL, like the migrations):
//
//	onboard -slug acme -name "Acme S.A." -plan standard -isolation row \
//	        -owner dona@acme.com.br -base-url https://app.example.com
//
// It creates the org with its plan, isolation mode and public-mart
// entitlements, and an owner invite for the address, in one transaction,
// and prints the invite link (<base-url>/invite/<token>) for the operator to
// send: nothing here sends mail. Whoever opens the link signs in, or creates
// the account, with that address, verifies it, and lands in the org as its
// owner (POST /v1/invites/accept). The token is printed once and only its
// hash is stored.
//
// Dataset mode (-isolation dataset -dataset tenant_acme) gives the org a
// BigQuery dataset of its own, which Terraform creates with its table and
// grants (var.tenant_datasets): the command never creates it, prints the
// tfvars line to add, and with -tfvars refuses unless that file already
// lists the dataset. Locally DuckDB creates the schema on the first upload.
//
// An existing slug is refused; -reissue instead invites the owner address
// into the existing org again (revoking its pending invite) and changes
// nothing else. infra/DEPLOY.md, "Onboarding an organisation", has the
// production run; `make onboard` runs it against the local stack.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
)

// Config is the command's environment.
type Config struct {
	OwnerURL string `envconfig:"DATABASE_URL" required:"true" desc:"PostgreSQL URL of the schema owner (mirante_owner), as for migrations"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, func() (string, error) {
		var cfg Config
		err := config.Load(&cfg)
		return cfg.OwnerURL, err
	})
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "onboard:", err)
		os.Exit(1)
	}
}

// options are the command line's.
type options struct {
	slug, name, plan, isolation, dataset string
	owner, baseURL, tfvars, entitlements string
	ttl                                  time.Duration
	reissue                              bool
	set                                  map[string]bool
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flags(&o)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (every value is a flag; see -h)", fs.Arg(0))
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return o, nil
}

// flags defines the command line into o.
func flags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("onboard", flag.ContinueOnError)
	fs.StringVar(&o.slug, "slug", "", "the org's slug, as in /v1/orgs/{slug} (a-z, 0-9, -)")
	fs.StringVar(&o.name, "name", "", "the org's display name")
	fs.StringVar(&o.plan, "plan", "standard", "the plan: free, standard or enterprise (the plans table)")
	fs.StringVar(&o.isolation, "isolation", "row", "row (shared tenant mart) or dataset (a BigQuery dataset of its own)")
	fs.StringVar(&o.dataset, "dataset", "", "dataset mode: the org's BigQuery dataset, tenant_<name>")
	fs.StringVar(&o.tfvars, "tfvars", "", "dataset mode: the environment's tfvars file, which must list -dataset in tenant_datasets")
	fs.StringVar(&o.entitlements, "entitlements", "all", `public marts the org may query: "all", "none" or a comma-separated list`)
	fs.StringVar(&o.owner, "owner", "", "e-mail address of the first owner, who gets the invite")
	fs.StringVar(&o.baseURL, "base-url", "", "the app's address; the invite link is <base-url>/invite/<token>")
	fs.DurationVar(&o.ttl, "ttl", tenant.DefaultInviteTTL, "how long the invite stays acceptable (1h to 720h)")
	fs.BoolVar(&o.reissue, "reissue", false, "the org exists: invite -owner into it again and change nothing else")
	return fs
}

var (
	slugRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// check refuses what the database would refuse, in words that name the flag.
func (o *options) check() error {
	if !slugRe.MatchString(o.slug) || uuidRe.MatchString(o.slug) {
		return errors.New("-slug: required; 1 to 63 of a-z, 0-9 and -, neither starting nor ending with -")
	}
	if err := o.checkOwner(); err != nil {
		return err
	}
	if err := o.checkBaseURL(); err != nil {
		return err
	}
	if o.ttl < time.Hour || o.ttl > 30*24*time.Hour {
		return errors.New("-ttl: must be from 1h to 720h")
	}
	if o.reissue {
		for _, f := range []string{"name", "plan", "isolation", "dataset", "tfvars", "entitlements"} {
			if o.set[f] {
				return fmt.Errorf("-%s: -reissue only invites the owner again and changes nothing of the org; leave -%s out", f, f)
			}
		}
		return nil
	}
	if n := len([]rune(strings.TrimSpace(o.name))); n < 1 || n > 200 {
		return errors.New("-name: required, at most 200 characters")
	}
	o.name = strings.TrimSpace(o.name)
	switch tenant.Isolation(o.isolation) {
	case tenant.IsolationRow:
		if o.dataset != "" || o.tfvars != "" {
			return errors.New("-dataset, -tfvars: only with -isolation dataset")
		}
	case tenant.IsolationDataset:
		// The same form as orgs.warehouse_dataset's CHECK and
		// infra/modules/bigquery's tenant_datasets validation.
		if !tenant.ValidDataset(o.dataset) {
			return errors.New("-dataset: required with -isolation dataset; " + tenant.DatasetPrefix + " then 1 to 120 of a-z, 0-9 and _ (e.g. " + tenant.DatasetPrefix + strings.ReplaceAll(o.slug, "-", "_") + ")")
		}
		if o.tfvars != "" {
			if err := tfvarsLists(o.tfvars, o.dataset); err != nil {
				return err
			}
		}
	default:
		return errors.New("-isolation: must be row or dataset")
	}
	return nil
}

func (o *options) checkOwner() error {
	o.owner = strings.ToLower(strings.TrimSpace(o.owner))
	a, err := mail.ParseAddress(o.owner)
	if o.owner == "" || err != nil || a.Address != o.owner || !strings.Contains(o.owner[strings.LastIndex(o.owner, "@")+1:], ".") {
		return errors.New("-owner: required, one e-mail address (name@example.com)")
	}
	return nil
}

func (o *options) checkBaseURL() error {
	u, err := url.Parse(o.baseURL)
	bad := errors.New("-base-url: required, the app's https:// address (http:// only for 127.0.0.1 or localhost), without query or fragment")
	if o.baseURL == "" || err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad
	}
	local := u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost"
	if u.Scheme != "https" && (u.Scheme != "http" || !local) {
		return bad
	}
	o.baseURL = strings.TrimRight(u.String(), "/")
	return nil
}

// tfvarsLists refuses unless the tfvars file's tenant_datasets holds dataset.
func tfvarsLists(path, dataset string) error {
	line := fmt.Sprintf(`tenant_datasets = [..., %q]`, dataset)
	f, diags := hclparse.NewParser().ParseHCLFile(path)
	if diags.HasErrors() {
		return fmt.Errorf("-tfvars: %s", diags.Error())
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return fmt.Errorf("-tfvars: %s", diags.Error())
	}
	attr, ok := attrs["tenant_datasets"]
	if !ok {
		return fmt.Errorf("-tfvars: %s sets no tenant_datasets; add %s and terraform apply first", path, line)
	}
	v, diags := attr.Expr.Value(&hcl.EvalContext{})
	if diags.HasErrors() || !(v.Type().IsListType() || v.Type().IsTupleType()) {
		return fmt.Errorf("-tfvars: tenant_datasets in %s is not a list of names", path)
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() == cty.String && e.IsKnown() && !e.IsNull() && e.AsString() == dataset {
			return nil
		}
	}
	return fmt.Errorf("-tfvars: %s does not list %s in tenant_datasets; add it (%s), terraform apply, then onboard", path, dataset, line)
}

// publicMarts reads the value of -entitlements against the catalog.
func publicMarts(spec string) ([]string, error) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		return nil, err
	}
	var all []string
	for _, d := range cat.Datasets() {
		if cat.IsPublic(d.ID) {
			all = append(all, d.ID)
		}
	}
	switch spec {
	case "all":
		return all, nil
	case "none":
		return nil, nil
	}
	var out []string
	for _, id := range strings.Split(spec, ",") {
		id = strings.TrimSpace(id)
		if !slices.Contains(all, id) {
			return nil, fmt.Errorf("-entitlements: %q is not a public mart (the catalog's: %s)", id, strings.Join(all, ", "))
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// run onboards as args say, printing to out; ownerURL reads the owner's
// database URL once the arguments are found sound.
func run(ctx context.Context, args []string, out, stderr io.Writer, ownerURL func() (string, error)) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	var marts []string
	if !o.reissue {
		if marts, err = publicMarts(o.entitlements); err != nil {
			return err
		}
	}
	dbURL, err := ownerURL()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	admin, err := postgres.NewAdmin(ctx, dbURL)
	if err != nil {
		return err
	}
	defer admin.Close()

	var org tenant.Org
	var inv *tenant.IssuedInvite
	if o.reissue {
		if org, err = admin.FindOrgBySlug(ctx, o.slug); err != nil {
			return explain(err)
		}
		if inv, err = admin.Invite(ctx, org.ID, o.owner, tenant.Owner, o.ttl); err != nil {
			return explain(err)
		}
		fmt.Fprintf(out, "Org %s (id %s) exists: plan %s, %s isolation; nothing of it changed.\n", org.Slug, org.ID, org.Plan, org.Isolation)
	} else {
		plans, err := admin.FindPlans(ctx)
		if err != nil {
			return err
		}
		if !slices.Contains(plans, o.plan) {
			return fmt.Errorf("-plan: %q is not a plan (the plans table has %s)", o.plan, strings.Join(plans, ", "))
		}
		org, inv, err = admin.Onboard(ctx, postgres.OnboardParams{
			Org:          tenant.Org{Slug: o.slug, Name: o.name, Plan: o.plan, Isolation: tenant.Isolation(o.isolation), Dataset: o.dataset},
			Entitlements: marts,
			OwnerEmail:   o.owner,
			TTL:          o.ttl,
		})
		if err != nil {
			if apperr.Is(err, apperr.Conflict) && strings.Contains(err.Error(), "slug") {
				return fmt.Errorf("%v; to invite its owner again, run with -reissue (and only -slug, -owner, -base-url)", explain(err))
			}
			return explain(err)
		}
		fmt.Fprintf(out, "Created org %s (id %s): %q, plan %s, %s isolation, %d public marts.\n",
			org.Slug, org.ID, org.Name, org.Plan, org.Isolation, len(marts))
	}
	if org.Isolation == tenant.IsolationDataset {
		fmt.Fprintf(out, "Its data lives in the BigQuery dataset %s, which Terraform creates: infra/envs/<env>.tfvars must hold\n"+
			"  tenant_datasets = [..., %q]\nand be applied before the org's first upload or query.\n", org.Dataset, org.Dataset)
	}
	fmt.Fprintf(out, "\nInvited %s as owner. The link works once, until %s:\n\n  %s/invite/%s\n\n",
		inv.Email, inv.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"), o.baseURL, inv.Token)
	fmt.Fprintf(out, "Send it to %s yourself. They sign in, or create their account, with that address,\n"+
		"verify it, and land in %s as its owner. Nobody else can use the link.\n", inv.Email, org.Slug)
	return nil
}

// explain turns a coded error into its message alone (no code prefix).
func explain(err error) error {
	if e, ok := apperr.As(err); ok {
		return errors.New(e.Message)
	}
	return err
}
