package render

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mirante/mirante/quarto-job/templates"
)

// A manifest with everything that could break an embedding: markup, quotes,
// non-ASCII text, a backtick fence, newlines and a non-BMP character.
var trickyManifest = json.RawMessage(`{
  "template": {"name": "standard", "version": "abc123"},
  "sql": "SELECT '</script><script>alert(1)</script>' AS x -- ` + "```" + ` \n next line",
  "params": {"municipio": "São João d'Aliança", "emoji": "📈", "amp": "a & b > c"}
}`)

func TestEmbedHTML(t *testing.T) {
	t.Parallel()
	page := []byte("<!DOCTYPE html><html><head><title>x</title></head><body><p>ok</p></body></html>")
	out, err := embedManifest(HTML, page, trickyManifest)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(bytes.ToLower(out), []byte("</script>")) != 1 {
		t.Errorf("the manifest can close its script element:\n%s", out)
	}
	path := filepath.Join(t.TempDir(), "r.html")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ExtractManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, trickyManifest, got)
	if _, err := embedManifest(HTML, []byte("<p>no head</p>"), trickyManifest); err == nil {
		t.Error("embedding into html without </head> succeeded")
	}
}

// minimalPDF writes a one-page PDF by hand, with a classic cross-reference
// table or a cross-reference stream.
func minimalPDF(xrefStream bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
		"<< /Title (Teste \\(PDF\\)) /Producer (m\\343o) >>",
	}
	offsets := make([]int, len(objs)+2)
	for i, o := range objs {
		offsets[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	if !xrefStream {
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
		for i := range objs {
			fmt.Fprintf(&b, "%010d 00000 n \n", offsets[i+1])
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R /ID [<0123456789ABCDEF> <0123456789ABCDEF>] >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
		return b.Bytes()
	}
	n := len(objs) + 1
	xref := b.Len()
	offsets[n] = xref
	var rows []byte
	rows = append(rows, 0, 0, 0, 0, 0, 0xff, 0xff)
	for i := 1; i <= n; i++ {
		o := offsets[i]
		rows = append(rows, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), 0, 0)
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Info 4 0 R /Length %d >>\nstream\n", n, n+1, len(rows))
	b.Write(rows)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func TestEmbedPDF(t *testing.T) {
	t.Parallel()
	requireTools(t, "pdfinfo")
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("xref stream %v", stream), func(t *testing.T) {
			t.Parallel()
			src := minimalPDF(stream)
			path := filepath.Join(t.TempDir(), "r.pdf")
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			if info := tool(t, "pdfinfo", "-custom", path); !strings.Contains(info, "Title:           Teste (PDF)") {
				t.Fatalf("the hand-made PDF is not readable:\n%s", info)
			}
			out, err := embedManifest(PDF, src, trickyManifest)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, src) {
				t.Error("the update rewrote the original bytes")
			}
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			info := tool(t, "pdfinfo", path) + tool(t, "pdfinfo", "-custom", path)
			for _, want := range []string{"Title:           Teste (PDF)", "Producer:        mão", `"municipio":"São João d'Aliança"`, "Pages:           1"} {
				if !strings.Contains(info, want) {
					t.Errorf("pdfinfo after the update lacks %q:\n%s", want, info)
				}
			}
			got, err := ExtractManifest(path)
			if err != nil {
				t.Fatal(err)
			}
			assertSameJSON(t, trickyManifest, got)
		})
	}
	if _, err := embedManifest(PDF, []byte("%PDF-1.4\nnot really"), trickyManifest); err == nil {
		t.Error("embedding into a PDF without a trailer succeeded")
	}
}

