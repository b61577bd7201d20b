package infra

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = ".."

func loadRepo(t *testing.T) *Config {
	t.Helper()
	c, err := Load(repoRoot)
	if err != nil {
		t.Fatalf("parsing the Terraform: %v", err)
	}
	return c
}

// TestRepositoryPolicy runs every rule over the real configuration.
func TestRepositoryPolicy(t *testing.T) {
	c := loadRepo(t)
	if c.Root() == nil {
		t.Fatal("no root module (main.tf)")
	}
	if len(c.Modules) < 10 {
		t.Fatalf("found %d modules, want the root and one per concern under infra/modules", len(c.Modules))
	}
	for _, r := range Rules {
		t.Run(r.Name, func(t *testing.T) {
			for _, f := range r.Check(c) {
				t.Error(f)
			}
		})
	}
	if n := PublicBindings(c); n != 1 {
		t.Errorf("the api's allUsers invoker binding: found %d, want exactly 1", n)
	}
}

// TestRegionDefault: the region is written once, as the root variable's default.
func TestRegionDefault(t *testing.T) {
	c := loadRepo(t)
	vs := c.Root().Blocks("variable", "region")
	if len(vs) != 1 {
		t.Fatal(`no variable "region" in the root module`)
	}
	if v, _ := literalString(attrExpr(vs[0].Body.Attributes["default"])); v != "southamerica-east1" {
		t.Errorf("variable region default = %q, want southamerica-east1", v)
	}
	for _, m := range c.Modules {
		for _, b := range m.Blocks("variable", "region") {
			if m.Dir != "." && b.Body.Attributes["default"] != nil {
				t.Errorf("%s: a module's region must come from the root, not a default", b.Pos())
			}
		}
	}
}

func defaultRegion(t *testing.T) string {
	t.Helper()
	vs := loadRepo(t).Root().Blocks("variable", "region")
	if len(vs) != 1 {
		t.Fatal(`no variable "region" in the root module`)
	}
	v, _ := literalString(attrExpr(vs[0].Body.Attributes["default"]))
	return v
}

// ---------------------------------------------------------------------------
// Each rule must be able to fail: small bad snippets fed to the same rules.

type snippet struct {
	name  string
	rule  func(*Config) []Finding
	files map[string]string // "dir/file.tf" or "infra/envs/x.tfvars" -> text
	want  string            // substring of a finding; "" means no finding
}

func parseSnippet(t *testing.T, files map[string]string) *Config {
	t.Helper()
	mods := map[string]map[string][]byte{}
	vars := map[string][]byte{}
	for path, src := range files {
		if strings.HasSuffix(path, ".tfvars") {
			vars[path] = []byte(src)
			continue
		}
		dir, name := filepath.Split(path)
		if dir == "" {
			dir = "."
		}
		dir = cleanDir(dir)
		if mods[dir] == nil {
			mods[dir] = map[string][]byte{}
		}
		mods[dir][name] = []byte(src)
	}
	c, err := Parse(mods, vars)
	if err != nil {
		t.Fatalf("snippet does not parse: %v", err)
	}
	return c
}

func runSnippets(t *testing.T, cases []snippet) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := parseSnippet(t, tc.files)
			got := tc.rule(c)
			if tc.want == "" {
				for _, f := range got {
					t.Errorf("unexpected finding: %s", f)
				}
				return
			}
			for _, f := range got {
				if strings.Contains(f.String(), tc.want) {
					return
				}
			}
			t.Errorf("no finding containing %q; got %v", tc.want, got)
		})
	}
}

func one(path, src string) map[string]string { return map[string]string{path: src} }

func TestRuleRegionCatches(t *testing.T) {
	runSnippets(t, []snippet{
		{"sql without region", RuleRegion, one("m/main.tf", `
resource "google_sql_database_instance" "db" {
  database_version = "POSTGRES_16"
}`), "without region"},
		{"run service with a literal location", RuleRegion, one("m/main.tf", `
resource "google_cloud_run_v2_service" "api" {
  location = "southamerica-east1"
}`), "location = \"southamerica-east1\", want var.region"},
		{"nested secret replica elsewhere", RuleRegion, one("m/main.tf", `
resource "google_secret_manager_secret" "s" {
  replication {
    user_managed {
      replicas { location = var.other }
    }
  }
}`), "location = var.other"},
		{"module given another region", RuleRegion, one("main.tf", `
module "x" {
  source = "./m"
  region = "us-central1"
}`), "want var.region"},
		{"bucket in a multi-region", RuleRegion, one("m/main.tf", `
resource "google_storage_bucket" "b" {
  location = "US"
}`), "want var.region"},
		{"good", RuleRegion, one("m/main.tf", `
resource "google_redis_instance" "r" {
  region = var.region
}`), ""},
	})
}

