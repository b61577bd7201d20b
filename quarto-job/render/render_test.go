package render

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/mirante/mirante/quarto-job/templates"
)

// The programs the pandoc engine and these tests need. CI installs them with
//
//	apt-get install -y pandoc chromium poppler-utils librsvg2-bin fonts-dejavu-core
func requireTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Fatalf("%s is not on PATH; install the render tools with: apt-get install -y pandoc chromium poppler-utils librsvg2-bin fonts-dejavu-core", n)
		}
	}
}

func pandocRenderer() *Renderer { return New(Config{Engine: EnginePandoc}) }

// tool runs a test helper program with a timeout.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	if e := stderr.String(); strings.Contains(e, "Error") || strings.Contains(e, "Warning") {
		t.Errorf("%s reports a damaged file: %s", name, stderr.String())
	}
	return string(out)
}

func assertSameJSON(t *testing.T, want, got json.RawMessage) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("manifest read back is not JSON: %v: %s", err, got)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("manifest read back differs (-want +got):\n%s", diff)
	}
}

// assertOnly checks that dir holds exactly the named files: no staging
// folder or half-written output is left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("files in %s (-want +got):\n%s", dir, diff)
	}
}

func templateVersion(t *testing.T) string {
	t.Helper()
	v, err := TemplateVersion(nil, "standard")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRenderPDF(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc", "chromium", "pdftotext", "pdfinfo")
	doc := standardDoc(t, "pt-BR")
	dir := t.TempDir()
	out, err := pandocRenderer().Render(context.Background(), doc, PDF, dir)
	if err != nil {
		t.Fatal(err)
	}
	if out != filepath.Join(dir, "standard.pdf") {
		t.Errorf("out = %s", out)
	}
	assertOnly(t, dir, "standard.pdf")

	text := tool(t, "pdftotext", "-enc", "UTF-8", out, "-")
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Comércio exterior 2024",           // title
		"Exportações e importações por UF", // subtitle
		"Período: jan. 2024 – dez. 2024",   // the view's filters
		"US$ 1.234,56",                     // a table value, pt-BR
		"R$ 29.629.629,38",                 // the last row of the long table
		"31,25%",
		"US$ 2,5 bi", "jan. 2024", "nov. 2024", // chart axis labels, real text
		"Figura 1: Exportações e importações mensais",
		"Tabela 2: Detalhamento mensal",
		"(Figura 1)",
		"Dados sintéticos",
		"Dados até 31/12/2024",
		templateVersion(t),
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("pdftotext output lacks %q", want)
		}
	}
	for _, bad := range []string{"@fig-", "@tbl-", "{{< meta mirante.labels", "{{< include", ":::"} {
		if strings.Contains(flat, bad) {
			t.Errorf("unresolved %q in the PDF", bad)
		}
	}
	// The narrative param is shown literally, shortcode-like text included.
	if !strings.Contains(flat, "Texto do analista com *asteriscos* e {{< meta mirante.locale >}} literal.") {
		t.Error("the narrative param is not shown literally")
	}

	// Nothing falls off the page: every word lies inside the A4 width, and
	// the last column of the widest table is there.
	words := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"`).FindAllStringSubmatch(tool(t, "pdftotext", "-bbox", out, "-"), -1)
	if len(words) < 200 {
		t.Fatalf("only %d words in the PDF", len(words))
	}
	for _, w := range words {
		xMin, _ := strconv.ParseFloat(w[1], 64)
		xMax, _ := strconv.ParseFloat(w[2], 64)
		if xMin < 20 || xMax > 595-20 {
			t.Errorf("a word spans x %.1f..%.1f, outside the printable width of an A4 page", xMin, xMax)
		}
	}
	for _, want := range []string{"US$ 7.800.000,00", "Aparecida de Goiânia", "Exportações (US$)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("pdftotext output lacks %q from the wide table", want)
		}
	}

	info := tool(t, "pdfinfo", out)
	if !strings.Contains(info, "(A4)") {
		t.Errorf("page size is not A4:\n%s", info)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo shows no page count:\n%s", info)
	}
	n, _ := strconv.Atoi(m[1])
	if n < 2 || n > 8 {
		t.Errorf("%d pages; the standard report should take 2 to 8", n)
	}
	// The manifest appendix is the last page, and one page only.
	page := func(i int) string {
		return strings.Join(strings.Fields(tool(t, "pdftotext", "-enc", "UTF-8", "-f", strconv.Itoa(i), "-l", strconv.Itoa(i), out, "-")), " ")
	}
	if last := page(n); !strings.Contains(last, "Apêndice: manifesto de reprodutibilidade") || !strings.Contains(last, templateVersion(t)) || !strings.Contains(last, "Hash do SQL") {
		t.Errorf("the last page is not the whole appendix:\n%s", last)
	}
	if strings.Contains(page(n-1), "Apêndice: manifesto") {
		t.Error("the manifest appendix takes more than one page")
	}
	// poppler reads the incremental update: old entries kept, manifest added.
	custom := tool(t, "pdfinfo", "-custom", out)
	if !strings.Contains(custom, "Title:           Comércio exterior 2024") || !strings.Contains(custom, `MiranteManifest: {"engine":"duckdb"`) {
		t.Errorf("PDF metadata lacks the title or the manifest:\n%s", custom)
	}
	got, err := ExtractManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, doc.Manifest, got)
}

