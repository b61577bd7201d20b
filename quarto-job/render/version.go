package render

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/mirante/mirante/quarto-job/templates"
)

// LoadTemplate reads the template name (the file name.qmd) from a template
// folder; nil means the templates embedded in the binary.
func LoadTemplate(fsys fs.FS, name string) (Template, error) {
	if fsys == nil {
		fsys = templates.FS
	}
	if !idPattern.MatchString(name) {
		return Template{}, fmt.Errorf("template name %q is not a simple name", name)
	}
	b, err := fs.ReadFile(fsys, name+".qmd")
	if err != nil {
		return Template{}, fmt.Errorf("loading template %s: %w", name, err)
	}
	return Template{Name: name, Content: b, FS: fsys}, nil
}

// TemplateVersion is the template's content hash (hex sha256), for the
// manifest: it covers the .qmd, every partial it includes (transitively),
// the folder's CSS and _variables.yml. Includes of files the renderer writes
// per report (tables/, figures/, data/) are not part of the template and
// are skipped. nil fsys means the embedded templates.
func TemplateVersion(fsys fs.FS, name string) (string, error) {
	if fsys == nil {
		fsys = templates.FS
	}
	if !idPattern.MatchString(name) {
		return "", fmt.Errorf("template name %q is not a simple name", name)
	}
	files := map[string][]byte{}
	if err := collectTemplateFiles(fsys, name+".qmd", files, 0); err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	extras, err := fs.Glob(fsys, "*.css")
	if err != nil {
		return "", err
	}
	extras = append(extras, "_variables.yml")
	for _, p := range extras {
		b, err := fs.ReadFile(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		files[p] = b
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// generatedDirs hold the files the renderer writes for each report.
var generatedDirs = []string{"tables/", "figures/", "data/"}

func collectTemplateFiles(fsys fs.FS, name string, files map[string][]byte, depth int) error {
	if _, seen := files[name]; seen {
		return nil
	}
	if depth > maxIncludeDepth {
		return fmt.Errorf("includes nested deeper than %d at %s", maxIncludeDepth, name)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	files[name] = b
	var code codeTracker
	for _, line := range splitLines(string(b)) {
		if code.inCode(line) {
			continue
		}
		for _, m := range shortcodeRe.FindAllStringSubmatch(line, -1) {
			sc := parseShortcode(m)
			if sc.name != "include" || sc.escaped || len(sc.args) != 1 {
				continue
			}
			p, err := cleanRelPath(sc.args[0])
			if err != nil {
				return fmt.Errorf("include %q: %w", sc.args[0], err)
			}
			if generated(p) {
				continue
			}
			if err := collectTemplateFiles(fsys, path.Clean(p), files, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func generated(p string) bool {
	for _, d := range generatedDirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}
