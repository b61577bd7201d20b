package infra

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mirante/mirante/functions/api"
	"github.com/mirante/mirante/functions/dispatch"
	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/functions/scheduler"
	"github.com/mirante/mirante/quarto-job/worker"
	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/config"
)

// The contract between infra/modules/run and the binaries it deploys: what
// Terraform sets on each Cloud Run service and job is exactly what the binary
// reads, production's requirements are all met, and production refuses every
// local stand-in.

// binary is what one deployable's process loads from its environment.
type binary struct {
	target string // FUNCTION_TARGET; "" for the job
	parts  []any  // everything it reads, for Describe
	load   func() error
}

// serverPart mirrors the tags of functions/cmd/server's Config, which lives
// in package main and cannot be imported: a struct with the same fields and
// tags, built from the source, that config.Load and Describe treat alike.
func serverPart(t *testing.T) func() any {
	t.Helper()
	path := filepath.Join(repoRoot, "functions", "cmd", "server", "main.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var fields []reflect.StructField
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Config" {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			t.Fatalf("%s: Config is not a struct", path)
		}
		for _, fl := range st.Fields.List {
			if id, ok := fl.Type.(*ast.Ident); !ok || id.Name != "string" || fl.Tag == nil || len(fl.Names) != 1 {
				t.Fatalf("%s: Config field %v: only tagged string fields are mirrored", path, fl.Names)
			}
			tag, err := strconv.Unquote(fl.Tag.Value)
			if err != nil {
				t.Fatal(err)
			}
			fields = append(fields, reflect.StructField{Name: fl.Names[0].Name, Type: reflect.TypeOf(""), Tag: reflect.StructTag(tag)})
		}
		return false
	})
	if len(fields) == 0 {
		t.Fatalf("%s: no Config struct", path)
	}
	typ := reflect.StructOf(fields)
	return func() any { return reflect.New(typ).Interface() }
}

// binaries describes each deployable of infra.Deployables. The warehouse
// engine loads its own part when it is opened (warehouse.Engines.Open), so the
// binaries that open BigQuery read bigquery.Config too.
func binaries(t *testing.T) map[string]binary {
	t.Helper()
	server := serverPart(t)
	loadBigQuery := func() error { return config.Load(&config.Runtime{}, &bigquery.Config{}) }
	var apiCfg api.Config
	var schedCfg scheduler.Config
	var dispCfg dispatch.Config
	var ingCfg ingest.Config
	var jobCfg worker.Config
	return map[string]binary{
		"api": {"API", append(append([]any{server()}, apiCfg.Parts()...), &bigquery.Config{}), func() error {
			if err := config.Load(server()); err != nil {
				return err
			}
			if _, err := api.LoadConfig(); err != nil {
				return err
			}
			return loadBigQuery()
		}},
		"scheduler": {"Scheduler", append([]any{server()}, schedCfg.Parts()...), func() error {
			var c scheduler.Config
			return config.Load(append([]any{server()}, c.Parts()...)...)
		}},
		"dispatch": {"Dispatch", append([]any{server()}, dispCfg.Parts()...), func() error {
			var c dispatch.Config
			return config.Load(append([]any{server()}, c.Parts()...)...)
		}},
		"ingest": {"Ingest", append(append([]any{server()}, ingCfg.Parts()...), &bigquery.Config{}), func() error {
			var c ingest.Config
			if err := config.Load(append([]any{server()}, c.Parts()...)...); err != nil {
				return err
			}
			return loadBigQuery()
		}},
		"quarto-job": {"", append(jobCfg.Parts(), &bigquery.Config{}), func() error {
			if _, err := worker.LoadConfig(); err != nil {
				return err
			}
			return loadBigQuery()
		}},
	}
}

// plausible gives production-like values to the variables Terraform sets
// from references (resources, module variables, secrets).
var plausible = map[string]string{
	"APP_DATABASE_URL":             "postgres://mirante_app:s3cret@10.20.0.3:5432/mirante?sslmode=require",
	"REDIS_URL":                    "redis://10.20.0.4:6379",
	"CURSOR_SECRET":                strings.Repeat("k", 48),
	"GOOGLE_CLOUD_PROJECT":         "mirante-prod",
	"FIREBASE_PROJECT_ID":          "mirante-prod",
	"BIGQUERY_PROJECT":             "mirante-prod",
	"BIGQUERY_LOCATION":            "southamerica-east1",
	"RAW_BUCKET":                   "mirante-prod-raw",
	"REPORTS_BUCKET":               "mirante-prod-reports",
	"REPORT_REQUESTS_TOPIC":        "report-requests",
	"REPORT_REQUESTS_SUBSCRIPTION": "report-requests-worker",
	"QUARTO_JOB":                   "projects/mirante-prod/locations/southamerica-east1/jobs/quarto-job",
	"TASKS_QUEUE":                  "projects/mirante-prod/locations/southamerica-east1/queues/report-dispatch",
	"DISPATCH_URL":                 "https://dispatch-123456789012.southamerica-east1.run.app",
	"TASKS_SERVICE_ACCOUNT":        "mirante-tasks-prod@mirante-prod.iam.gserviceaccount.com",
}

