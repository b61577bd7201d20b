// Package infra holds Mirante's Terraform (the root main.tf composes the
// modules under infra/modules) and the policy that every .tf file must obey.
// No provider can be downloaded where the tests run, so `terraform validate`
// cannot: instead policy_test.go parses every file with hashicorp/hcl and runs
// the rules below (plus a reference check that catches what validate would:
// unknown variables, locals, resources, module inputs and outputs), then runs
// tflint with its bundled terraform ruleset.
//
// Each rule is a function of a parsed Config, so the tests feed the same
// functions small bad snippets and check that each rule catches them.
package infra

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// File is one parsed .tf or .tfvars file.
type File struct {
	Path string // as loaded, for messages
	Name string // base name
	Src  []byte
	Body *hclsyntax.Body
}

// Module is the .tf files of one directory.
type Module struct {
	Dir   string // cleaned, slash-separated, relative to the repository root ("." for the root)
	Files []*File
}

// Config is everything the rules look at.
type Config struct {
	Modules  []*Module
	VarFiles []*File // infra/envs/*.tfvars
}

// Finding is one policy violation.
type Finding struct {
	Rule string
	Pos  string
	Msg  string
}

func (f Finding) String() string { return fmt.Sprintf("%s: [%s] %s", f.Pos, f.Rule, f.Msg) }

// Rule is one policy check.
type Rule struct {
	Name  string
	Doc   string
	Check func(*Config) []Finding
}