func TestRuleRegionLiteralCatches(t *testing.T) {
	runSnippets(t, []snippet{
		{"region in a URL", RuleRegionLiteral, one("m/main.tf", `
locals {
  url = "https://europe-west1-docker.pkg.dev/x"
}`), `literal region "europe-west1"`},
		{"region in a template", RuleRegionLiteral, one("m/main.tf", `
resource "google_cloud_scheduler_job" "j" {
  region = var.region
  uri    = "https://run.googleapis.com/v2/projects/${var.p}/locations/us-east4/jobs/x:run"
}`), `"us-east4"`},
		{"region in tfvars", RuleRegionLiteral, one("infra/envs/dev.tfvars", `region = "southamerica-west1"`), `"southamerica-west1"`},
		{"a module variable default", RuleRegionLiteral, one("m/variables.tf", `
variable "region" {
  type    = string
  default = "southamerica-east1"
}`), `"southamerica-east1"`},
		{"the root default is the one allowed place", RuleRegionLiteral, one("main.tf", `
variable "region" {
  type    = string
  default = "southamerica-east1"
}`), ""},
	})
}

func TestRuleBigQueryCatches(t *testing.T) {
	runSnippets(t, []snippet{
		{"dataset in US", RuleBigQueryLocation, one("m/main.tf", `
resource "google_bigquery_dataset" "d" {
  dataset_id = "marts"
  location   = "US"
}`), "location must be var.region"},
		{"dataset without location", RuleBigQueryLocation, one("m/main.tf", `
resource "google_bigquery_dataset" "d" {
  dataset_id = "marts"
}`), "location must be var.region"},
		{"large mart without partition filter", RuleBigQueryMarts, one("m/main.tf", `
resource "google_bigquery_table" "c" {
  table_id = "comex_monthly"
  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  clustering = ["uf"]
}
resource "google_bigquery_table" "a" {
  table_id                 = "antaq_monthly"
  require_partition_filter = true
  clustering               = ["uf"]
  time_partitioning {
    type = "MONTH"
  }
}
resource "google_bigquery_table" "g" {
  table_id                 = "caged_monthly"
  require_partition_filter = true
}`), "google_bigquery_table.c: require_partition_filter"},
		{"large mart not partitioned", RuleBigQueryMarts, one("m/main.tf", `
resource "google_bigquery_table" "g" {
  table_id                 = "caged_monthly"
  require_partition_filter = true
}`), "google_bigquery_table.g: not partitioned"},
		{"large mart missing", RuleBigQueryMarts, one("m/main.tf", `
resource "google_bigquery_table" "g" {
  table_id = "ipca_monthly"
}`), "mart comex_monthly is not defined"},
	})
}

func TestRuleIAMCatches(t *testing.T) {
	runSnippets(t, []snippet{
		{"project editor", RuleBasicRoles, one("m/main.tf", `
resource "google_project_iam_member" "x" {
  role   = "roles/editor"
  member = "serviceAccount:a@b"
}`), `basic role "roles/editor"`},
		{"viewer on a bucket", RuleBasicRoles, one("m/main.tf", `
resource "google_storage_bucket_iam_member" "x" {
  role = "roles/viewer"
}`), `basic role "roles/viewer"`},
		{"owner hidden in a local", RuleBasicRoles, one("m/main.tf", `
locals {
  roles = ["roles/bigquery.jobUser", "roles/owner"]
}`), `basic role "roles/owner"`},
		{"public bucket", RulePublic, one("m/main.tf", `
resource "google_storage_bucket_iam_member" "x" {
  bucket = "b"
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}`), `"allUsers" is allowed only`},
		{"public scheduler service", RulePublic, one("m/main.tf", `
resource "google_cloud_run_v2_service_iam_member" "x" {
  name   = google_cloud_run_v2_service.scheduler.name
  role   = "roles/run.invoker"
  member = "allUsers"
}`), `"allUsers" is allowed only`},
		{"api open to all Google accounts", RulePublic, one("m/main.tf", `
resource "google_cloud_run_v2_service_iam_member" "x" {
  name   = google_cloud_run_v2_service.api.name
  role   = "roles/run.invoker"
  member = "allAuthenticatedUsers"
}`), `"allAuthenticatedUsers" is allowed only`},
		{"api public with another role", RulePublic, one("m/main.tf", `
resource "google_cloud_run_v2_service_iam_member" "x" {
  name   = google_cloud_run_v2_service.api.name
  role   = "roles/run.developer"
  member = "allUsers"
}`), `"allUsers" is allowed only`},
		{"allUsers through a local", RulePublic, one("m/main.tf", `
locals {
  who = "allUsers"
}`), `"allUsers" is allowed only`},
		{"two public api bindings", RulePublic, one("m/main.tf", `
resource "google_cloud_run_v2_service_iam_member" "x" {
  name   = google_cloud_run_v2_service.api.name
  role   = "roles/run.invoker"
  member = "allUsers"
}
resource "google_cloud_run_v2_service_iam_member" "y" {
  name   = google_cloud_run_v2_service.api.name
  role   = "roles/run.invoker"
  member = "allUsers"
}`), "a second public binding"},
		{"the documented exception", RulePublic, one("m/main.tf", `
resource "google_cloud_run_v2_service_iam_member" "x" {
  name   = google_cloud_run_v2_service.api.name
  role   = "roles/run.invoker"
  member = "allUsers"
}`), ""},
		{"storage admin on the project", RuleProjectIAM, one("m/main.tf", `
resource "google_project_iam_member" "x" {
  role   = "roles/storage.admin"
  member = "serviceAccount:a@b"
}`), "roles/storage.admin granted at project level"},
		{"authoritative binding", RuleProjectIAM, one("m/main.tf", `
resource "google_project_iam_binding" "x" {
  role    = "roles/bigquery.jobUser"
  members = []
}`), "authoritative IAM resource"},
		{"pubsub admin through a local in for_each", RuleProjectIAM, one("m/main.tf", `
locals {
  extra = ["roles/pubsub.admin"]
}
resource "google_project_iam_member" "x" {
  for_each = toset(concat(local.extra, ["roles/cloudtrace.agent"]))
  role     = each.value
  member   = "serviceAccount:a@b"
}`), "roles/pubsub.admin (from local.extra)"},
		{"role from a variable", RuleProjectIAM, one("m/main.tf", `
resource "google_project_iam_member" "x" {
  role   = var.role
  member = "serviceAccount:a@b"
}`), "role must be a literal"},
		{"roles from a variable in for_each", RuleProjectIAM, one("m/main.tf", `
resource "google_project_iam_member" "x" {
  for_each = toset(var.roles)
  role     = each.value
  member   = "serviceAccount:a@b"
}`), "for_each may only use literal roles and locals"},
		{"allowed project roles", RuleProjectIAM, one("m/main.tf", `
locals {
  telemetry = ["roles/monitoring.metricWriter"]
}
resource "google_project_iam_member" "x" {
  for_each = toset(concat(local.telemetry, ["roles/bigquery.jobUser"]))
  role     = each.value
  member   = "serviceAccount:a@b"
}`), ""},
	})
}

