package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

type prodPart struct {
	Account  string `envconfig:"CFGTEST_ACCOUNT" prod:"required" desc:"who"`
	Queue    string `envconfig:"CFGTEST_QUEUE" default:"local-queue" prod:"required" desc:"where"`
	Endpoint string `envconfig:"CFGTEST_ENDPOINT" prod:"unset" desc:"stand-in"`
	Secret   string `envconfig:"CFGTEST_SECRET" default:"local-secret" prod:"unset" desc:"local secret"`
	Conns    int    `envconfig:"CFGTEST_CONNS" default:"4" desc:"how many"`
}

// clearEmulators blanks every *_EMULATOR_HOST of the test process (make test
// exports the Auth emulator's), which Load treats as unset.
func clearEmulators(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasSuffix(name, "_EMULATOR_HOST") {
			t.Setenv(name, "")
		}
	}
}

func TestLoadEnforcesProdTags(t *testing.T) {
	ok := map[string]string{"CFGTEST_ACCOUNT": "tasks@p.iam.gserviceaccount.com", "CFGTEST_QUEUE": "projects/p/locations/r/queues/q"}
	cases := []struct {
		name    string
		env     map[string]string
		wantVar string // "" when Load must succeed
		want    string
	}{
		{"local needs nothing", map[string]string{"MIRANTE_ENV": "local", "CFGTEST_ENDPOINT": "127.0.0.1:1"}, "", ""},
		{"production with its settings", map[string]string{"MIRANTE_ENV": "production"}, "", ""},
		{"required with no default", map[string]string{"MIRANTE_ENV": "production", "CFGTEST_ACCOUNT": ""}, "CFGTEST_ACCOUNT", "required when MIRANTE_ENV=production"},
		{"required with a local default", map[string]string{"MIRANTE_ENV": "production", "CFGTEST_QUEUE": ""}, "CFGTEST_QUEUE", "required when MIRANTE_ENV=production"},
		{"stand-in", map[string]string{"MIRANTE_ENV": "production", "CFGTEST_ENDPOINT": "127.0.0.1:1"}, "CFGTEST_ENDPOINT", "must not be set when MIRANTE_ENV=production"},
		{"local secret even at its default", map[string]string{"MIRANTE_ENV": "production", "CFGTEST_SECRET": "local-secret"}, "CFGTEST_SECRET", "must not be set when MIRANTE_ENV=production"},
		{"an emulator no part reads", map[string]string{"MIRANTE_ENV": "production", "STORAGE_EMULATOR_HOST": "127.0.0.1:4443"}, "STORAGE_EMULATOR_HOST", "must not be set when MIRANTE_ENV=production"},
		{"any emulator", map[string]string{"MIRANTE_ENV": "production", "CFGTEST_EMULATOR_HOST": "127.0.0.1:1"}, "CFGTEST_EMULATOR_HOST", "must not be set when MIRANTE_ENV=production"},
		{"a stand-in before a missing value", map[string]string{"MIRANTE_ENV": "production", "PUBSUB_EMULATOR_HOST": "127.0.0.1:8085", "CFGTEST_ACCOUNT": ""}, "PUBSUB_EMULATOR_HOST", "must not be set when MIRANTE_ENV=production"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEmulators(t)
			for _, k := range []string{"MIRANTE_ENV", "CFGTEST_ACCOUNT", "CFGTEST_QUEUE", "CFGTEST_ENDPOINT", "CFGTEST_SECRET", "CFGTEST_CONNS"} {
				t.Setenv(k, ok[k])
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var p prodPart
			err := Load(&p)
			if tc.wantVar == "" {
				if err != nil {
					t.Fatalf("Load() = %v, want nil", err)
				}
				return
			}
			var ve *VarError
			if !errors.As(err, &ve) || ve.Name != tc.wantVar || ve.Reason != tc.want {
				t.Fatalf("Load() = %v, want %s: %s", err, tc.wantVar, tc.want)
			}
		})
	}
}

func TestDescribeReportsProdTag(t *testing.T) {
	vars, err := Describe(&prodPart{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Prod
	}
	want := map[string]string{"CFGTEST_ACCOUNT": ProdRequired, "CFGTEST_QUEUE": ProdRequired, "CFGTEST_ENDPOINT": ProdUnset, "CFGTEST_SECRET": ProdUnset, "CFGTEST_CONNS": ""}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("Describe: %s prod = %q, want %q", k, got[k], w)
		}
	}
	if vars[0].Desc != "who" {
		t.Errorf("Describe: desc = %q, want %q", vars[0].Desc, "who")
	}
}

func TestUnknownProdTagIsAnError(t *testing.T) {
	var p struct {
		X string `envconfig:"CFGTEST_X" prod:"optional"`
	}
	if err := Load(&p); err == nil || !strings.Contains(err.Error(), "CFGTEST_X") {
		t.Fatalf("Load() = %v, want an error naming CFGTEST_X", err)
	}
}
