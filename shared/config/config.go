// Package config loads each binary's settings from the environment with
// kelseyhightower/envconfig and turns every failure into one line that names
// the variable, so a bad deployment stops at start and says why.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/kelseyhightower/envconfig"
)

// Validator is implemented by configuration parts that check more than types.
type Validator interface {
	Validate() error
}

// VarError says which variable is wrong and why. Its text never repeats the
// value, which may be a secret.
type VarError struct {
	Name   string
	Reason string
}

func (e *VarError) Error() string { return e.Name + ": " + e.Reason }

// Errorf returns a VarError for the variable name.
func Errorf(name, format string, args ...any) error {
	return &VarError{Name: name, Reason: fmt.Sprintf(format, args...)}
}

var missing = regexp.MustCompile(`^required key (\S+) missing value$`)

// Load fills every part (a pointer to a struct with envconfig tags) from the
// environment, then validates the parts that implement Validator.
//
// A variable set to the empty string counts as unset, so that `FOO=` in an env
// file falls back to the default (or fails as missing) instead of parsing "".
//
// With MIRANTE_ENV=production Load also enforces each field's prod tag
// (prod:"unset": a local stand-in, refused when set; prod:"required": its
// default is a local one, so it must be set) and refuses every
// *_EMULATOR_HOST in the process environment, which Google's client libraries
// obey without our configuration seeing it. Refusals come before missing
// values, and both before the parts' own validation.
func Load(parts ...any) error {
	var vars []Var
	for _, p := range parts {
		pv, err := Describe(p)
		if err != nil {
			return err
		}
		for _, v := range pv {
			if val, ok := os.LookupEnv(v.Name); ok && val == "" {
				if err := os.Unsetenv(v.Name); err != nil {
					return err
				}
			}
		}
		if err := envconfig.Process("", p); err != nil {
			return describe(err)
		}
		vars = append(vars, pv...)
	}
	if os.Getenv("MIRANTE_ENV") == "production" {
		if err := checkProduction(vars); err != nil {
			return err
		}
	}
	for _, p := range parts {
		if v, ok := p.(Validator); ok {
			if err := v.Validate(); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadAll loads a binary's whole configuration C: Load fills and validates
// the parts its Parts method lists, then C checks what spans them when it is
// a Validator itself.
func LoadAll[C any, P interface {
	*C
	Parts() []any
}]() (C, error) {
	var c C
	if err := Load(P(&c).Parts()...); err != nil {
		return c, err
	}
	if v, ok := any(P(&c)).(Validator); ok {
		return c, v.Validate()
	}
	return c, nil
}

// Values of the prod tag.
const (
	// ProdUnset marks a local stand-in: production refuses it when set.
	ProdUnset = "unset"
	// ProdRequired marks a variable whose default only suits local runs:
	// production requires it set.
	ProdRequired = "required"
)

func checkProduction(vars []Var) error {
	for _, v := range vars {
		if v.Prod == ProdUnset && os.Getenv(v.Name) != "" {
			return Errorf(v.Name, "must not be set when MIRANTE_ENV=production")
		}
	}
	var emulators []string
	for _, kv := range os.Environ() {
		name, val, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(name, "_EMULATOR_HOST") && val != "" {
			emulators = append(emulators, name)
		}
	}
	if len(emulators) > 0 {
		sort.Strings(emulators)
		return Errorf(emulators[0], "must not be set when MIRANTE_ENV=production")
	}
	for _, v := range vars {
		if v.Prod == ProdRequired && os.Getenv(v.Name) == "" {
			return Errorf(v.Name, "required when MIRANTE_ENV=production")
		}
	}
	return nil
}

func describe(err error) error {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		return &VarError{Name: pe.KeyName, Reason: fmt.Sprintf("cannot parse as %s", pe.TypeName)}
	}
	if m := missing.FindStringSubmatch(err.Error()); m != nil {
		return &VarError{Name: m[1], Reason: "required but not set"}
	}
	return err
}

// Var describes one setting for the configuration table of shared/config/README.md.
type Var struct {
	Name     string
	Default  string
	Required bool
	// Prod is what MIRANTE_ENV=production demands beyond Required:
	// ProdUnset, ProdRequired or nothing.
	Prod string
	Desc string
}

// Describe lists the settings of every part in declaration order.
func Describe(parts ...any) ([]Var, error) {
	var out []Var
	for _, p := range parts {
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 0, 0, ' ', 0)
		const format = "{{range .}}{{usage_key .}}\x1f{{usage_default .}}\x1f{{usage_required .}}\x1f{{.Tags.Get \"prod\"}}\x1f{{usage_description .}}\x1e{{end}}"
		if err := envconfig.Usagef("", p, tw, format); err != nil {
			return nil, err
		}
		if err := tw.Flush(); err != nil {
			return nil, err
		}
		for _, rec := range strings.Split(buf.String(), "\x1e") {
			f := strings.Split(rec, "\x1f")
			if len(f) != 5 {
				continue
			}
			if f[3] != "" && f[3] != ProdUnset && f[3] != ProdRequired {
				return nil, fmt.Errorf("%s: prod tag %q is not %q or %q", f[0], f[3], ProdUnset, ProdRequired)
			}
			out = append(out, Var{Name: f[0], Default: f[1], Required: f[2] == "true", Prod: f[3], Desc: f[4]})
		}
	}
	return out, nil
}

// Runtime says where the process runs. Production refuses local stand-ins.
type Runtime struct {
	Env string `envconfig:"MIRANTE_ENV" default:"local" desc:"local or production; production refuses emulator and stand-in settings"`
}

// Validate checks the environment name.
func (r *Runtime) Validate() error {
	if r.Env != "local" && r.Env != "production" {
		return Errorf("MIRANTE_ENV", "must be local or production")
	}
	return nil
}

// Production reports whether the process serves real tenants.
func (r *Runtime) Production() bool { return r.Env == "production" }