const goodBucket = `
resource "google_storage_bucket" "b" {
  name                        = "x"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  versioning {
    enabled = true
  }
  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }
}`

func TestRuleBucketsCatches(t *testing.T) {
	bad := func(old, new string) map[string]string {
		if !strings.Contains(goodBucket, old) {
			t.Fatalf("goodBucket has no %q", old)
		}
		return one("m/main.tf", strings.Replace(goodBucket, old, new, 1))
	}
	runSnippets(t, []snippet{
		{"good", RuleBuckets, one("m/main.tf", goodBucket), ""},
		{"fine-grained ACLs", RuleBuckets, bad("uniform_bucket_level_access = true", "uniform_bucket_level_access = false"), "uniform_bucket_level_access"},
		{"public access prevention inherited", RuleBuckets, bad(`"enforced"`, `"inherited"`), "public_access_prevention"},
		{"not versioned", RuleBuckets, bad("enabled = true", "enabled = false"), "versioning"},
		{"no lifecycle", RuleBuckets, bad("lifecycle_rule {", "dynamic \"nothing\" {\n for_each = []\n content {}\n }\n  x {"), "no lifecycle_rule"},
		{"force destroy", RuleBuckets, bad(`name `, "force_destroy = true\n  name "), "force_destroy"},
		{"an ACL resource", RuleBuckets, one("m/main.tf", `
resource "google_storage_bucket_acl" "a" {
  bucket = "x"
}`), "ACLs are disabled"},
	})
}

const goodPubSub = `
locals {
  agent = "serviceAccount:service-${var.n}@gcp-sa-pubsub.iam.gserviceaccount.com"
}
resource "google_pubsub_topic" "t" {
  name = "t"
  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }
}
resource "google_pubsub_topic" "dead_letter" {
  name = "t-dead-letter"
  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }
}
resource "google_pubsub_subscription" "s" {
  topic = google_pubsub_topic.t.id
  retry_policy {
    minimum_backoff = "10s"
  }
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = 5
  }
}
resource "google_pubsub_subscription" "hold" {
  topic = google_pubsub_topic.dead_letter.id
  retry_policy {
    minimum_backoff = "10s"
  }
}
resource "google_pubsub_topic_iam_member" "a" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.agent
}
resource "google_pubsub_subscription_iam_member" "b" {
  subscription = google_pubsub_subscription.s.id
  role         = "roles/pubsub.subscriber"
  member       = local.agent
}`