// htmlText returns the visible text of an HTML document, and its nodes.
func parseHTML(t *testing.T, path string) (*html.Node, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("html does not parse: %v", err)
	}
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			sb.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return root, strings.Join(strings.Fields(sb.String()), " ")
}

func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && n.Data == tag {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, tag)...)
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
		} else {
			sb.WriteString(textOf(c))
		}
	}
	return sb.String()
}

func TestRenderHTML(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc")
	doc := standardDoc(t, "pt-BR")
	dir := t.TempDir()
	out, err := pandocRenderer().Render(context.Background(), doc, HTML, dir)
	if err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "standard.html")
	root, text := parseHTML(t, out)

	var manifest json.RawMessage
	for _, s := range findAll(root, "script") {
		if attr(s, "id") == "mirante-manifest" {
			if attr(s, "type") != "application/json" {
				t.Errorf("manifest script type = %q", attr(s, "type"))
			}
			manifest = json.RawMessage(textOf(s))
		}
	}
	if manifest == nil {
		t.Fatal("no <script id=mirante-manifest>")
	}
	assertSameJSON(t, doc.Manifest, manifest)
	got, err := ExtractManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, doc.Manifest, got)

	if h := findAll(root, "html"); len(h) != 1 || attr(h[0], "lang") != "pt-BR" {
		t.Errorf("html lang is not pt-BR")
	}
	if ti := findAll(root, "title"); len(ti) != 1 || textOf(ti[0]) != "Comércio exterior 2024" {
		t.Errorf("<title> is wrong")
	}
	imgs := findAll(root, "img")
	if len(imgs) != 3 {
		t.Errorf("%d images, want 3 charts", len(imgs))
	}
	for _, img := range imgs {
		if !strings.HasPrefix(attr(img, "src"), "data:image/svg+xml") {
			t.Errorf("image %q is not embedded", attr(img, "src")[:min(40, len(attr(img, "src")))])
		}
	}
	for _, id := range []string{"fig-trend", "fig-comparison", "fig-composition", "tbl-summary", "tbl-detail"} {
		if !strings.Contains(string(mustRead(t, out)), `id="`+id+`"`) {
			t.Errorf("no element with id %s for cross-references", id)
		}
	}
	for _, want := range []string{
		"Comércio exterior 2024", "US$ 1.234,56", "Figura 3: Composição", "Tabela 1: Totais por UF", "Figura 2",
		"Apêndice: manifesto de reprodutibilidade", templateVersion(t), "Texto do analista com *asteriscos*",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("html text lacks %q", want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRenderDOCX(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc", "rsvg-convert")
	doc := standardDoc(t, "pt-BR")
	dir := t.TempDir()
	out, err := pandocRenderer().Render(context.Background(), doc, DOCX, dir)
	if err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "standard.docx")
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatalf("docx does not unzip: %v", err)
	}
	defer zr.Close()
	var documentXML string
	pngs := 0
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		switch {
		case f.Name == "word/document.xml":
			documentXML = string(b)
		case strings.HasPrefix(f.Name, "word/media/"):
			if !strings.HasSuffix(f.Name, ".png") {
				t.Errorf("media %s is not a PNG", f.Name)
				continue
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Errorf("%s is not a valid PNG: %v", f.Name, err)
				continue
			}
			if w := img.Bounds().Dx(); w < 1000 {
				t.Errorf("%s is %d px wide; charts are converted at 2x (1440 px)", f.Name, w)
			}
			pngs++
		}
	}
	if pngs != 3 {
		t.Errorf("%d PNG figures, want 3", pngs)
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(documentXML, "")
	for _, want := range []string{"Comércio exterior 2024", "US$ 1.234,56", "R$ 1.234.567,89", "Figura 1: Exportações e importações mensais", "Tabela 2: Detalhamento mensal", "Dados sintéticos", templateVersion(t)} {
		if !strings.Contains(text, want) {
			t.Errorf("word/document.xml lacks %q", want)
		}
	}
	if !strings.Contains(documentXML, `<w:br w:type="page"/>`) {
		t.Error("no page break before the manifest appendix")
	}
	got, err := ExtractManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, doc.Manifest, got)
}

