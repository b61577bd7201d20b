package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The Quarto CLI is not installed here; this checks what the job hands it.
func TestQuartoSource(t *testing.T) {
	t.Parallel()
	doc := standardDoc(t, "en")
	dir := t.TempDir()
	st, err := prepare(doc, DOCX, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.root.Close()
	src, err := st.quartoSource()
	if err != nil {
		t.Fatal(err)
	}
	front, body, err := splitFrontMatter(string(src))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"title":                        "Comércio exterior 2024",
		"subtitle":                     "Exportações e importações por UF",
		"lang":                         "en",
		"params.narrative":             `Texto do analista com \*asteriscos\* e \{\{\< meta mirante.locale \>\}\} literal.`,
		"mirante.labels.summary":       "Summary",
		"mirante.synthetic":            true,
		"mirante.no_data":              false,
		"mirante.lang.en":              true,
		"mirante.charts.trend.caption": "Exportações e importações mensais",
		"format.html.embed-resources":  true,
		"format.typst.papersize":       "a4",
	} {
		got, ok := lookup(front, key)
		if !ok {
			t.Errorf("front matter lacks %s", key)
			continue
		}
		if key == "params.narrative" {
			// The param is escaped where it is used, not in the metadata.
			want = doc.Params["narrative"]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}
	for _, want := range []string{
		"{{< include _context.qmd >}}",
		"![{{< meta mirante.charts.trend.caption >}}](figures/trend.png){#fig-trend}",
		"{{< include tables/summary.md >}}",
		`Texto do analista com \*asteriscos\*`,
		"@fig-trend",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("quarto source lacks %q", want)
		}
	}
	for _, reject := range []string{"{{< param", "figures/trend.svg"} {
		if strings.Contains(body, reject) {
			t.Errorf("quarto source still has %q", reject)
		}
	}
	for _, f := range []string{"figures/trend.svg", "figures/comparison.svg", "figures/composition.svg", "tables/summary.md", "tables/detail.md", "data/manifest.md", "data/sources.md", "_manifest.qmd", "mirante.css"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("staged folder lacks %s", f)
		}
	}
	if diff := cmp.Diff([]string{"render", "standard.qmd", "--to", "typst", "--output", "standard.pdf", "--no-execute"}, quartoArgs("standard.qmd", PDF, "standard.pdf")); diff != "" {
		t.Errorf("quarto args (-want +got):\n%s", diff)
	}
}