func TestRulePubSubCatches(t *testing.T) {
	bad := func(old, new string) map[string]string {
		if strings.Count(goodPubSub, old) != 1 {
			t.Fatalf("goodPubSub must contain %q once", old)
		}
		return one("m/main.tf", strings.Replace(goodPubSub, old, new, 1))
	}
	runSnippets(t, []snippet{
		{"good", RulePubSub, one("m/main.tf", goodPubSub), ""},
		{"no dead letter policy", RulePubSub, bad("dead_letter_policy {", "dead_letter_policyx {"), "google_pubsub_subscription.s: no dead_letter_policy"},
		{"dead letter policy without attempts", RulePubSub, bad("max_delivery_attempts = 5", ""), "google_pubsub_subscription.s: no dead_letter_policy"},
		{"no retry policy", RulePubSub, bad("topic = google_pubsub_topic.t.id\n  retry_policy {", "topic = google_pubsub_topic.t.id\n  retry_policyx {"), "google_pubsub_subscription.s: no retry_policy"},
		{"hold subscription without retry policy", RulePubSub, bad("topic = google_pubsub_topic.dead_letter.id\n  retry_policy {", "topic = google_pubsub_topic.dead_letter.id\n  retry_policyx {"), "google_pubsub_subscription.hold: no retry_policy"},
		{"topic stored anywhere", RulePubSub, bad("name = \"t\"\n  message_storage_policy {", "name = \"t\"\n  message_storage_policyx {"), "google_pubsub_topic.t: message_storage_policy"},
		{"agent may not publish dead letters", RulePubSub, bad(`role   = "roles/pubsub.publisher"`, `role   = "roles/pubsub.viewer"`), "may not publish to the dead-letter topics"},
		{"agent may not ack", RulePubSub, bad("member       = local.agent", `member       = "serviceAccount:someone@x.iam.gserviceaccount.com"`), "may not ack the source subscriptions"},
	})
}

const goodSQL = `
resource "google_sql_database_instance" "db" {
  region              = var.region
  database_version    = "POSTGRES_16"
  deletion_protection = var.deletion_protection
  settings {
    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network_id
    }
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
  }
}`

func TestRuleCloudSQLCatches(t *testing.T) {
	bad := func(old, new string) map[string]string {
		if strings.Count(goodSQL, old) != 1 {
			t.Fatalf("goodSQL must contain %q once", old)
		}
		return one("m/main.tf", strings.Replace(goodSQL, old, new, 1))
	}
	runSnippets(t, []snippet{
		{"good", RuleCloudSQL, one("m/main.tf", goodSQL), ""},
		{"no PITR", RuleCloudSQL, bad("point_in_time_recovery_enabled = true", "point_in_time_recovery_enabled = false"), "point_in_time_recovery_enabled"},
		{"no backups", RuleCloudSQL, bad("enabled                        = true", "enabled = false"), "backup_configuration.enabled"},
		{"public IP", RuleCloudSQL, bad("ipv4_enabled    = false", "ipv4_enabled = true"), "ipv4_enabled = false"},
		{"no private network", RuleCloudSQL, bad("private_network = var.network_id", ""), "private_network"},
		{"old PostgreSQL", RuleCloudSQL, bad(`"POSTGRES_16"`, `"POSTGRES_15"`), "POSTGRES_16"},
		{"no deletion protection setting", RuleCloudSQL, bad("deletion_protection = var.deletion_protection", ""), "deletion_protection"},
		{"auto-replicated secret", RuleSecrets, one("m/main.tf", `
resource "google_secret_manager_secret" "s" {
  replication {
    auto {}
  }
}`), "automatic replication"},
		{"regional secret", RuleSecrets, one("m/main.tf", `
resource "google_secret_manager_secret" "s" {
  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}`), ""},
	})
}

func TestRuleProvidersCatches(t *testing.T) {
	pinned := `
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.50.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "= 6.50.0"
    }
  }
  backend "gcs" {}
}`
	runSnippets(t, []snippet{
		{"good", RuleProviders, one("main.tf", pinned), ""},
		{"range constraint", RuleProviders, one("main.tf", strings.Replace(pinned, `version = "= 6.50.0"`, `version = ">= 6.0"`, 1)), `google version ">= 6.0" is not pinned exactly`},
		{"pessimistic constraint", RuleProviders, one("main.tf", strings.Replace(pinned, `version = "= 6.50.0"`, `version = "~> 6.50.0"`, 1)), "not pinned exactly"},
		{"google-beta missing", RuleProviders, one("main.tf", `
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.50.0"
    }
  }
}`), "google-beta is not in the root's required_providers"},
		{"versions apart", RuleProviders, one("main.tf", strings.Replace(pinned, `"= 6.50.0"
    }
  }`, `"= 6.49.0"
    }
  }`, 1)), "must move together"},
		{"provider block in a module", RuleProviders, map[string]string{"main.tf": pinned, "infra/modules/x/main.tf": `provider "google" {}`}, "provider configuration belongs in the root module only"},
		{"good backend", RuleBackend, one("main.tf", pinned), ""},
		{"no backend", RuleBackend, one("main.tf", `terraform {}`), `no backend "gcs"`},
		{"local backend", RuleBackend, one("main.tf", `
terraform {
  backend "local" {}
}`), `no backend "gcs"`},
	})
}

