// Package doccheck checks the documentation against the tree: the folder map
// of the root README names every folder of functions/, shared/ and scripts/
// and nothing that is gone, and every relative link of a README inside the
// repository leads to a file that exists.
package doccheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const root = "../.."

// tick matches one backquoted name in a table's first column.
var tick = regexp.MustCompile("`([^`]+)`")

// mapTables returns the first-column names of each table in the README's
// "## Folders" section, in order: the folders, the shared packages, the
// scripts.
func mapTables(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Folders\n")
	if !ok {
		t.Fatal(`README.md has no "## Folders" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var tables [][]string
	inTable := false
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		if !inTable {
			tables = append(tables, nil)
			inTable = true
		}
		first := strings.SplitN(strings.Trim(line, "|"), "|", 2)[0]
		for _, m := range tick.FindAllStringSubmatch(first, -1) {
			tables[len(tables)-1] = append(tables[len(tables)-1], m[1])
		}
	}
	if len(tables) != 3 {
		t.Fatalf("README.md's folder map has %d tables, want 3 (folders, shared packages, scripts)", len(tables))
	}
	return tables
}

// entries lists the names in dir, folders only unless files is set; a
// folder's own documentation (*.md) is no entry of the map.
func entries(t *testing.T, dir string, files bool) []string {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		if de.IsDir() || files && !strings.HasSuffix(de.Name(), ".md") {
			names = append(names, de.Name())
		}
	}
	return names
}

// sameSet fails t for each name of tree the map lacks and each name of the
// map the tree lacks.
func sameSet(t *testing.T, what string, tree, listed []string) {
	t.Helper()
	for _, n := range tree {
		if !slices.Contains(listed, n) {
			t.Errorf("README.md's folder map does not name %s%s", what, n)
		}
	}
	for _, n := range listed {
		if !slices.Contains(tree, n) {
			t.Errorf("README.md's folder map names %s%s, which is not in the tree", what, n)
		}
	}
}

func TestFolderMapMatchesTheTree(t *testing.T) {
	tables := mapTables(t)
	var functions []string
	for _, n := range tables[0] {
		if rest, ok := strings.CutPrefix(n, "functions/"); ok && rest != "" {
			functions = append(functions, rest)
		}
	}
	sameSet(t, "functions/", entries(t, "functions", false), functions)
	sameSet(t, "shared/", entries(t, "shared", false), tables[1])
	sameSet(t, "scripts/", entries(t, "scripts", true), tables[2])
}

// link matches a markdown link's target, without its #fragment.
var link = regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)

func TestReadmeLinksLeadToFiles(t *testing.T) {
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// node_modules.<pid> is scripts/dev's copy of a tree on its way to
		// node_modules: a test running beside this one may be making it.
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), "node_modules.") || d.Name() == ".data" ||
			strings.HasPrefix(d.Name(), ".") && path != abs) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".md") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			full := filepath.Join(filepath.Dir(path), target)
			if !strings.HasPrefix(full, abs+string(filepath.Separator)) {
				continue // outside the repository: ../shared is the team's, not ours
			}
			if _, err := os.Stat(full); err != nil {
				rel, _ := filepath.Rel(abs, path)
				t.Errorf("%s links to %s, which does not exist", rel, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
