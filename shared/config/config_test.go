package config

import (
	"strings"
	"testing"
)

type part struct {
	URL   string `envconfig:"CFGTEST_URL" required:"true" desc:"where"`
	Conns int    `envconfig:"CFGTEST_CONNS" default:"4" desc:"how many"`
}

func (p *part) Validate() error {
	if !strings.HasPrefix(p.URL, "postgres://") {
		return Errorf("CFGTEST_URL", "must be a postgres:// URL")
	}
	return nil
}

func TestLoad(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"missing", map[string]string{}, "CFGTEST_URL: required but not set"},
		{"bad int", map[string]string{"CFGTEST_URL": "postgres://x", "CFGTEST_CONNS": "many"}, "CFGTEST_CONNS: cannot parse as int"},
		{"invalid", map[string]string{"CFGTEST_URL": "mysql://secret@x"}, "CFGTEST_URL: must be a postgres:// URL"},
		{"ok", map[string]string{"CFGTEST_URL": "postgres://x"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CFGTEST_URL", "")
			t.Setenv("CFGTEST_CONNS", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var p part
			err := Load(&p)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Fatalf("Load() error = %q, want %q", got, tc.wantErr)
			}
			if strings.Contains(got, "secret") {
				t.Fatalf("error repeats the value: %q", got)
			}
			if tc.wantErr == "" && p.Conns != 4 {
				t.Fatalf("default not applied: %d", p.Conns)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	vars, err := Describe(&part{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) != 2 || vars[0].Name != "CFGTEST_URL" || !vars[0].Required || vars[1].Default != "4" || vars[1].Desc != "how many" {
		t.Fatalf("Describe = %+v", vars)
	}
}

// whole is a binary's configuration of one part, with a check across parts.
type whole struct {
	Part part
}

func (w *whole) Parts() []any { return []any{&w.Part} }

func (w *whole) Validate() error {
	if w.Part.Conns > 8 {
		return Errorf("CFGTEST_CONNS", "at most 8 with this URL")
	}
	return nil
}

func TestLoadAll(t *testing.T) {
	cases := []struct {
		name, conns, wantErr string
	}{
		{"ok", "", ""},
		{"whole invalid", "9", "CFGTEST_CONNS: at most 8 with this URL"},
		{"part invalid first", "many", "CFGTEST_CONNS: cannot parse as int"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CFGTEST_URL", "postgres://x")
			t.Setenv("CFGTEST_CONNS", tc.conns)
			w, err := LoadAll[whole]()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Fatalf("LoadAll() error = %q, want %q", got, tc.wantErr)
			}
			if tc.wantErr == "" && (w.Part.URL != "postgres://x" || w.Part.Conns != 4) {
				t.Fatalf("LoadAll() = %+v", w)
			}
		})
	}
}