// standIns are the local stand-ins, each with a value a local run would
// give it. Production must refuse each one: the *_EMULATOR_HOST ones in every
// binary (Google's libraries read them behind the configuration's back), the
// others in every binary that reads them.
var standIns = map[string]string{
	"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
	"STORAGE_EMULATOR_HOST":       "127.0.0.1:4443",
	"PUBSUB_EMULATOR_HOST":        "127.0.0.1:8085",
	"BIGQUERY_EMULATOR_HOST":      "127.0.0.1:9050",
	"TASKS_ENDPOINT":              "127.0.0.1:8123",
	"LOCAL_TASK_SECRET":           "mirante-local-task-secret",
	"BIGQUERY_ENDPOINT":           "http://127.0.0.1:9050",
	"RUN_API_ENDPOINT":            "http://127.0.0.1:9",
	"FIREBASE_CERTS_URL":          "http://127.0.0.1:9/certs",
	"DOWNLOAD_SECRET":             "mirante-local-development-download-key",
	"PUBLIC_BASE_URL":             "http://127.0.0.1:8080",
}

// prodInsists lists, per deployable, variables whose local default would be
// wrong in production, so production must demand them (and Terraform set them).
var prodInsists = map[string][]string{
	"api":        {"CURSOR_SECRET", "FIREBASE_PROJECT_ID", "GOOGLE_CLOUD_PROJECT", "REDIS_URL", "BIGQUERY_PROJECT"},
	"scheduler":  {"TASKS_QUEUE", "DISPATCH_URL", "TASKS_SERVICE_ACCOUNT"},
	"dispatch":   {"DISPATCH_URL", "TASKS_SERVICE_ACCOUNT", "GOOGLE_CLOUD_PROJECT"},
	"ingest":     {"BIGQUERY_PROJECT"},
	"quarto-job": {"GOOGLE_CLOUD_PROJECT", "REDIS_URL", "BIGQUERY_PROJECT"},
}

type contractBundle struct {
	env      map[string]map[string]EnvVar // deployable -> Terraform's env
	bins     map[string]binary
	reads    map[string]map[string]config.Var // deployable -> what it reads
	allReads map[string]bool
}

func setupContract(t *testing.T) contractBundle {
	t.Helper()
	c := loadRepo(t)
	b := contractBundle{env: map[string]map[string]EnvVar{}, bins: binaries(t), reads: map[string]map[string]config.Var{}, allReads: map[string]bool{}}
	for _, d := range Deployables {
		env, err := c.DeployableEnv(d.Name)
		if err != nil {
			t.Fatal(err)
		}
		if len(env) == 0 {
			t.Fatalf("%s: Terraform sets no variable; the contract would prove nothing", d.Name)
		}
		b.env[d.Name] = env
		bin, ok := b.bins[d.Name]
		if !ok {
			t.Fatalf("deployable %s has no binary in this test", d.Name)
		}
		vars, err := config.Describe(bin.parts...)
		if err != nil {
			t.Fatal(err)
		}
		b.reads[d.Name] = map[string]config.Var{}
		for _, v := range vars {
			b.reads[d.Name][v.Name] = v
			b.allReads[v.Name] = true
		}
	}
	return b
}

// applyEnv makes the process environment exactly Terraform's for deployable
// name (references replaced by plausible values): every other variable any
// binary reads, every *_EMULATOR_HOST and every stand-in is blanked, which
// config.Load treats as unset.
func (b contractBundle) applyEnv(t *testing.T, name string) {
	t.Helper()
	for v := range b.allReads {
		t.Setenv(v, "")
	}
	for v := range standIns {
		t.Setenv(v, "")
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasSuffix(k, "_EMULATOR_HOST") {
			t.Setenv(k, "")
		}
	}
	for _, v := range b.env[name] {
		val := v.Value
		if !v.Literal {
			p, ok := plausible[v.Name]
			if !ok && b.reads[name][v.Name].Name != "" {
				t.Fatalf("%s: Terraform sets %s = %s; give it a plausible value in this test", name, v.Name, v.Expr)
			}
			val = p // a variable no binary reads: TestTerraformSetsOnlyWhatTheBinaryReads reports it
		}
		t.Setenv(v.Name, val)
	}
}

