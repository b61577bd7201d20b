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
func Load(parts ...any) error {
	for _, p := range parts {
		vars, err := Describe(p)
		if err != nil {
			return err
		}
		for _, v := range vars {
			if val, ok := os.LookupEnv(v.Name); ok && val == "" {
				if err := os.Unsetenv(v.Name); err != nil {
					return err
				}
			}
		}
		if err := envconfig.Process("", p); err != nil {
			return describe(err)
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

// Var describes one setting for the README's configuration table.
type Var struct {
	Name     string
	Default  string
	Required bool
	Desc     string
}

// Describe lists the settings of every part in declaration order.
func Describe(parts ...any) ([]Var, error) {
	var out []Var
	for _, p := range parts {
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 0, 0, ' ', 0)
		const format = "{{range .}}{{usage_key .}}\x1f{{usage_default .}}\x1f{{usage_required .}}\x1f{{usage_description .}}\x1e{{end}}"
		if err := envconfig.Usagef("", p, tw, format); err != nil {
			return nil, err
		}
		if err := tw.Flush(); err != nil {
			return nil, err
		}
		for _, rec := range strings.Split(buf.String(), "\x1e") {
			f := strings.Split(rec, "\x1f")
			if len(f) != 4 {
				continue
			}
			out = append(out, Var{Name: f[0], Default: f[1], Required: f[2] == "true", Desc: f[3]})
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