func TestRuleReferencesCatches(t *testing.T) {
	mod := `
variable "region" {
  type = string
}
variable "name" {
  type    = string
  default = "x"
}
output "id" {
  value = var.region
}`
	runSnippets(t, []snippet{
		{"good", RuleReferences, map[string]string{"m/main.tf": mod, "main.tf": `
module "m" {
  source = "./m"
  region = var.region
}
variable "region" {
  type = string
}
output "x" {
  value = module.m.id
}`}, ""},
		{"undeclared variable", RuleReferences, one("m/main.tf", `
resource "google_redis_instance" "r" {
  region = var.regoin
}`), "undeclared variable var.regoin"},
		{"undeclared local", RuleReferences, one("m/main.tf", `
locals {
  a = 1
}
output "x" {
  value = local.b
}`), "undeclared local.b"},
		{"undeclared resource", RuleReferences, one("m/main.tf", `
output "x" {
  value = google_pubsub_topic.nope.id
}`), "undeclared resource google_pubsub_topic.nope"},
		{"undeclared data source", RuleReferences, one("m/main.tf", `
output "x" {
  value = data.google_project.this.number
}`), "undeclared data.google_project.this"},
		{"unknown module input", RuleReferences, map[string]string{"m/main.tf": mod, "main.tf": `
module "m" {
  source = "./m"
  region = "x"
  zone   = "y"
}`}, `has no variable "zone"`},
		{"required input missing", RuleReferences, map[string]string{"m/main.tf": mod, "main.tf": `
module "m" {
  source = "./m"
}`}, `required variable "region" of m is not set`},
		{"unknown module output", RuleReferences, map[string]string{"m/main.tf": mod, "main.tf": `
module "m" {
  source = "./m"
  region = "x"
}
output "x" {
  value = module.m.url
}`}, `has no output "url"`},
		{"unknown module", RuleReferences, one("main.tf", `
output "x" {
  value = module.nope.url
}`), "no module nope"},
		{"module outside the repository", RuleReferences, one("main.tf", `
module "m" {
  source = "./elsewhere"
}`), "is not a module of this repository"},
	})
}

func TestRuleTfvarsCatches(t *testing.T) {
	root := `
variable "project_id" {
  type = string
}
variable "deletion_protection" {
  type = bool
}
variable "region" {
  type    = string
  default = "southamerica-east1"
}`
	files := func(dev, prod string) map[string]string {
		return map[string]string{"main.tf": root, "infra/envs/dev.tfvars": dev, "infra/envs/prod.tfvars": prod}
	}
	ok := "project_id = \"p\"\ndeletion_protection = true\n"
	runSnippets(t, []snippet{
		{"good", RuleTfvars, files(ok, ok), ""},
		{"required variable unset", RuleTfvars, files("deletion_protection = false\n", ok), "dev.tfvars: [tfvars] does not set required variable project_id"},
		{"undeclared variable", RuleTfvars, files(ok+"zone = \"a\"\n", ok), "sets undeclared variable zone"},
		{"prod unprotected", RuleTfvars, files(ok, "project_id = \"p\"\ndeletion_protection = false\n"), "prod must set deletion_protection = true"},
		{"no prod", RuleTfvars, map[string]string{"main.tf": root, "infra/envs/dev.tfvars": ok}, "no prod.tfvars"},
	})
}

// ---------------------------------------------------------------------------
// Structural rules (service accounts, deployables, alerts) need the whole
// configuration: each case breaks one thing in the real files.

func repoSources(t *testing.T) (map[string]map[string][]byte, map[string][]byte) {
	t.Helper()
	c := loadRepo(t)
	mods := map[string]map[string][]byte{}
	for _, m := range c.Modules {
		mods[m.Dir] = map[string][]byte{}
		for _, f := range m.Files {
			mods[m.Dir][f.Name] = append([]byte(nil), f.Src...)
		}
	}
	vars := map[string][]byte{}
	for _, f := range c.VarFiles {
		vars[f.Path] = append([]byte(nil), f.Src...)
	}
	return mods, vars
}

type mutation struct {
	dir, file string
	old, new  string // old must occur exactly once
	moveTo    string // instead of editing: move the file to this name
}