func TestRenderLocales(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc")
	cases := []struct {
		locale       string
		want, reject []string
		refs         map[string]string
	}{
		{"pt-BR",
			[]string{"US$ 1.234,56", "US$ 987.654,32", "Figura 1:", "Tabela 2:", "Filtros aplicados", "31/12/2024", "Dados sintéticos", "Os gráficos mostram"},
			[]string{"US$ 1,234.56", "Figure 1", "The charts show"},
			map[string]string{"#fig-trend": "Figura 1", "#fig-comparison": "Figura 2", "#fig-composition": "Figura 3", "#tbl-summary": "Tabela 1", "#tbl-detail": "Tabela 2"}},
		{"en",
			[]string{"US$ 1,234.56", "US$ 987,654.32", "Figure 1:", "Table 2:", "Applied filters", "12/31/2024", "Synthetic data", "The charts show"},
			[]string{"US$ 1.234,56", "Figura 1", "Os gráficos mostram"},
			map[string]string{"#fig-trend": "Figure 1", "#fig-comparison": "Figure 2", "#fig-composition": "Figure 3", "#tbl-summary": "Table 1", "#tbl-detail": "Table 2"}},
	}
	for _, tc := range cases {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			doc := standardDoc(t, tc.locale)
			out, err := pandocRenderer().Render(context.Background(), doc, HTML, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			root, text := parseHTML(t, out)
			if h := findAll(root, "html"); attr(h[0], "lang") != tc.locale {
				t.Errorf("lang = %q", attr(h[0], "lang"))
			}
			refs := map[string]string{}
			for _, a := range findAll(root, "a") {
				if h := attr(a, "href"); strings.HasPrefix(h, "#") && refs[h] == "" {
					refs[h] = strings.Join(strings.Fields(textOf(a)), " ")
				}
			}
			if diff := cmp.Diff(tc.refs, refs); diff != "" {
				t.Errorf("cross-reference links (-want +got):\n%s", diff)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, r := range tc.reject {
				if strings.Contains(text, r) {
					t.Errorf("has %q", r)
				}
			}
		})
	}
}