// Load parses the root module (the .tf files in repoRoot), every directory of
// .tf files under repoRoot/infra (skipping hidden ones such as .terraform) and
// infra/envs/*.tfvars.
func Load(repoRoot string) (*Config, error) {
	sources := map[string]map[string][]byte{}
	var varFiles []string
	add := func(path string) error {
		rel, err := filepath.Rel(repoRoot, path)
		if err != nil {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		if sources[dir] == nil {
			sources[dir] = map[string][]byte{}
		}
		sources[dir][filepath.Base(rel)] = src
		return nil
	}
	rootTF, err := filepath.Glob(filepath.Join(repoRoot, "*.tf"))
	if err != nil {
		return nil, err
	}
	for _, p := range rootTF {
		if err := add(p); err != nil {
			return nil, err
		}
	}
	err = filepath.WalkDir(filepath.Join(repoRoot, "infra"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != filepath.Join(repoRoot, "infra") {
			return filepath.SkipDir
		}
		switch {
		case d.IsDir():
		case strings.HasSuffix(path, ".tf"):
			return add(path)
		case strings.HasSuffix(path, ".tfvars"):
			varFiles = append(varFiles, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	vars := map[string][]byte{}
	for _, p := range varFiles {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		vars[filepath.ToSlash(rel)] = src
	}
	return Parse(sources, vars)
}

// Parse builds a Config from sources: module directory -> file name -> text,
// and tfvars path -> text. The tests use it for snippets.
func Parse(modules map[string]map[string][]byte, varFiles map[string][]byte) (*Config, error) {
	c := &Config{}
	var diags hcl.Diagnostics
	for _, dir := range sortedKeys(modules) {
		m := &Module{Dir: cleanDir(dir)}
		for _, name := range sortedKeys(modules[dir]) {
			path := name
			if m.Dir != "." {
				path = m.Dir + "/" + name
			}
			f, d := parseFile(path, modules[dir][name])
			diags = append(diags, d...)
			if f != nil {
				m.Files = append(m.Files, f)
			}
		}
		c.Modules = append(c.Modules, m)
	}
	for _, path := range sortedKeys(varFiles) {
		f, d := parseFile(path, varFiles[path])
		diags = append(diags, d...)
		if f != nil {
			c.VarFiles = append(c.VarFiles, f)
		}
	}
	if diags.HasErrors() {
		return c, diags
	}
	return c, nil
}

func parseFile(path string, src []byte) (*File, hcl.Diagnostics) {
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if f == nil {
		return nil, diags
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, diags
	}
	return &File{Path: path, Name: filepath.Base(path), Src: src, Body: body}, diags
}

func cleanDir(dir string) string { return filepath.ToSlash(filepath.Clean(dir)) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Root is the root module, or nil.
func (c *Config) Root() *Module { return c.Module(".") }

// Module returns the module in dir, or nil.
func (c *Config) Module(dir string) *Module {
	dir = cleanDir(dir)
	for _, m := range c.Modules {
		if m.Dir == dir {
			return m
		}
	}
	return nil
}

// Block is a top-level block with the file it is in.
type Block struct {
	*hclsyntax.Block
	File   *File
	Module *Module
}

// Pos is file:line of the block.
func (b Block) Pos() string { return pos(b.File, b.DefRange()) }

func pos(f *File, r hcl.Range) string { return fmt.Sprintf("%s:%d", f.Path, r.Start.Line) }

// Blocks lists the top-level blocks of type typ whose first labels equal labels.
func (m *Module) Blocks(typ string, labels ...string) []Block {
	var out []Block
	for _, f := range m.Files {
		for _, b := range f.Body.Blocks {
			if b.Type != typ || len(b.Labels) < len(labels) {
				continue
			}
			match := true
			for i, l := range labels {
				if b.Labels[i] != l {
					match = false
				}
			}
			if match {
				out = append(out, Block{Block: b, File: f, Module: m})
			}
		}
	}
	return out
}

// Resources lists every resource block of the given type in every module.
func (c *Config) Resources(typ string) []Block {
	var out []Block
	for _, m := range c.Modules {
		out = append(out, m.Blocks("resource", typ)...)
	}
	return out
}

// AllBlocks lists every top-level block in every module.
func (c *Config) AllBlocks() []Block {
	var out []Block
	for _, m := range c.Modules {
		for _, f := range m.Files {
			for _, b := range f.Body.Blocks {
				out = append(out, Block{Block: b, File: f, Module: m})
			}
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Body and expression helpers.

// attr returns the attribute name of body, following nested block types in
// path first (e.g. attr(b, "settings", "backup_configuration", "enabled")).
// Content of `dynamic "x"` blocks counts as an x block.
func attr(body *hclsyntax.Body, path ...string) *hclsyntax.Attribute {
	for _, name := range path[:len(path)-1] {
		bs := blocks(body, name)
		if len(bs) == 0 {
			return nil
		}
		body = bs[0]
	}
	return body.Attributes[path[len(path)-1]]
}

// blocks returns the bodies of the nested blocks of type typ (static or dynamic).
func blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Body {
	var out []*hclsyntax.Body
	for _, b := range body.Blocks {
		switch {
		case b.Type == typ:
			out = append(out, b.Body)
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
			for _, c := range b.Body.Blocks {
				if c.Type == "content" {
					out = append(out, c.Body)
				}
			}
		}
	}
	return out
}

// hasBlock reports whether body has a nested block typ along path.
func hasBlock(body *hclsyntax.Body, path ...string) bool {
	for _, name := range path {
		bs := blocks(body, name)
		if len(bs) == 0 {
			return false
		}
		body = bs[0]
	}
	return true
}

// literal evaluates an expression that needs no variables and no functions.
func literal(e hclsyntax.Expression) (cty.Value, bool) {
	if e == nil {
		return cty.NilVal, false
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return cty.NilVal, false
	}
	return v, true
}

func literalString(e hclsyntax.Expression) (string, bool) {
	v, ok := literal(e)
	if !ok || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

func literalBool(e hclsyntax.Expression) (bool, bool) {
	v, ok := literal(e)
	if !ok || v.Type() != cty.Bool {
		return false, false
	}
	return v.True(), true
}

func attrExpr(a *hclsyntax.Attribute) hclsyntax.Expression {
	if a == nil {
		return nil
	}
	return a.Expr
}

// traversal returns an expression's static reference as "a.b.c" (index steps
// with string keys as ["k"]), or "" when it is not a plain reference.
func traversal(e hclsyntax.Expression) string {
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return ""
	}
	return traversalString(st.Traversal)
}

func traversalString(t hcl.Traversal) string {
	var sb strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			sb.WriteString(s.Name)
		case hcl.TraverseAttr:
			sb.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type() == cty.String {
				sb.WriteString(fmt.Sprintf("[%q]", s.Key.AsString()))
			} else {
				sb.WriteString("[*]")
			}
		default:
			sb.WriteString("[?]")
		}
	}
	return sb.String()
}

// rootRef is the reference an expression starts from: for
// google_pubsub_topic.dead_letter[each.key].id it is google_pubsub_topic.dead_letter.
func rootRef(e hclsyntax.Expression) string {
	for {
		switch x := e.(type) {
		case *hclsyntax.RelativeTraversalExpr:
			e = x.Source
		case *hclsyntax.IndexExpr:
			e = x.Collection
		case *hclsyntax.ScopeTraversalExpr:
			return traversalString(x.Traversal)
		default:
			return ""
		}
	}
}

// isVarRegion reports whether e is exactly var.region.
func isVarRegion(e hclsyntax.Expression) bool { return traversal(e) == "var.region" }

// text is the source text of a node.
func text(f *File, r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(f.Src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(f.Src[r.Start.Byte:r.End.Byte])
}

// stringLiterals calls fn for every string literal (including the literal
// parts of templates) under node.
func stringLiterals(node hclsyntax.Node, fn func(s string, r hcl.Range)) {
	_ = hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		if lit, ok := n.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			fn(lit.Val.AsString(), lit.SrcRange)
		}
		return nil
	})
}

// locals returns the module's locals by name.
func (m *Module) locals() map[string]*hclsyntax.Attribute {
	out := map[string]*hclsyntax.Attribute{}
	for _, b := range m.Blocks("locals") {
		for name, a := range b.Body.Attributes {
			out[name] = a
		}
	}
	return out
}

// resolvedText is an expression's source, with a bare local.X replaced by the
// local's own expression (one level), for checks on values such as members.
func resolvedText(b Block, e hclsyntax.Expression) string {
	if e == nil {
		return ""
	}
	t := traversal(e)
	if name, ok := strings.CutPrefix(t, "local."); ok {
		if a := b.Module.locals()[name]; a != nil {
			for _, f := range b.Module.Files {
				if f.Path == a.SrcRange.Filename {
					return text(f, a.Expr.Range())
				}
			}
		}
	}
	return text(b.File, e.Range())
}

// ---------------------------------------------------------------------------
// The policy.

// Deployables maps each deployable to its Cloud Run resource and its service
// account key in the iam module's outputs.
var Deployables = []struct {
	Name     string // service or job name
	Resource string // google_cloud_run_v2_service.<x> / google_cloud_run_v2_job.<x>
	Job      bool
	SA       string // google_service_account.<SA> and var.service_accounts.<SA>
	File     string // the .tf file that holds it (STYLE.md: one file per deployable)
}{
	{"api", "api", false, "api", "function_api.tf"},
	{"scheduler", "scheduler", false, "scheduler", "function_scheduler.tf"},
	{"dispatch", "dispatch", false, "dispatch", "function_dispatch.tf"},
	{"ingest", "ingest", false, "ingest", "function_ingest.tf"},
	{"quarto-job", "quarto", true, "quarto_job", "job_quarto.tf"},
}

// RequiredAlerts are issue 9's alert policies (google_monitoring_alert_policy names).
var RequiredAlerts = []string{
	"pipeline_failure",
	"source_past_sla",
	"report_queue_age",
	"dead_letter_not_empty",
	"bigquery_bytes_over_budget",
	"http_5xx_rate",
	"latency_p95_slo",
}

// LargeMarts must require a partition filter.
var LargeMarts = []string{"comex_monthly", "comex_municipal_monthly", "caged_monthly", "antaq_monthly"}

// regionalResources names the region argument of each regional resource type
// that must be present (other types' region/location, when present, are held
// to var.region by the same rule).
var regionalResources = map[string]string{
	"google_sql_database_instance":                   "region",
	"google_redis_instance":                          "region",
	"google_compute_subnetwork":                      "region",
	"google_cloud_run_v2_service":                    "location",
	"google_cloud_run_v2_job":                        "location",
	"google_cloud_run_v2_service_iam_member":         "location",
	"google_cloud_run_v2_job_iam_member":             "location",
	"google_cloud_scheduler_job":                     "region",
	"google_cloud_tasks_queue":                       "location",
	"google_cloud_tasks_queue_iam_member":            "location",
	"google_storage_bucket":                          "location",
	"google_bigquery_dataset":                        "location",
	"google_artifact_registry_repository":            "location",
	"google_artifact_registry_repository_iam_member": "location",
	"google_cloudbuild_worker_pool":                  "location",
	"google_cloudbuild_trigger":                      "location",
}

var regionLiteral = regexp.MustCompile(`\b(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-(?:central|east|west|north|south|northeast|southeast|southwest|northwest)[0-9]{1,2}\b`)

var basicRoles = map[string]bool{"roles/owner": true, "roles/editor": true, "roles/viewer": true}

// projectRoles may be granted at project level: they exist nowhere narrower
// (BigQuery jobs, telemetry, Cloud SQL connect, Hosting, build pools).
var projectRoles = map[string]bool{
	"roles/bigquery.jobUser":                  true,
	"roles/monitoring.metricWriter":           true,
	"roles/cloudtrace.agent":                  true,
	"roles/logging.logWriter":                 true,
	"roles/cloudsql.client":                   true,
	"roles/firebasehosting.admin":             true,
	"roles/serviceusage.serviceUsageConsumer": true,
	"roles/cloudbuild.workerPoolUser":         true,
}

var exactVersion = regexp.MustCompile(`^=\s*[0-9]+\.[0-9]+\.[0-9]+$`)

// Rules is the whole policy, in the order the report lists it.
var Rules = []Rule{
	{"region", "every regional resource sets its region/location, and every region/location anywhere is var.region", RuleRegion},
	{"region-literal", "no region name in any string except the default of the root's variable \"region\"", RuleRegionLiteral},
	{"bigquery-location", "every BigQuery dataset's location is var.region", RuleBigQueryLocation},
	{"bigquery-marts", "the large marts are partitioned, clustered and require a partition filter", RuleBigQueryMarts},
	{"basic-roles", "no roles/owner, roles/editor or roles/viewer anywhere", RuleBasicRoles},
	{"public", "allUsers/allAuthenticatedUsers only as the api service's run.invoker binding", RulePublic},
	{"project-iam", "project-level grants are additive and limited to roles that have no narrower scope; no authoritative IAM", RuleProjectIAM},
	{"buckets", "buckets are versioned, uniform, public-access-prevented, have lifecycle rules, and no ACL resources", RuleBuckets},
	{"pubsub", "subscriptions retry and dead-letter (with the service agent's grants); topics persist only in var.region", RulePubSub},
	{"cloudsql", "Cloud SQL is PostgreSQL 16, private IP only, backups + PITR, deletion protection set", RuleCloudSQL},
	{"secrets", "secrets replicate only to var.region", RuleSecrets},
	{"service-accounts", "one service account per deployable, per environment", RuleServiceAccounts},
	{"run-identity", "each deployable runs as its own account, lives in its own file, reaches the VPC, and has invokers", RuleRunIdentity},
	{"providers", "google and google-beta pinned exactly at the root; no provider blocks in modules", RuleProviders},
	{"backend", "the root has a gcs backend", RuleBackend},
	{"alerts", "issue 9's alert policies, a dashboard and a budget exist", RuleAlerts},
	{"references", "variables, locals, resources, module inputs and outputs that are referenced exist", RuleReferences},
	{"tfvars", "each env's tfvars sets every required root variable and nothing undeclared; prod is deletion-protected", RuleTfvars},
}

// Check runs every rule.
func Check(c *Config) []Finding {
	var out []Finding
	for _, r := range Rules {
		out = append(out, r.Check(c)...)
	}
	return out
}

func finding(rule string, b Block, format string, args ...any) Finding {
	return Finding{Rule: rule, Pos: b.Pos(), Msg: fmt.Sprintf("%s %s: ", b.Type, strings.Join(b.Labels, ".")) + fmt.Sprintf(format, args...)}
}

// RuleRegion: see Rules.
func RuleRegion(c *Config) []Finding {
	var out []Finding
	for _, b := range c.AllBlocks() {
		if b.Type == "resource" && len(b.Labels) == 2 {
			if name, ok := regionalResources[b.Labels[0]]; ok && b.Body.Attributes[name] == nil {
				out = append(out, finding("region", b, "regional resource without %s (it would fall back to the provider default)", name))
			}
		}
		if b.Type == "variable" || b.Type == "output" {
			continue
		}
		_ = hclsyntax.VisitAll(b.Body, func(n hclsyntax.Node) hcl.Diagnostics {
			body, ok := n.(*hclsyntax.Body)
			if !ok {
				return nil
			}
			for _, key := range []string{"region", "location"} {
				if a := body.Attributes[key]; a != nil && !isVarRegion(a.Expr) {
					out = append(out, Finding{"region", pos(b.File, a.SrcRange), fmt.Sprintf("%s %s: %s = %s, want var.region", b.Type, strings.Join(b.Labels, "."), key, text(b.File, a.Expr.Range()))})
				}
			}
			return nil
		})
	}
	return out
}

// RuleRegionLiteral: see Rules.
func RuleRegionLiteral(c *Config) []Finding {
	var out []Finding
	check := func(f *File, node hclsyntax.Node, where string) {
		stringLiterals(node, func(s string, r hcl.Range) {
			if m := regionLiteral.FindString(s); m != "" {
				out = append(out, Finding{"region-literal", pos(f, r), fmt.Sprintf("%s: literal region %q; use var.region", where, m)})
			}
		})
	}
	for _, m := range c.Modules {
		for _, f := range m.Files {
			for _, b := range f.Body.Blocks {
				if m.Dir == "." && b.Type == "variable" && len(b.Labels) == 1 && b.Labels[0] == "region" {
					continue // the one place the region is written
				}
				check(f, b, b.Type+" "+strings.Join(b.Labels, "."))
			}
			for _, a := range f.Body.Attributes {
				check(f, a, a.Name)
			}
		}
	}
	for _, f := range c.VarFiles {
		check(f, f.Body, f.Name)
	}
	return out
}

// RuleBigQueryLocation: see Rules.
func RuleBigQueryLocation(c *Config) []Finding {
	var out []Finding
	for _, b := range c.Resources("google_bigquery_dataset") {
		if a := b.Body.Attributes["location"]; a == nil || !isVarRegion(a.Expr) {
			out = append(out, finding("bigquery-location", b, "location must be var.region"))
		}
	}
	return out
}

// RuleBigQueryMarts: see Rules.
func RuleBigQueryMarts(c *Config) []Finding {
	var out []Finding
	tables := map[string]Block{}
	for _, b := range c.Resources("google_bigquery_table") {
		if id, ok := literalString(attrExpr(b.Body.Attributes["table_id"])); ok {
			tables[id] = b
		}
	}
	for _, name := range LargeMarts {
		b, ok := tables[name]
		if !ok {
			out = append(out, Finding{"bigquery-marts", "infra", fmt.Sprintf("mart %s is not defined (google_bigquery_table with table_id %q)", name, name)})
			continue
		}
		if v, ok := literalBool(attrExpr(b.Body.Attributes["require_partition_filter"])); !ok || !v {
			out = append(out, finding("bigquery-marts", b, "require_partition_filter = true is missing"))
		}
		if !hasBlock(b.Body, "time_partitioning") && !hasBlock(b.Body, "range_partitioning") {
			out = append(out, finding("bigquery-marts", b, "not partitioned"))
		}
		if b.Body.Attributes["clustering"] == nil {
			out = append(out, finding("bigquery-marts", b, "not clustered"))
		}
	}
	return out
}

// RuleBasicRoles: see Rules.
func RuleBasicRoles(c *Config) []Finding {
	var out []Finding
	for _, m := range c.Modules {
		for _, f := range m.Files {
			stringLiterals(f.Body, func(s string, r hcl.Range) {
				if basicRoles[strings.ToLower(strings.TrimSpace(s))] {
					out = append(out, Finding{"basic-roles", pos(f, r), fmt.Sprintf("basic role %q", s)})
				}
			})
		}
	}
	return out
}

// RulePublic: see Rules.
func RulePublic(c *Config) []Finding {
	var out []Finding
	allowed := 0
	for _, m := range c.Modules {
		for _, f := range m.Files {
			for _, a := range f.Body.Attributes {
				stringLiterals(a, func(s string, r hcl.Range) {
					if strings.Contains(s, "allUsers") || strings.Contains(s, "allAuthenticatedUsers") {
						out = append(out, Finding{"public", pos(f, r), "public principal outside a resource"})
					}
				})
			}
			for _, hb := range f.Body.Blocks {
				b := Block{Block: hb, File: f, Module: m}
				isAPIInvoker := b.Type == "resource" && len(b.Labels) == 2 &&
					b.Labels[0] == "google_cloud_run_v2_service_iam_member" &&
					strings.HasPrefix(traversal(attrExpr(b.Body.Attributes["name"])), "google_cloud_run_v2_service.api.")
				role, _ := literalString(attrExpr(b.Body.Attributes["role"]))
				member, _ := literalString(attrExpr(b.Body.Attributes["member"]))
				stringLiterals(b.Body, func(s string, r hcl.Range) {
					if !strings.Contains(s, "allUsers") && !strings.Contains(s, "allAuthenticatedUsers") {
						return
					}
					if isAPIInvoker && role == "roles/run.invoker" && member == "allUsers" && s == "allUsers" {
						allowed++
						if allowed > 1 {
							out = append(out, Finding{"public", pos(f, r), "a second public binding of the api; there must be exactly one"})
						}
						return
					}
					out = append(out, Finding{"public", pos(f, r), fmt.Sprintf("%s %s: %q is allowed only as member of the api service's roles/run.invoker binding", b.Type, strings.Join(b.Labels, "."), s)})
				})
			}
		}
	}
	return out
}

// PublicBindings counts the api's allUsers invoker bindings (the repository
// must have exactly one; RulePublic rejects every other public principal).
func PublicBindings(c *Config) int {
	n := 0
	for _, b := range c.Resources("google_cloud_run_v2_service_iam_member") {
		if member, _ := literalString(attrExpr(b.Body.Attributes["member"])); member == "allUsers" {
			n++
		}
	}
	return n
}

// RuleProjectIAM: see Rules.
func RuleProjectIAM(c *Config) []Finding {
	var out []Finding
	for _, b := range c.AllBlocks() {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		typ := b.Labels[0]
		if strings.HasSuffix(typ, "_iam_policy") || strings.HasSuffix(typ, "_iam_binding") {
			out = append(out, finding("project-iam", b, "authoritative IAM resource; use additive _iam_member"))
			continue
		}
		if typ != "google_project_iam_member" {
			continue
		}
		roleExpr := attrExpr(b.Body.Attributes["role"])
		if _, ok := literalString(roleExpr); !ok {
			if t := traversal(roleExpr); t != "each.value" && t != "each.key" {
				out = append(out, finding("project-iam", b, "role must be a literal or each.value over literal roles, got %s", text(b.File, roleExpr.Range())))
			}
		}
		stringLiterals(b.Body, func(s string, r hcl.Range) {
			if strings.HasPrefix(s, "roles/") && !projectRoles[s] {
				out = append(out, Finding{"project-iam", pos(b.File, r), fmt.Sprintf("%s granted at project level; grant it on the resource instead", s)})
			}
		})
		if fe := b.Body.Attributes["for_each"]; fe != nil {
			// for_each may add roles only from locals that are themselves literal lists.
			_ = hclsyntax.VisitAll(fe.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
				st, ok := n.(*hclsyntax.ScopeTraversalExpr)
				if !ok {
					return nil
				}
				t := traversalString(st.Traversal)
				name, isLocal := strings.CutPrefix(t, "local.")
				if !isLocal {
					out = append(out, finding("project-iam", b, "for_each may only use literal roles and locals, not %s", t))
					return nil
				}
				a := b.Module.locals()[name]
				if a == nil {
					return nil // the references rule reports it
				}
				stringLiterals(a.Expr, func(s string, r hcl.Range) {
					if strings.HasPrefix(s, "roles/") && !projectRoles[s] {
						out = append(out, finding("project-iam", b, "%s (from local.%s) granted at project level", s, name))
					}
				})
				return nil
			})
		}
	}
	return out
}

// RuleBuckets: see Rules.
func RuleBuckets(c *Config) []Finding {
	var out []Finding
	for _, typ := range []string{"google_storage_bucket_acl", "google_storage_object_acl", "google_storage_default_object_acl", "google_storage_bucket_access_control", "google_storage_default_object_access_control", "google_storage_object_access_control"} {
		for _, b := range c.Resources(typ) {
			out = append(out, finding("buckets", b, "ACLs are disabled (uniform bucket-level access); use IAM"))
		}
	}
	for _, b := range c.Resources("google_storage_bucket") {
		if v, ok := literalBool(attrExpr(b.Body.Attributes["uniform_bucket_level_access"])); !ok || !v {
			out = append(out, finding("buckets", b, "uniform_bucket_level_access = true is missing"))
		}
		if v, ok := literalString(attrExpr(b.Body.Attributes["public_access_prevention"])); !ok || v != "enforced" {
			out = append(out, finding("buckets", b, "public_access_prevention = \"enforced\" is missing"))
		}
		if v, ok := literalBool(attrExpr(attr(b.Body, "versioning", "enabled"))); !ok || !v {
			out = append(out, finding("buckets", b, "versioning { enabled = true } is missing"))
		}
		if len(blocks(b.Body, "lifecycle_rule")) == 0 {
			out = append(out, finding("buckets", b, "no lifecycle_rule"))
		}
		if v, ok := literalBool(attrExpr(b.Body.Attributes["force_destroy"])); ok && v {
			out = append(out, finding("buckets", b, "force_destroy = true would delete every object with the bucket"))
		}
	}
	return out
}

// RulePubSub: see Rules.
func RulePubSub(c *Config) []Finding {
	var out []Finding
	for _, b := range c.Resources("google_pubsub_topic") {
		regions := attr(b.Body, "message_storage_policy", "allowed_persistence_regions")
		tup, ok := attrExpr(regions).(*hclsyntax.TupleConsExpr)
		if !ok || len(tup.Exprs) != 1 || !isVarRegion(tup.Exprs[0]) {
			out = append(out, finding("pubsub", b, "message_storage_policy { allowed_persistence_regions = [var.region] } is missing"))
		}
	}
	for _, m := range c.Modules {
		dlq := false
		for _, b := range m.Blocks("resource", "google_pubsub_subscription") {
			if !hasBlock(b.Body, "retry_policy") {
				out = append(out, finding("pubsub", b, "no retry_policy"))
			}
			holdsDeadLetters := strings.HasPrefix(rootRef(attrExpr(b.Body.Attributes["topic"])), "google_pubsub_topic.dead_letter")
			if holdsDeadLetters {
				continue // the end of the line: it keeps dead letters
			}
			if !hasBlock(b.Body, "dead_letter_policy") ||
				attr(b.Body, "dead_letter_policy", "dead_letter_topic") == nil ||
				attr(b.Body, "dead_letter_policy", "max_delivery_attempts") == nil {
				out = append(out, finding("pubsub", b, "no dead_letter_policy with dead_letter_topic and max_delivery_attempts"))
				continue
			}
			dlq = true
		}
		if !dlq {
			continue
		}
		agent := func(typ, role string) bool {
			for _, b := range m.Blocks("resource", typ) {
				r, _ := literalString(attrExpr(b.Body.Attributes["role"]))
				if r == role && strings.Contains(resolvedText(b, attrExpr(b.Body.Attributes["member"])), "gcp-sa-pubsub.iam.gserviceaccount.com") {
					return true
				}
			}
			return false
		}
		if !agent("google_pubsub_topic_iam_member", "roles/pubsub.publisher") {
			out = append(out, Finding{"pubsub", m.Dir, "dead-letter policies but the Pub/Sub service agent may not publish to the dead-letter topics"})
		}
		if !agent("google_pubsub_subscription_iam_member", "roles/pubsub.subscriber") {
			out = append(out, Finding{"pubsub", m.Dir, "dead-letter policies but the Pub/Sub service agent may not ack the source subscriptions"})
		}
	}
	return out
}

// RuleCloudSQL: see Rules.
func RuleCloudSQL(c *Config) []Finding {
	var out []Finding
	for _, b := range c.Resources("google_sql_database_instance") {
		if v, _ := literalString(attrExpr(b.Body.Attributes["database_version"])); v != "POSTGRES_16" {
			out = append(out, finding("cloudsql", b, "database_version must be POSTGRES_16"))
		}
		for _, k := range []string{"enabled", "point_in_time_recovery_enabled"} {
			if v, ok := literalBool(attrExpr(attr(b.Body, "settings", "backup_configuration", k))); !ok || !v {
				out = append(out, finding("cloudsql", b, "settings.backup_configuration.%s = true is missing", k))
			}
		}
		if v, ok := literalBool(attrExpr(attr(b.Body, "settings", "ip_configuration", "ipv4_enabled"))); !ok || v {
			out = append(out, finding("cloudsql", b, "settings.ip_configuration.ipv4_enabled = false is missing (private IP only)"))
		}
		if attr(b.Body, "settings", "ip_configuration", "private_network") == nil {
			out = append(out, finding("cloudsql", b, "settings.ip_configuration.private_network is missing"))
		}
		if b.Body.Attributes["deletion_protection"] == nil {
			out = append(out, finding("cloudsql", b, "deletion_protection is not set"))
		}
	}
	return out
}

// RuleSecrets: see Rules.
func RuleSecrets(c *Config) []Finding {
	var out []Finding
	for _, b := range c.Resources("google_secret_manager_secret") {
		if hasBlock(b.Body, "replication", "auto") {
			out = append(out, finding("secrets", b, "automatic replication copies the secret out of the region"))
		}
		if !isVarRegion(attrExpr(attr(b.Body, "replication", "user_managed", "replicas", "location"))) {
			out = append(out, finding("secrets", b, "replication.user_managed.replicas.location must be var.region"))
		}
	}
	return out
}

// RuleServiceAccounts: see Rules.
func RuleServiceAccounts(c *Config) []Finding {
	var out []Finding
	seen := map[string]Block{}
	for _, b := range c.Resources("google_service_account") {
		seen[b.Labels[1]] = b
	}
	ids := map[string]string{}
	for _, d := range Deployables {
		b, ok := seen[d.SA]
		if !ok {
			out = append(out, Finding{"service-accounts", "infra", fmt.Sprintf("no google_service_account.%s for the %s deployable", d.SA, d.Name)})
			continue
		}
		id := attrExpr(b.Body.Attributes["account_id"])
		src := ""
		if id != nil {
			src = text(b.File, id.Range())
		}
		if !strings.Contains(src, d.Name) || !strings.Contains(src, "var.environment") {
			out = append(out, finding("service-accounts", b, "account_id must name the deployable %q and the environment (var.environment), got %s", d.Name, src))
		}
		if other, dup := ids[src]; dup {
			out = append(out, finding("service-accounts", b, "same account_id as %s", other))
		}
		ids[src] = d.SA
	}
	return out
}

// RuleRunIdentity: see Rules.
func RuleRunIdentity(c *Config) []Finding {
	var out []Finding
	found := map[string]Block{}
	for _, typ := range []string{"google_cloud_run_v2_service", "google_cloud_run_v2_job"} {
		for _, b := range c.Resources(typ) {
			found[typ+"."+b.Labels[1]] = b
		}
	}
	for _, typ := range []string{"google_cloud_run_service", "google_cloudfunctions_function", "google_cloudfunctions2_function"} {
		for _, b := range c.Resources(typ) {
			out = append(out, finding("run-identity", b, "deployables are google_cloud_run_v2_service / _job"))
		}
	}
	usedSA := map[string]string{}
	want := map[string]bool{}
	for _, d := range Deployables {
		typ := "google_cloud_run_v2_service"
		tmpl := []string{"template"}
		if d.Job {
			typ = "google_cloud_run_v2_job"
			tmpl = []string{"template", "template"}
		}
		key := typ + "." + d.Resource
		want[key] = true
		b, ok := found[key]
		if !ok {
			out = append(out, Finding{"run-identity", "infra", fmt.Sprintf("deployable %s: no %s", d.Name, key)})
			continue
		}
		if b.File.Name != d.File {
			out = append(out, finding("run-identity", b, "must live in its own file %s (STYLE.md), found in %s", d.File, b.File.Name))
		}
		if name, _ := literalString(attrExpr(b.Body.Attributes["name"])); name != d.Name {
			out = append(out, finding("run-identity", b, "name must be %q", d.Name))
		}
		sa := traversal(attrExpr(attr(b.Body, append(tmpl, "service_account")...)))
		if sa != "var.service_accounts."+d.SA {
			out = append(out, finding("run-identity", b, "%s.service_account must be var.service_accounts.%s (its own account), got %q", strings.Join(tmpl, "."), d.SA, sa))
		}
		if prev, dup := usedSA[sa]; dup && sa != "" {
			out = append(out, finding("run-identity", b, "shares its service account with %s", prev))
		}
		usedSA[sa] = d.Name
		if !hasBlock(b.Body, append(tmpl, "vpc_access")...) {
			out = append(out, finding("run-identity", b, "no vpc_access: it could not reach Cloud SQL's private IP or Memorystore"))
		}
		if !d.Job {
			ingress, _ := literalString(attrExpr(b.Body.Attributes["ingress"]))
			if d.Name == "api" && ingress != "INGRESS_TRAFFIC_ALL" {
				out = append(out, finding("run-identity", b, "the api is reached by Firebase Hosting: ingress must be INGRESS_TRAFFIC_ALL"))
			}
			if d.Name != "api" && ingress != "INGRESS_TRAFFIC_INTERNAL_ONLY" {
				out = append(out, finding("run-identity", b, "only Google's push/task/scheduler callers reach it: ingress must be INGRESS_TRAFFIC_INTERNAL_ONLY"))
			}
		}
		// Someone must be allowed to invoke it, through a binding on this resource.
		iamType := typ + "_iam_member"
		invoked := false
		for _, ib := range b.Module.Blocks("resource", iamType) {
			role, _ := literalString(attrExpr(ib.Body.Attributes["role"]))
			if role == "roles/run.invoker" && strings.HasPrefix(traversal(attrExpr(ib.Body.Attributes["name"])), key+".") {
				invoked = true
			}
		}
		if !invoked {
			out = append(out, finding("run-identity", b, "no roles/run.invoker binding on it: nothing could call it"))
		}
	}
	for key, b := range found {
		if !want[key] {
			out = append(out, finding("run-identity", b, "not a known deployable (add it to infra.Deployables with its own account)"))
		}
	}
	return out
}

// RuleProviders: see Rules.
func RuleProviders(c *Config) []Finding {
	var out []Finding
	root := c.Root()
	if root == nil {
		return []Finding{{"providers", ".", "no root module"}}
	}
	versions := map[string]string{}
	for _, tb := range root.Blocks("terraform") {
		for _, rp := range blocks(tb.Body, "required_providers") {
			for name, a := range rp.Attributes {
				obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
				if !ok {
					out = append(out, Finding{"providers", pos(tb.File, a.SrcRange), name + ": want { source, version }"})
					continue
				}
				v := ""
				for _, item := range obj.Items {
					if k, _ := literalString(item.KeyExpr); k == "version" || traversal(item.KeyExpr) == "version" {
						v, _ = literalString(item.ValueExpr)
					}
				}
				if !exactVersion.MatchString(v) {
					out = append(out, Finding{"providers", pos(tb.File, a.SrcRange), fmt.Sprintf("%s version %q is not pinned exactly (= X.Y.Z)", name, v)})
				}
				versions[name] = v
			}
		}
	}
	for _, p := range []string{"google", "google-beta"} {
		if _, ok := versions[p]; !ok {
			out = append(out, Finding{"providers", ".", p + " is not in the root's required_providers"})
		}
	}
	if g, b := versions["google"], versions["google-beta"]; g != "" && b != "" && g != b {
		out = append(out, Finding{"providers", ".", fmt.Sprintf("google %s and google-beta %s must move together", g, b)})
	}
	for _, m := range c.Modules {
		if m.Dir == "." {
			continue
		}
		for _, b := range m.Blocks("provider") {
			out = append(out, finding("providers", b, "provider configuration belongs in the root module only"))
		}
	}
	return out
}

// RuleBackend: see Rules.
func RuleBackend(c *Config) []Finding {
	root := c.Root()
	if root != nil {
		for _, tb := range root.Blocks("terraform") {
			for _, b := range tb.Body.Blocks {
				if b.Type == "backend" && len(b.Labels) == 1 && b.Labels[0] == "gcs" {
					return nil
				}
			}
		}
	}
	return []Finding{{"backend", "main.tf", `the root module has no backend "gcs"`}}
}

// RuleAlerts: see Rules.
func RuleAlerts(c *Config) []Finding {
	var out []Finding
	have := map[string]Block{}
	for _, b := range c.Resources("google_monitoring_alert_policy") {
		have[b.Labels[1]] = b
	}
	for _, name := range RequiredAlerts {
		b, ok := have[name]
		if !ok {
			out = append(out, Finding{"alerts", "infra/modules/monitoring", "missing google_monitoring_alert_policy." + name})
			continue
		}
		if len(blocks(b.Body, "conditions")) == 0 {
			out = append(out, finding("alerts", b, "no conditions"))
		}
		if b.Body.Attributes["notification_channels"] == nil {
			out = append(out, finding("alerts", b, "no notification_channels: it would alert nobody"))
		}
	}
	if len(c.Resources("google_monitoring_dashboard")) == 0 {
		out = append(out, Finding{"alerts", "infra/modules/monitoring", "no google_monitoring_dashboard"})
	}
	if len(c.Resources("google_billing_budget")) == 0 {
		out = append(out, Finding{"alerts", "infra/modules/monitoring", "no google_billing_budget"})
	}
	return out
}

// RuleReferences: see Rules.
func RuleReferences(c *Config) []Finding {
	var out []Finding
	for _, m := range c.Modules {
		vars := map[string]*hclsyntax.Block{}
		resources := map[string]bool{}
		calls := map[string]Block{}
		for _, b := range m.Blocks("variable") {
			vars[b.Labels[0]] = b.Block
		}
		for _, b := range m.Blocks("resource") {
			resources[b.Labels[0]+"."+b.Labels[1]] = true
		}
		for _, b := range m.Blocks("data") {
			resources["data."+b.Labels[0]+"."+b.Labels[1]] = true
		}
		for _, b := range m.Blocks("module") {
			calls[b.Labels[0]] = b
		}
		locals := m.locals()

		for _, f := range m.Files {
			_ = hclsyntax.VisitAll(f.Body, func(n hclsyntax.Node) hcl.Diagnostics {
				st, ok := n.(*hclsyntax.ScopeTraversalExpr)
				if !ok {
					return nil
				}
				t := st.Traversal
				p := pos(f, st.SrcRange)
				attrAt := func(i int) string {
					if i < len(t) {
						if a, ok := t[i].(hcl.TraverseAttr); ok {
							return a.Name
						}
					}
					return ""
				}
				root := t.RootName()
				switch {
				case root == "var":
					if vars[attrAt(1)] == nil {
						out = append(out, Finding{"references", p, "undeclared variable var." + attrAt(1)})
					}
				case root == "local":
					if locals[attrAt(1)] == nil {
						out = append(out, Finding{"references", p, "undeclared local." + attrAt(1)})
					}
				case root == "module":
					call, ok := calls[attrAt(1)]
					if !ok {
						out = append(out, Finding{"references", p, "no module " + attrAt(1)})
						return nil
					}
					if target := c.calledModule(call); target != nil && attrAt(2) != "" {
						if len(target.Blocks("output", attrAt(2))) == 0 {
							out = append(out, Finding{"references", p, fmt.Sprintf("module %s (%s) has no output %q", attrAt(1), target.Dir, attrAt(2))})
						}
					}
				case root == "data":
					key := "data." + attrAt(1) + "." + attrAt(2)
					if !resources[key] {
						out = append(out, Finding{"references", p, "undeclared " + key})
					}
				case strings.HasPrefix(root, "google_") || strings.HasPrefix(root, "random_"):
					key := root + "." + attrAt(1)
					if !resources[key] {
						out = append(out, Finding{"references", p, "undeclared resource " + key})
					}
				}
				return nil
			})
		}

		for _, call := range calls {
			target := c.calledModule(call)
			if target == nil {
				out = append(out, finding("references", call, "source %s is not a module of this repository", text(call.File, attrExpr(call.Body.Attributes["source"]).Range())))
				continue
			}
			tvars := map[string]*hclsyntax.Block{}
			for _, b := range target.Blocks("variable") {
				tvars[b.Labels[0]] = b.Block
			}
			for arg := range call.Body.Attributes {
				switch arg {
				case "source", "version", "count", "for_each", "depends_on", "providers":
					continue
				}
				if tvars[arg] == nil {
					out = append(out, finding("references", call, "module %s has no variable %q", target.Dir, arg))
				}
			}
			for v, vb := range tvars {
				if vb.Body.Attributes["default"] == nil && call.Body.Attributes[v] == nil {
					out = append(out, finding("references", call, "required variable %q of %s is not set", v, target.Dir))
				}
			}
		}
	}
	return out
}

// calledModule resolves a module block's local source.
func (c *Config) calledModule(call Block) *Module {
	src, ok := literalString(attrExpr(call.Body.Attributes["source"]))
	if !ok || !(strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../")) {
		return nil
	}
	return c.Module(filepath.Join(call.Module.Dir, src))
}

// RuleTfvars: see Rules.
func RuleTfvars(c *Config) []Finding {
	var out []Finding
	root := c.Root()
	if root == nil {
		return nil
	}
	declared := map[string]bool{}
	var required []string
	for _, b := range root.Blocks("variable") {
		declared[b.Labels[0]] = true
		if b.Body.Attributes["default"] == nil {
			required = append(required, b.Labels[0])
		}
	}
	envs := map[string]bool{}
	for _, f := range c.VarFiles {
		envs[strings.TrimSuffix(f.Name, ".tfvars")] = true
		for name, a := range f.Body.Attributes {
			if !declared[name] {
				out = append(out, Finding{"tfvars", pos(f, a.SrcRange), "sets undeclared variable " + name})
			}
		}
		for _, name := range required {
			if f.Body.Attributes[name] == nil {
				out = append(out, Finding{"tfvars", f.Path, "does not set required variable " + name})
			}
		}
		if f.Name == "prod.tfvars" {
			if v, ok := literalBool(attrExpr(f.Body.Attributes["deletion_protection"])); !ok || !v {
				out = append(out, Finding{"tfvars", f.Path, "prod must set deletion_protection = true"})
			}
		}
	}
	for _, env := range []string{"dev", "prod"} {
		if !envs[env] {
			out = append(out, Finding{"tfvars", "infra/envs", "no " + env + ".tfvars"})
		}
	}
	return out
}