func TestStructuralRulesCatchMutations(t *testing.T) {
	cases := []struct {
		name string
		rule func(*Config) []Finding
		muts []mutation
		want string
	}{
		{"deployable without its own service account", RuleServiceAccounts, []mutation{{
			dir: "infra/modules/iam", file: "main.tf",
			old: `resource "google_service_account" "dispatch" {`, new: `resource "google_service_account" "dispatcher" {`,
		}}, "no google_service_account.dispatch"},
		{"account not per environment", RuleServiceAccounts, []mutation{{
			dir: "infra/modules/iam", file: "main.tf",
			old: `"mirante-ingest-${var.environment}"`, new: `"mirante-ingest"`,
		}}, "account_id must name the deployable \"ingest\" and the environment"},
		{"api runs as the scheduler's account", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "function_api.tf",
			old: "service_account                  = var.service_accounts.api", new: "service_account                  = var.service_accounts.scheduler",
		}}, "must be var.service_accounts.api"},
		{"job runs as the default compute account", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "job_quarto.tf",
			old: "service_account       = var.service_accounts.quarto_job", new: "",
		}}, "template.template.service_account must be var.service_accounts.quarto_job"},
		{"deployable outside its own file", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "function_ingest.tf", moveTo: "main_ingest.tf",
		}}, "must live in its own file function_ingest.tf"},
		{"scheduler reachable from the internet", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "function_scheduler.tf",
			old: `ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"`, new: `ingress             = "INGRESS_TRAFFIC_ALL"`,
		}}, "ingress must be INGRESS_TRAFFIC_INTERNAL_ONLY"},
		{"dispatch without VPC access", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "function_dispatch.tf",
			old: "    vpc_access {", new: "    dynamic \"nothing\" {\n for_each = []\n content {}\n }\n    vpc_accessx {",
		}}, "no vpc_access"},
		{"nobody may invoke ingest", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "function_ingest.tf",
			old: `  name     = google_cloud_run_v2_service.ingest.name
  role     = "roles/run.invoker"`, new: `  name     = google_cloud_run_v2_service.ingest.name
  role     = "roles/run.viewer"`,
		}}, "no roles/run.invoker binding"},
		{"an unknown deployable", RuleRunIdentity, []mutation{{
			dir: "infra/modules/run", file: "main.tf",
			old: "locals {", new: "resource \"google_cloud_run_v2_service\" \"extra\" {\n  location = var.region\n}\n\nlocals {",
		}}, "not a known deployable"},
		{"alert policy missing", RuleAlerts, []mutation{{
			dir: "infra/modules/monitoring", file: "main.tf",
			old: `resource "google_monitoring_alert_policy" "dead_letter_not_empty" {`, new: `resource "google_monitoring_alert_policy" "dlq" {`,
		}}, "missing google_monitoring_alert_policy.dead_letter_not_empty"},
		{"alert policy notifies nobody", RuleAlerts, []mutation{{
			dir: "infra/modules/monitoring", file: "main.tf",
			old: "  notification_channels = local.channels\n\n  documentation {\n    mime_type = \"text/markdown\"\n    content   = \"Report requests", new: "  documentation {\n    mime_type = \"text/markdown\"\n    content   = \"Report requests",
		}}, "report_queue_age: no notification_channels"},
		{"no budget", RuleAlerts, []mutation{{
			dir: "infra/modules/monitoring", file: "main.tf",
			old: `resource "google_billing_budget" "project" {`, new: `resource "google_billing_budgetx" "project" {`,
		}}, "no google_billing_budget"},
		{"root passes a wrong input", RuleReferences, []mutation{{
			dir: ".", file: "main.tf",
			old: "  tenant_datasets     = var.tenant_datasets\n", new: "  tenant_dataset      = var.tenant_datasets\n",
		}}, `has no variable "tenant_dataset"`},
		{"provider unpinned", RuleProviders, []mutation{{
			dir: ".", file: "main.tf",
			old: `version = "= 6.50.0"
    }
    google-beta`, new: `version = "~> 6.50"
    }
    google-beta`,
		}}, "not pinned exactly"},
		{"dataset in the US", RuleBigQueryLocation, []mutation{{
			dir: "infra/modules/bigquery", file: "main.tf",
			old: "  description                = \"Dataset-mode tenant: this org's own marts.\"\n  location                   = var.region", new: "  description                = \"Dataset-mode tenant: this org's own marts.\"\n  location                   = \"US\"",
		}}, "google_bigquery_dataset.tenant: location must be var.region"},
		{"prod unprotected", RuleTfvars, []mutation{{
			dir: "infra/envs", file: "prod.tfvars",
			old: "deletion_protection  = true", new: "deletion_protection  = false",
		}}, "prod must set deletion_protection = true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mods, vars := repoSources(t)
			if got := tc.rule(mustParse(t, mods, vars)); len(got) != 0 {
				t.Fatalf("the unmutated configuration already fails: %v", got)
			}
			for _, mu := range tc.muts {
				if mu.dir == "infra/envs" {
					path := mu.dir + "/" + mu.file
					src := string(vars[path])
					if strings.Count(src, mu.old) != 1 {
						t.Fatalf("%s must contain %q exactly once (the test is out of date)", path, mu.old)
					}
					vars[path] = []byte(strings.Replace(src, mu.old, mu.new, 1))
					continue
				}
				files := mods[mu.dir]
				src, ok := files[mu.file]
				if !ok {
					t.Fatalf("no %s/%s", mu.dir, mu.file)
				}
				if mu.moveTo != "" {
					delete(files, mu.file)
					files[mu.moveTo] = src
					continue
				}
				if strings.Count(string(src), mu.old) != 1 {
					t.Fatalf("%s/%s must contain %q exactly once (the test is out of date)", mu.dir, mu.file, mu.old)
				}
				files[mu.file] = []byte(strings.Replace(string(src), mu.old, mu.new, 1))
			}
			got := tc.rule(mustParse(t, mods, vars))
			for _, f := range got {
				if strings.Contains(f.String(), tc.want) {
					return
				}
			}
			t.Errorf("no finding containing %q; got %v", tc.want, got)
		})
	}
}

func mustParse(t *testing.T, mods map[string]map[string][]byte, vars map[string][]byte) *Config {
	t.Helper()
	c, err := Parse(mods, vars)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return c
}