// Every variable Terraform sets is one the binary reads: none is dead.
func TestTerraformSetsOnlyWhatTheBinaryReads(t *testing.T) {
	b := setupContract(t)
	for _, d := range Deployables {
		for _, name := range sortedKeys(b.env[d.Name]) {
			if _, ok := b.reads[d.Name][name]; !ok {
				t.Errorf("%s (%s): Terraform sets %s, which the binary does not read", d.Name, d.File, name)
			}
		}
		if want := b.bins[d.Name].target; want != "" {
			if got := b.env[d.Name]["FUNCTION_TARGET"]; !got.Literal || got.Value != want {
				t.Errorf("%s: FUNCTION_TARGET = %q, want %q", d.Name, got.Expr, want)
			}
		}
	}
}

// Every variable the binary requires, always or in production, is set by
// Terraform, and Terraform sets no stand-in.
func TestTerraformSetsWhatProductionRequires(t *testing.T) {
	b := setupContract(t)
	for _, d := range Deployables {
		for _, name := range sortedKeys(b.reads[d.Name]) {
			v := b.reads[d.Name][name]
			_, set := b.env[d.Name][name]
			if (v.Required || v.Prod == config.ProdRequired) && !set {
				t.Errorf("%s (%s): the binary requires %s in production; Terraform does not set it", d.Name, d.File, name)
			}
			if v.Prod == config.ProdUnset && set {
				t.Errorf("%s (%s): Terraform sets %s, a local stand-in that production refuses", d.Name, d.File, name)
			}
		}
		for _, name := range prodInsists[d.Name] {
			if v, ok := b.reads[d.Name][name]; !ok || v.Prod != config.ProdRequired && !v.Required {
				t.Errorf("%s: production does not insist on %s (want prod:\"required\" on it)", d.Name, name)
			}
		}
	}
}

// The scheduler signs each task for the audience dispatch checks, as the
// account dispatch expects: both must read the same values.
func TestSchedulerAndDispatchAgreeOnTheTasks(t *testing.T) {
	b := setupContract(t)
	for _, name := range []string{"DISPATCH_URL", "TASKS_SERVICE_ACCOUNT"} {
		s, d := b.env["scheduler"][name], b.env["dispatch"][name]
		if s.Expr == "" || s.Expr != d.Expr {
			t.Errorf("%s: the scheduler gets %q, dispatch %q; they must be the same value", name, s.Expr, d.Expr)
		}
	}
	if u := b.env["dispatch"]["DISPATCH_URL"].Expr; strings.Contains(u, "google_cloud_run_v2_service.dispatch") {
		t.Errorf("dispatch's DISPATCH_URL = %s refers to the dispatch service itself (a cycle)", u)
	}
}

// Each binary's production configuration loads from exactly Terraform's
// environment, and loses its footing when a variable it requires is removed.
func TestProductionConfigLoadsFromTerraformEnv(t *testing.T) {
	b := setupContract(t)
	for _, d := range Deployables {
		t.Run(d.Name, func(t *testing.T) {
			b.applyEnv(t, d.Name)
			if env := b.env[d.Name]["MIRANTE_ENV"]; env.Value != "production" {
				t.Fatalf("Terraform sets MIRANTE_ENV = %q, want production", env.Expr)
			}
			if err := b.bins[d.Name].load(); err != nil {
				t.Fatalf("the production configuration does not load from Terraform's env: %v", err)
			}
			for _, name := range sortedKeys(b.reads[d.Name]) {
				v := b.reads[d.Name][name]
				if !v.Required && v.Prod != config.ProdRequired {
					continue
				}
				b.applyEnv(t, d.Name)
				t.Setenv(name, "")
				var ve *config.VarError
				if err := b.bins[d.Name].load(); !errors.As(err, &ve) || ve.Name != name {
					t.Errorf("without %s: load() = %v, want an error naming it", name, err)
				}
			}
		})
	}
}

