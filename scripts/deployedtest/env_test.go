package deployedtest

import (
	"maps"
	"slices"
	"testing"

	"github.com/mirante/mirante/infra"
)

// localValues stand for what Terraform fills in from references (resources,
// module variables, secrets): the same kind of value, pointing here.
type localValues map[string]string

// differences are what the deployed-shape stack changes in the environment
// Terraform gives each deployable, beyond filling in its references: every
// entry is an endpoint of a stand-in, or a production setting that cannot
// work offline, and says why. The test fails if the environment differs in
// any other way, or if one of these no longer applies.
var differences = map[string]map[string]string{
	"*": {
		"MIRANTE_ENV":        "local: production refuses every stand-in endpoint below (as it must)",
		"TELEMETRY_EXPORTER": "unset: the gcp exporter needs Cloud Trace and Monitoring",
	},
	"api": {
		"PORT":                        "Cloud Run sets it",
		"FIREBASE_AUTH_EMULATOR_HOST": "the Auth emulator (unsigned tokens, the same claim checks)",
		"STORAGE_EMULATOR_HOST":       "fake-gcs-server",
		"PUBSUB_EMULATOR_HOST":        "pstest",
		"BIGQUERY_ENDPOINT":           "bqfake, the wire-level BigQuery fake",
		"RUN_API_ENDPOINT":            "the test's Cloud Run Admin API, which starts the job binary",
		"PUBLIC_BASE_URL":             "download URLs are signed by the API and served at /files/ (V4 signed Cloud Storage URLs need a service account key)",
	},
	"ingest": {
		"PORT":                  "Cloud Run sets it",
		"STORAGE_EMULATOR_HOST": "fake-gcs-server",
		"BIGQUERY_ENDPOINT":     "bqfake",
	},
	"scheduler": {
		"PORT":                  "Cloud Run sets it",
		"TASKS_ENDPOINT":        "the in-process Cloud Tasks server",
		"TASKS_SERVICE_ACCOUNT": "unset: tasks carry the local shared secret, since an OIDC token of Google's cannot be minted or checked offline",
	},
	"dispatch": {
		"PORT":                  "Cloud Run sets it",
		"PUBSUB_EMULATOR_HOST":  "pstest",
		"RUN_API_ENDPOINT":      "the test's Cloud Run Admin API",
		"TASKS_SERVICE_ACCOUNT": "unset: the dispatch function then takes the local shared secret",
	},
	"quarto-job": {
		"STORAGE_EMULATOR_HOST": "fake-gcs-server",
		"PUBSUB_EMULATOR_HOST":  "pstest",
		"BIGQUERY_ENDPOINT":     "bqfake",
	},
}

// deployedEnv is Terraform's environment of the deployable, with its
// references replaced by vals and the declared differences applied from
// over (a "" value unsets). It fails the test when Terraform sets a
// reference vals has no value for, or when over and the declared
// differences disagree.
func deployedEnv(t *testing.T, name string, vals localValues, over map[string]string) map[string]string {
	t.Helper()
	c, err := infra.Load(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	tf, err := c.DeployableEnv(name)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for k, v := range tf {
		if v.Literal {
			env[k] = v.Value
			continue
		}
		val, ok := vals[k]
		if !ok {
			t.Fatalf("%s: Terraform sets %s = %s; the test has no local value for it", name, k, v.Expr)
		}
		env[k] = val
	}
	declared := maps.Clone(differences["*"])
	maps.Copy(declared, differences[name])
	if got, want := slices.Sorted(maps.Keys(over)), slices.Sorted(maps.Keys(declared)); !slices.Equal(got, want) {
		t.Fatalf("%s: the stack changes %q of Terraform's environment, the declared differences are %q", name, got, want)
	}
	for k, v := range over {
		if v == "" {
			if _, ok := env[k]; !ok {
				t.Fatalf("%s: the difference %s unsets a variable Terraform does not set", name, k)
			}
			delete(env, k)
			continue
		}
		env[k] = v
	}
	return env
}