func TestRenderNoData(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc")
	doc := standardDoc(t, "pt-BR")
	doc.Charts[0].Rows = nil
	doc.Tables[1].Rows = nil
	// A query that returned nothing at all: no columns either.
	doc.Tables[0] = TableFromResult("summary", "Totais por UF", nil, nil)
	doc.Sources[1].Synthetic = false
	out, err := pandocRenderer().Render(context.Background(), doc, HTML, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	root, text := parseHTML(t, out)
	for _, want := range []string{
		"Consultas sem dados", "Estes itens não têm dados", "Exportações e importações mensais", "Detalhamento mensal", "Totais por UF",
		"Sem dados para o período", // the empty table says so
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if n := strings.Count(text, "Sem dados para o período"); n != 2 {
		t.Errorf("%d tables say there is no data, want 2", n)
	}
	if strings.Contains(text, "Dados sintéticos") {
		t.Error("synthetic-data callout shown without synthetic sources")
	}
	// The empty chart is a panel that says so, not a blank chart.
	src := attr(findAll(root, "img")[0], "src")
	svg, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/svg+xml;base64,"))
	if err != nil {
		t.Fatalf("first image is not a base64 SVG: %v", err)
	}
	if !bytes.Contains(svg, []byte("Sem dados para o período")) {
		t.Errorf("empty chart does not say there is no data:\n%s", svg)
	}
}

func TestRenderFailures(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc", "chromium", "rsvg-convert")
	badCSS := fstest.MapFS{}
	for _, f := range []string{"_context.qmd", "_notices.qmd", "_sources.qmd", "_manifest.qmd", "mirante.css"} {
		b, err := fs.ReadFile(templates.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		badCSS[f] = &fstest.MapFile{Data: b}
	}
	cases := []struct {
		name    string
		cfg     Config
		format  Format
		mutate  func(*Document)
		wantErr string
	}{
		{name: "pandoc missing", cfg: Config{Pandoc: "/nonexistent/pandoc"}, format: HTML, wantErr: "/nonexistent/pandoc"},
		{name: "chromium missing", cfg: Config{Chromium: "/nonexistent/chromium"}, format: PDF, wantErr: "/nonexistent/chromium"},
		{name: "chromium fails", cfg: Config{Chromium: "/bin/false"}, format: PDF, wantErr: "chromium failed"},
		{name: "chromium writes nothing", cfg: Config{Chromium: "/bin/true"}, format: PDF, wantErr: "without writing"},
		{name: "rsvg-convert missing", cfg: Config{RsvgConvert: "/nonexistent/rsvg-convert"}, format: DOCX, wantErr: "rsvg-convert"},
		{
			name: "pandoc rejects the input", format: HTML, wantErr: "pandoc failed",
			mutate: func(d *Document) {
				d.Template.FS = badCSS
				d.Template.Content = bytes.Replace(d.Template.Content, []byte("css: mirante.css"), []byte("css: missing.css"), 1)
			},
		},
		{
			name: "pandoc rejects the input for pdf", format: PDF, wantErr: "missing.css",
			mutate: func(d *Document) {
				d.Template.FS = badCSS
				d.Template.Content = bytes.Replace(d.Template.Content, []byte("css: mirante.css"), []byte("css: missing.css"), 1)
			},
		},
		{name: "chart the template needs is missing", format: PDF, wantErr: `chart "composition"`, mutate: func(d *Document) { d.Charts = d.Charts[:2] }},
		{name: "table the template needs is missing", format: HTML, wantErr: "tables/detail.md", mutate: func(d *Document) { d.Tables = d.Tables[:1] }},
		{name: "no manifest", format: HTML, wantErr: "manifest", mutate: func(d *Document) { d.Manifest = nil }},
		{name: "invalid manifest", format: HTML, wantErr: "manifest", mutate: func(d *Document) { d.Manifest = json.RawMessage(`{"a":`) }},
		{name: "bad locale", format: HTML, wantErr: "locale", mutate: func(d *Document) { d.Locale = "fr" }},
		{name: "unknown format", format: "odt", wantErr: "odt"},
		{name: "unknown engine", cfg: Config{Engine: "latex"}, format: HTML, wantErr: "latex"},
		{name: "duplicate chart id", format: HTML, wantErr: "twice", mutate: func(d *Document) { d.Charts[1].ID = "trend" }},
		{name: "unsafe chart id", format: HTML, wantErr: "simple name", mutate: func(d *Document) { d.Charts[1].ID = "../x" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := standardDoc(t, "pt-BR")
			if tc.mutate != nil {
				tc.mutate(doc)
			}
			cfg := tc.cfg
			if cfg.Engine == "" {
				cfg.Engine = EnginePandoc
			}
			dir := filepath.Join(t.TempDir(), "work")
			out, err := New(cfg).Render(context.Background(), doc, tc.format, dir)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
			if out != "" {
				t.Errorf("out = %q on failure", out)
			}
			assertOnly(t, dir) // no output, no staging folder
		})
	}
}

func TestRenderDeadline(t *testing.T) {
	t.Parallel()
	requireTools(t, "pandoc", "chromium")
	t.Run("context", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		dir := t.TempDir()
		start := time.Now()
		_, err := pandocRenderer().Render(ctx, standardDoc(t, "pt-BR"), PDF, dir)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline error", err)
		}
		// Chromium alone takes seconds: returning soon after the deadline
		// means the processes were stopped, not waited for.
		if d := time.Since(start); d > 2500*time.Millisecond {
			t.Errorf("render returned %s after a 300ms deadline", d)
		}
		assertOnly(t, dir)
	})
	t.Run("step timeout", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		_, err := New(Config{Engine: EnginePandoc, StepTimeout: time.Millisecond}).Render(context.Background(), standardDoc(t, "pt-BR"), PDF, dir)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "did not finish in time") {
			t.Fatalf("err = %v, want a step timeout", err)
		}
		assertOnly(t, dir)
	})
}

func TestEngine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg     Config
		want    string
		wantErr bool
	}{
		{Config{Quarto: "/nonexistent/quarto"}, EnginePandoc, false},
		{Config{Engine: EngineAuto, Quarto: "/nonexistent/quarto"}, EnginePandoc, false},
		{Config{Engine: EngineQuarto}, EngineQuarto, false},
		{Config{Engine: EnginePandoc}, EnginePandoc, false},
		{Config{Engine: "word"}, "", true},
	}
	for _, tc := range cases {
		got, err := New(tc.cfg).Engine()
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("Engine(%+v) = %q, %v; want %q", tc.cfg, got, err, tc.want)
		}
	}
	// The quarto engine without Quarto fails cleanly.
	dir := t.TempDir()
	_, err := New(Config{Engine: EngineQuarto, Quarto: "/nonexistent/quarto"}).Render(context.Background(), standardDoc(t, "pt-BR"), HTML, dir)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/quarto") {
		t.Errorf("err = %v", err)
	}
	assertOnly(t, dir)
}