// TestEveryRuleHasANegativeCase keeps the promise that each rule can fail.
func TestEveryRuleHasANegativeCase(t *testing.T) {
	src, err := os.ReadFile("policy_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules {
		fn := ruleFuncName(t, r.Name)
		if n := strings.Count(string(src), fn+","); n < 2 {
			t.Errorf("rule %s (%s) is used in %d test case(s); give it a case that must fail", r.Name, fn, n)
		}
	}
}

func ruleFuncName(t *testing.T, name string) string {
	t.Helper()
	names := map[string]string{
		"region": "RuleRegion", "region-literal": "RuleRegionLiteral", "bigquery-location": "RuleBigQueryLocation",
		"bigquery-marts": "RuleBigQueryMarts", "basic-roles": "RuleBasicRoles", "public": "RulePublic",
		"project-iam": "RuleProjectIAM", "buckets": "RuleBuckets", "pubsub": "RulePubSub", "cloudsql": "RuleCloudSQL",
		"secrets": "RuleSecrets", "service-accounts": "RuleServiceAccounts", "run-identity": "RuleRunIdentity",
		"providers": "RuleProviders", "backend": "RuleBackend", "alerts": "RuleAlerts", "references": "RuleReferences",
		"tfvars": "RuleTfvars",
	}
	fn, ok := names[name]
	if !ok {
		t.Fatalf("rule %s: add it to ruleFuncName and give it negative cases", name)
	}
	return fn
}

// ---------------------------------------------------------------------------
// frontend/firebase.json: Hosting for the SPA, /v1/** to the api, headers.

