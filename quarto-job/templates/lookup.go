package templates

import (
	"io/fs"
	"regexp"
)

// namePattern is what a template's name may be: a simple name, never a path.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Exists reports whether name is a template embedded in the binary: the file
// name.qmd. Partials (their names start with an underscore) are not
// templates.
func Exists(name string) bool {
	if !namePattern.MatchString(name) {
		return false
	}
	_, err := fs.Stat(FS, name+".qmd")
	return err == nil
}

// Version is the version of the embedded template name: the content hash the
// renderer computes (render.TemplateVersion) and records in every report's
// manifest. ok is false for a name that is not an embedded template.
//
// The versions are recorded in versions.go, so that binaries which only
// check reports (the API) need not link the renderer; a renderer test fails
// while the record differs from the templates.
func Version(name string) (version string, ok bool) {
	version, ok = versions[name]
	return version, ok
}

// Names lists the embedded templates.
func Names() ([]string, error) {
	qmds, err := fs.Glob(FS, "*.qmd")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, q := range qmds {
		if name := q[:len(q)-len(".qmd")]; namePattern.MatchString(name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// Embedded is the embedded templates as the report services ask about them
// (reports.Templates).
type Embedded struct{}

// TemplateExists reports whether name is an embedded template.
func (Embedded) TemplateExists(name string) bool { return Exists(name) }

// TemplateVersion is the embedded template's version.
func (Embedded) TemplateVersion(name string) (string, bool) { return Version(name) }