func TestEmbedDOCX(t *testing.T) {
	t.Parallel()
	var src bytes.Buffer
	zw := zip.NewWriter(&src)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="x"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="t" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<w:document/>`},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	once, err := embedManifest(DOCX, src.Bytes(), json.RawMessage(`{"old":true}`))
	if err != nil {
		t.Fatal(err)
	}
	// Embedding again replaces the property instead of adding a second one.
	twice, err := embedManifest(DOCX, once, trickyManifest)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(twice), int64(len(twice)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		b, err := readZipFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
	}
	if !strings.Contains(parts["[Content_Types].xml"], `PartName="/docProps/custom.xml"`) || strings.Count(parts["[Content_Types].xml"], "custom.xml") != 1 {
		t.Errorf("content types: %s", parts["[Content_Types].xml"])
	}
	if strings.Count(parts["_rels/.rels"], "custom-properties") != 1 {
		t.Errorf("relationships: %s", parts["_rels/.rels"])
	}
	if strings.Count(parts["docProps/custom.xml"], `name="MiranteManifest"`) != 1 {
		t.Errorf("custom properties: %s", parts["docProps/custom.xml"])
	}
	path := filepath.Join(t.TempDir(), "r.docx")
	if err := os.WriteFile(path, twice, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ExtractManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, trickyManifest, got)
}

func TestExtractManifestMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.html": "<html><head></head><body></body></html>",
		"a.pdf":  "%PDF-1.4\n%%EOF\n",
		"a.docx": "PK\x03\x04broken",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ExtractManifest(p); err == nil {
			t.Errorf("%s: ExtractManifest succeeded on a file without a manifest", name)
		}
	}
	if _, err := ExtractManifest(filepath.Join(dir, "none.pdf")); err == nil {
		t.Error("ExtractManifest succeeded on a missing file")
	}
}

// The appendix is a summary: identity, version, hashes, watermarks and each
// query's rows and SQL hash, never the SQL; markdown in values stays literal.
func TestManifestAppendixIsCompact(t *testing.T) {
	t.Parallel()
	m := json.RawMessage(`{"report_id":"r-1","template":{"name":"standard","version":"v*1*"},"format":"pdf","locale":"pt-BR","params":{"title":"a | b ` + "``" + `"},
		"params_hash":"ph","engine":"duckdb","renderer":"pandoc","generated_at":"2026-12-07T01:00:00Z","watermarks":{"comex_monthly":"2024-12"},
		"queries":[{"id":"trend","dataset":"comex_monthly","sql":"SELECT secret_sql FROM t","sql_hash":"0123456789abcdef0123","rows":12}]}`)
	md, err := manifestMarkdown(m, PtBR)
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	for _, want := range []string{"| Relatório | r-1 |", "| Versão do modelo | v\\*1\\* |", "| Dados até | comex\\_monthly: 2024-12 |", "| trend | comex\\_monthly | 12 | 0123456789abcdef… |", "2026-12-07 01:00:00 UTC", "| Parâmetros | ``` {\"title\":\"a \\| b ``\"} ``` |"} {
		if !strings.Contains(text, want) {
			t.Errorf("appendix lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "secret_sql") {
		t.Errorf("the appendix shows the SQL:\n%s", text)
	}
	if lines := strings.Count(text, "\n"); lines > 30 {
		t.Errorf("%d lines: not compact", lines)
	}
	en, _ := manifestMarkdown(m, En)
	if !strings.Contains(string(en), "| Template version |") {
		t.Errorf("en appendix:\n%s", en)
	}
}

func TestTemplateVersion(t *testing.T) {
	t.Parallel()
	v1, err := TemplateVersion(nil, templates.Standard)
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := TemplateVersion(templates.FS, templates.Standard)
	if len(v1) != 64 || v1 != v2 {
		t.Errorf("versions %q and %q", v1, v2)
	}
	base := fstest.MapFS{
		"r.qmd":          {Data: []byte("# R\n\n{{< include _a.qmd >}}\n\n{{< include tables/t.md >}}\n\n```\n{{< include _in_code.qmd >}}\n```\n")},
		"_a.qmd":         {Data: []byte("A {{< include _b.qmd >}}\n")},
		"_b.qmd":         {Data: []byte("B\n")},
		"style.css":      {Data: []byte("p {}")},
		"notes.txt":      {Data: []byte("not part of the template")},
		"_unused.qmd":    {Data: []byte("never included")},
		"_variables.yml": {Data: []byte("org: Mirante\n")},
	}
	version := func(fsys fstest.MapFS) string {
		t.Helper()
		v, err := TemplateVersion(fsys, "r")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	with := func(name, body string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range base {
			m[k] = v
		}
		m[name] = &fstest.MapFile{Data: []byte(body)}
		return m
	}
	v := version(base)
	if v != version(base) {
		t.Error("version is not deterministic")
	}
	for name, changed := range map[string]fstest.MapFS{
		"the template":     with("r.qmd", "# R2\n\n{{< include _a.qmd >}}\n"),
		"a partial":        with("_a.qmd", "A2 {{< include _b.qmd >}}\n"),
		"a nested partial": with("_b.qmd", "B2\n"),
		"the css":          with("style.css", "p { color: red }"),
		"the variables":    with("_variables.yml", "org: Outro\n"),
	} {
		if version(changed) == v {
			t.Errorf("changing %s does not change the version", name)
		}
	}
	for name, same := range map[string]fstest.MapFS{
		"an unrelated file":  with("notes.txt", "changed"),
		"an unused partial":  with("_unused.qmd", "changed"),
		"a generated table":  with("tables/t.md", "| x |"),
		"an include in code": with("_in_code.qmd", "changed"),
	} {
		if version(same) != v {
			t.Errorf("changing %s changes the version", name)
		}
	}
	if _, err := TemplateVersion(with("r.qmd", "{{< include ../x.qmd >}}"), "r"); err == nil {
		t.Error("an include outside the folder was accepted")
	}
	if _, err := TemplateVersion(with("r.qmd", "{{< include _missing.qmd >}}"), "r"); err == nil {
		t.Error("a missing partial was accepted")
	}
	if _, err := TemplateVersion(base, "../r"); err == nil {
		t.Error("a template name with a path was accepted")
	}
	if _, err := LoadTemplate(nil, "nope"); err == nil {
		t.Error("LoadTemplate found a template that does not exist")
	}
}