func TestFirebaseHosting(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "frontend", "firebase.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Hosting struct {
			Target   string `json:"target"`
			Public   string `json:"public"`
			Rewrites []struct {
				Source      string `json:"source"`
				Destination string `json:"destination"`
				Run         *struct {
					ServiceID string `json:"serviceId"`
					Region    string `json:"region"`
				} `json:"run"`
			} `json:"rewrites"`
			Headers []struct {
				Source  string `json:"source"`
				Headers []struct{ Key, Value string }
			} `json:"headers"`
		} `json:"hosting"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	h := cfg.Hosting
	if h.Public != "dist" {
		t.Errorf("public = %q, want dist", h.Public)
	}
	if h.Target != "app" {
		t.Errorf("target = %q, want app (Cloud Build maps it to the env's site)", h.Target)
	}
	if len(h.Rewrites) < 2 {
		t.Fatalf("rewrites: %+v", h.Rewrites)
	}
	region := defaultRegion(t)
	api, last := h.Rewrites[0], h.Rewrites[len(h.Rewrites)-1]
	if api.Source != "/v1/**" || api.Run == nil || api.Run.ServiceID != "api" || api.Run.Region != region {
		t.Errorf("first rewrite must send /v1/** to Cloud Run api in %s (var.region's default), got %+v", region, api)
	}
	if last.Source != "**" || last.Destination != "/index.html" {
		t.Errorf("last rewrite must be the SPA fallback ** -> /index.html, got %+v", last)
	}
	headers := map[string]string{}
	for _, hs := range h.Headers {
		if hs.Source == "**" {
			for _, kv := range hs.Headers {
				headers[strings.ToLower(kv.Key)] = kv.Value
			}
		}
	}
	csp := headers["content-security-policy"]
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'",
		"https://identitytoolkit.googleapis.com", "https://securetoken.googleapis.com"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy lacks %q: %s", want, csp)
		}
	}
	if regexp.MustCompile(`script-src[^;]*'unsafe-(inline|eval)'`).MatchString(csp) {
		t.Errorf("script-src must not allow unsafe-inline/eval: %s", csp)
	}
	for key, want := range map[string]string{
		"strict-transport-security": "max-age=",
		"x-content-type-options":    "nosniff",
		"x-frame-options":           "DENY",
		"referrer-policy":           "strict-origin-when-cross-origin",
		"permissions-policy":        "camera=()",
	} {
		if !strings.Contains(headers[key], want) {
			t.Errorf("header %s = %q, want it to contain %q", key, headers[key], want)
		}
	}
}

// ---------------------------------------------------------------------------
// cloudbuild.yaml: the pipeline's steps, in order (text checks: no YAML
// library is a dependency of the module).

func TestCloudBuildPipeline(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "cloudbuild.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	order := []string{"id: vet", "id: test-infra", "id: build-functions", "id: build-quarto-job", "id: push-functions", "id: push-quarto-job", "id: db-roles", "id: migrate",
		"id: deploy-api", "id: deploy-scheduler", "id: deploy-dispatch", "id: deploy-ingest", "id: deploy-quarto-job", "id: build-spa", "id: deploy-hosting"}
	last := -1
	for _, id := range order {
		i := strings.Index(src, id+"\n")
		if i < 0 {
			t.Errorf("cloudbuild.yaml has no step %q", id)
			continue
		}
		if i < last {
			t.Errorf("step %q is out of order", id)
		}
		last = i
	}
	for _, target := range []string{"FUNCTION_TARGET=API", "FUNCTION_TARGET=Scheduler", "FUNCTION_TARGET=Dispatch", "FUNCTION_TARGET=Ingest"} {
		if !strings.Contains(src, target) {
			t.Errorf("cloudbuild.yaml does not deploy %s", target)
		}
	}
	if !strings.Contains(src, "_REGION: "+defaultRegion(t)+" ") {
		t.Error("cloudbuild.yaml's default _REGION must be the Terraform region default")
	}
	if !strings.Contains(src, "quarto-job/Dockerfile") || !strings.Contains(src, "functions/Dockerfile") {
		t.Error("both images must be built")
	}
	if strings.Contains(src, "local provision") {
		t.Error("the local provision command prints the roles' URLs with their passwords: never in Cloud Build")
	}
}

// ---------------------------------------------------------------------------
// tflint, built-in terraform ruleset only, on the root and every module.

const tflintVersion = "v0.64.0"

// tflintBinary compiles tflint once (from the Go module proxy, the same
// source `go run github.com/terraform-linters/tflint@v0.64.0` uses) into the
// user cache directory and reuses it afterwards.
func tflintBinary(t *testing.T) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "mirante", "tflint-"+tflintVersion)
	bin := filepath.Join(dir, "tflint")
	if out, err := exec.Command(bin, "--version").CombinedOutput(); err == nil && strings.Contains(string(out), strings.TrimPrefix(tflintVersion, "v")) {
		return bin
	}
	// Compiling takes minutes on a cold build cache: stop short of the test
	// binary's deadline so the failure says why instead of a timeout panic.
	limit := 15 * time.Minute
	if d, ok := t.Deadline(); ok {
		limit = time.Until(d) - 30*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/terraform-linters/tflint@"+tflintVersion)
	cmd.Dir = os.TempDir() // outside this module: pkg@version ignores go.mod anyway
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compiling tflint %s (go install, needs the Go module proxy the first time; after %s, run go test with a longer -timeout): %v\n%s",
			tflintVersion, time.Since(start).Round(time.Second), err, out)
	}
	t.Logf("compiled tflint %s in %s into %s", tflintVersion, time.Since(start).Round(time.Second), dir)
	return bin
}

func TestTflint(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: tflint is compiled on first use (minutes); make test runs it")
	}
	bin := tflintBinary(t)
	config, err := filepath.Abs(".tflint.hcl")
	if err != nil {
		t.Fatal(err)
	}
	c := loadRepo(t)
	var dirs []string
	for _, m := range c.Modules {
		dirs = append(dirs, m.Dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			abs, err := filepath.Abs(filepath.Join(repoRoot, dir))
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"--chdir=" + abs, "--config=" + config, "--no-color"}
			if dir == "." {
				// The repository layout fixes the root module to one main.tf (its
				// variables and outputs included); every module under infra/modules
				// keeps the standard main/variables/outputs structure.
				args = append(args, "--disable-rule=terraform_standard_module_structure")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
			if err != nil {
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					t.Fatalf("tflint found issues in %s (exit %d):\n%s", dir, exit.ExitCode(), out)
				}
				t.Fatalf("running tflint: %v\n%s", err, out)
			}
			if s := strings.TrimSpace(string(out)); s != "" {
				t.Fatalf("tflint printed output (want none):\n%s", s)
			}
		})
	}
}

// TestTflintCatches makes sure the linter really runs with the terraform
// ruleset: a module with an untyped, undocumented, unused variable and a
// legacy interpolation must fail.
func TestTflintCatches(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: tflint is compiled on first use (minutes); make test runs it")
	}
	bin := tflintBinary(t)
	config, err := filepath.Abs(".tflint.hcl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := "variable \"x\" {}\n\noutput \"y\" {\n  value = \"${var.x}\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--chdir="+dir, "--config="+config, "--no-color").CombinedOutput()
	if err == nil {
		t.Fatalf("tflint accepted a bad module:\n%s", out)
	}
	for _, rule := range []string{"terraform_typed_variables", "terraform_documented_variables", "terraform_deprecated_interpolation"} {
		if !strings.Contains(string(out), rule) {
			t.Errorf("tflint did not report %s:\n%s", rule, out)
		}
	}
}

// TestTerraformFmt runs `terraform fmt -check` where terraform is installed
// (it needs no provider); elsewhere the HCL is still parsed above.
func TestTerraformFmt(t *testing.T) {
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not installed")
	}
	for _, args := range [][]string{
		{"fmt", "-check", "-list=true", "-recursive", "infra"},
		{"fmt", "-check", "-list=true", "main.tf"},
	} {
		cmd := exec.Command(tf, args...)
		cmd.Dir = repoRoot
		var stdout strings.Builder
		cmd.Stdout = &stdout
		if err := cmd.Run(); err != nil {
			t.Errorf("terraform %s: %v; files to format:\n%s", strings.Join(args, " "), err, stdout.String())
		}
	}
}