// MIRANTE_ENV=production refuses every stand-in, naming it.
func TestProductionRefusesEveryStandIn(t *testing.T) {
	b := setupContract(t)
	for _, d := range Deployables {
		for name, v := range b.reads[d.Name] {
			if _, ok := standIns[name]; v.Prod == config.ProdUnset && !ok {
				t.Errorf("%s: %s is tagged prod:\"unset\"; list it in standIns so that its refusal is tested", d.Name, name)
			}
		}
	}
	for _, name := range sortedKeys(standIns) {
		if !b.allReads[name] && !strings.HasSuffix(name, "_EMULATOR_HOST") {
			t.Errorf("standIns lists %s, which no binary reads", name)
		}
	}
	for _, d := range Deployables {
		t.Run(d.Name, func(t *testing.T) {
			tested := 0
			for _, name := range sortedKeys(standIns) {
				if _, read := b.reads[d.Name][name]; !read && !strings.HasSuffix(name, "_EMULATOR_HOST") {
					continue
				}
				b.applyEnv(t, d.Name)
				t.Setenv(name, standIns[name])
				var ve *config.VarError
				if err := b.bins[d.Name].load(); !errors.As(err, &ve) || ve.Name != name {
					t.Errorf("with %s set in production: load() = %v, want an error naming it", name, err)
				}
				tested++
			}
			if tested == 0 {
				t.Fatal("no stand-in tried")
			}
		})
	}
}

// The dataset names Terraform creates are the ones the BigQuery models name
// literally (dataset.table after FROM, JOIN, INTO, MERGE, UPDATE or
// IF NOT EXISTS).
func TestWarehouseDatasetsMatchTheModels(t *testing.T) {
	c := loadRepo(t)
	m := c.Module("infra/modules/bigquery")
	if m == nil {
		t.Fatal("no infra/modules/bigquery")
	}
	layers, err := m.objectItems(m.locals()["layers"].Expr, 0)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "shared", "ingest", "models", "bigquery", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no BigQuery models: %v", err)
	}
	// Comments and EXTRACT(part FROM column) hold no table names.
	noise := regexp.MustCompile(`--[^\n]*|(?i)\bextract\s*\([^)]*\)`)
	qualified := regexp.MustCompile("(?i)\\b(?:from|join|into|merge|update|exists)\\s+`?([a-z_][a-z0-9_]*)\\.[a-z_][a-z0-9_]*")
	used := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range qualified.FindAllStringSubmatch(noise.ReplaceAllString(string(src), ""), -1) {
			used[strings.ToLower(m[1])] = filepath.Base(f)
		}
	}
	if len(used) == 0 {
		t.Fatal("found no dataset.table in the models; the check would prove nothing")
	}
	for _, ds := range sortedKeys(used) {
		if _, ok := layers[ds]; !ok {
			t.Errorf("%s uses dataset %s, which Terraform does not create", used[ds], ds)
		}
	}
	for _, ds := range sortedKeys(layers) {
		if _, ok := used[ds]; !ok {
			t.Errorf("Terraform creates dataset %s, which no BigQuery model uses", ds)
		}
	}
}

func TestDeployableEnvResolvesMerges(t *testing.T) {
	c := parseSnippet(t, map[string]string{"infra/modules/run/main.tf": `
locals {
  common = { A = "1", B = "2" }
  svc    = merge(local.common, { B = "3", C = var.c })
  sec    = { S = var.s }
}
resource "google_cloud_run_v2_service" "api" {
  template {
    containers {
      env {
        name  = "D"
        value = "4"
      }
      dynamic "env" {
        for_each = local.svc
        content {
          name  = env.key
          value = env.value
        }
      }
      dynamic "env" {
        for_each = local.sec
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret = env.value
            }
          }
        }
      }
    }
  }
}
`})
	env, err := c.DeployableEnv("api")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range sortedKeys(env) {
		v := env[k]
		got = append(got, k+"="+v.Value+"|"+v.Expr+"|"+strconv.FormatBool(v.Secret))
	}
	want := []string{`A=1|"1"|false`, `B=3|"3"|false`, `C=|var.c|false`, `D=4|"4"|false`, `S=|var.s|true`}
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("DeployableEnv = %v, want %v", got, want)
	}
	bad := parseSnippet(t, map[string]string{"infra/modules/run/main.tf": `
resource "google_cloud_run_v2_service" "api" {
  template {
    containers {
      dynamic "env" {
        for_each = { for k, v in var.m : k => v }
        content {
          name  = env.key
          value = env.value
        }
      }
    }
  }
}
`})
	if _, err := bad.DeployableEnv("api"); err == nil {
		t.Error("DeployableEnv resolved a for expression it cannot see through")
	}
}
