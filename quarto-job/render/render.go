package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mirante/mirante/quarto-job/templates"
)

// Engines.
const (
	EngineAuto   = "auto"
	EngineQuarto = "quarto"
	EnginePandoc = "pandoc"
)

// Config chooses the engine and the external programs. Empty paths are
// looked up on PATH.
type Config struct {
	// Engine is auto (Quarto when it is on PATH, else pandoc), quarto or
	// pandoc.
	Engine string `envconfig:"RENDER_ENGINE" default:"auto"`
	Quarto string `envconfig:"RENDER_QUARTO"`
	Pandoc string `envconfig:"RENDER_PANDOC"`
	// Chromium prints PDF on the pandoc engine.
	Chromium string `envconfig:"RENDER_CHROMIUM"`
	// RsvgConvert turns SVG charts into PNG for Word.
	RsvgConvert string `envconfig:"RENDER_RSVG_CONVERT"`
	// StepTimeout bounds each external process (the caller's context bounds
	// the whole render).
	StepTimeout time.Duration `envconfig:"RENDER_STEP_TIMEOUT" default:"2m"`
	// KeepWork leaves the staging folder in workDir, for debugging.
	KeepWork bool `envconfig:"RENDER_KEEP_WORK"`
}

// Renderer renders documents.
type Renderer struct {
	cfg Config
}

// New returns a renderer.
func New(cfg Config) *Renderer {
	if cfg.Engine == "" {
		cfg.Engine = EngineAuto
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 2 * time.Minute
	}
	return &Renderer{cfg: cfg}
}

// Render renders doc with the default configuration (see Renderer.Render).
func Render(ctx context.Context, doc *Document, format Format, workDir string) (string, error) {
	return New(Config{}).Render(ctx, doc, format, workDir)
}

// Engine says which engine Render would use.
func (r *Renderer) Engine() (string, error) {
	switch r.cfg.Engine {
	case EngineAuto:
		if _, err := lookTool(r.cfg.Quarto, "quarto"); err == nil {
			return EngineQuarto, nil
		}
		return EnginePandoc, nil
	case EngineQuarto, EnginePandoc:
		return r.cfg.Engine, nil
	}
	return "", fmt.Errorf("unknown render engine %q (want auto, quarto or pandoc)", r.cfg.Engine)
}

// lookTool resolves a configured path or the first of names on PATH.
func lookTool(configured string, names ...string) (string, error) {
	if configured != "" {
		p, err := exec.LookPath(configured)
		if err != nil {
			return "", fmt.Errorf("%s: %w", configured, err)
		}
		return p, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH", names[0])
}

// Render writes doc as format into workDir and returns the file's path
// (workDir/<template>.<format>). Everything is staged in a temporary folder
// inside workDir and the file appears only when it is complete, manifest
// embedded; on any error no output file is left.
func (r *Renderer) Render(ctx context.Context, doc *Document, format Format, workDir string) (string, error) {
	if _, err := ParseFormat(string(format)); err != nil {
		return "", err
	}
	if doc == nil {
		return "", errors.New("render: nil document")
	}
	if err := doc.validate(); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	engine, err := r.Engine()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	stage, err := os.MkdirTemp(workDir, ".render-"+doc.Template.Name+"-")
	if err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	if !r.cfg.KeepWork {
		defer os.RemoveAll(stage)
	}
	st, err := prepare(doc, format, stage)
	if err != nil {
		return "", fmt.Errorf("render %s: %w", doc.Template.Name, err)
	}
	defer st.root.Close()

	var produced string
	switch engine {
	case EngineQuarto:
		produced, err = r.renderQuarto(ctx, st)
	default:
		produced, err = r.renderPandoc(ctx, st)
	}
	if err != nil {
		return "", fmt.Errorf("render %s as %s with %s: %w", doc.Template.Name, format, engine, err)
	}
	data, err := os.ReadFile(produced)
	if err != nil {
		return "", fmt.Errorf("render: reading output: %w", err)
	}
	if err := checkOutput(format, data); err != nil {
		return "", fmt.Errorf("render %s as %s with %s: %w", doc.Template.Name, format, engine, err)
	}
	data, err = embedManifest(format, data, doc.Manifest)
	if err != nil {
		return "", fmt.Errorf("render: embedding manifest: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	// Write beside the final name, then rename: readers never see half a file.
	tmp := filepath.Join(stage, "final."+string(format))
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	out := filepath.Join(workDir, doc.Template.Name+"."+string(format))
	if err := os.Rename(tmp, out); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	return out, nil
}

// checkOutput rejects truncated or foreign files before they are published.
func checkOutput(format Format, data []byte) error {
	switch format {
	case PDF:
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
			return errors.New("output is not a complete PDF")
		}
	case DOCX:
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			return errors.New("output is not a DOCX (zip) file")
		}
	case HTML:
		if !bytes.Contains(bytes.ToLower(data), []byte("</html>")) {
			return errors.New("output is not a complete HTML document")
		}
	}
	return nil
}

// staged is a document laid out on disk, ready for an engine.
type staged struct {
	doc    *Document
	format Format
	loc    Locale
	dir    string
	root   *os.Root
	// front is the template's front matter; body the text after it.
	front map[string]any
	body  string
	// meta is the front matter merged with the title, lang, params and the
	// renderer's own "mirante" block.
	meta   map[string]any
	params map[string]any
	// figures are the charts' SVG paths, relative to dir.
	figures []string
}

// prepare copies the template folder into dir and writes the report's files:
// figures/<id>.svg, tables/<id>.md and data/*.md.
func prepare(doc *Document, format Format, dir string) (*staged, error) {
	loc, _ := parseLocale(doc.Locale)
	if err := copyTemplate(doc.Template.FS, dir); err != nil {
		return nil, fmt.Errorf("copying template folder: %w", err)
	}
	front, body, err := splitFrontMatter(string(doc.Template.Content))
	if err != nil {
		return nil, err
	}
	st := &staged{doc: doc, format: format, loc: loc, dir: dir, front: front, body: body}
	st.params = map[string]any{}
	if p, ok := front["params"].(map[string]any); ok {
		maps.Copy(st.params, p)
	}
	maps.Copy(st.params, doc.Params)
	files, err := st.reportFiles()
	if err != nil {
		return nil, err
	}
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			return nil, err
		}
	}
	st.meta = st.mergedMeta()
	if st.root, err = os.OpenRoot(dir); err != nil {
		return nil, err
	}
	return st, nil
}

// copyTemplate copies the template folder (the embedded templates when src
// is nil) into dir, leaving out Go files.
func copyTemplate(src fs.FS, dir string) error {
	if src == nil {
		src = templates.FS
	}
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755)
		}
		if strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), b, 0o644)
	})
}

// reportFiles renders the document's parts the template includes, by
// path in the staging folder, and records the figures' paths.
func (st *staged) reportFiles() (map[string][]byte, error) {
	doc, loc := st.doc, st.loc
	files := map[string][]byte{
		doc.Template.Name + ".qmd": doc.Template.Content,
		"data/filters.md":          filtersMarkdown(doc.Filters, loc),
		"data/watermarks.md":       watermarksMarkdown(doc.Watermarks, loc),
		"data/sources.md":          sourcesMarkdown(doc.Sources, loc),
		"data/empty.md":            emptyMarkdown(doc),
	}
	var err error
	if files["data/manifest.md"], err = manifestMarkdown(doc.Manifest, loc); err != nil {
		return nil, err
	}
	for _, c := range doc.Charts {
		svg, err := ChartSVG(c, loc)
		if err != nil {
			return nil, err
		}
		p := "figures/" + c.ID + ".svg"
		files[p] = svg
		st.figures = append(st.figures, p)
	}
	for _, t := range doc.Tables {
		files["tables/"+t.ID+".md"] = tableMarkdown(t, loc)
	}
	return files, nil
}

// mergedMeta is the front matter with the title, lang, params, flat
// booleans for when-meta conditions (no nested lookup needed) and the
// renderer's "mirante" block.
func (st *staged) mergedMeta() map[string]any {
	doc, loc := st.doc, st.loc
	synthetic, noData := false, false
	for _, s := range doc.Sources {
		synthetic = synthetic || s.Synthetic
	}
	for _, c := range doc.Charts {
		noData = noData || chartEmpty(c)
	}
	for _, t := range doc.Tables {
		noData = noData || len(t.Rows) == 0
	}
	meta := map[string]any{}
	maps.Copy(meta, st.front)
	meta["params"] = st.params
	meta["lang"] = string(loc)
	if doc.Title != "" {
		meta["title"] = escapeInline(doc.Title)
	}
	if doc.Subtitle != "" {
		meta["subtitle"] = escapeInline(doc.Subtitle)
	}
	meta["mirante_synthetic"] = synthetic
	meta["mirante_no_data"] = noData
	meta["mirante_lang_pt"] = loc == PtBR
	meta["mirante_lang_en"] = loc == En
	meta["mirante"] = map[string]any{
		"locale":    string(loc),
		"lang":      map[string]any{"pt": loc == PtBR, "en": loc == En},
		"labels":    escapedLabels(loc),
		"synthetic": synthetic,
		"no_data":   noData,
		"charts":    chartsMeta(doc.Charts),
		"tables":    tablesMeta(doc.Tables),
	}
	return meta
}

// escapedLabels is the locale's fixed texts, markdown-escaped.
func escapedLabels(loc Locale) map[string]any {
	lab := map[string]any{}
	for k, v := range labels[loc] {
		lab[k] = escapeInline(v)
	}
	return lab
}

// chartsMeta is each chart's caption and type, by id.
func chartsMeta(cs []Chart) map[string]any {
	m := map[string]any{}
	for _, c := range cs {
		m[c.ID] = map[string]any{"caption": escapeInline(c.Caption), "type": string(c.Type)}
	}
	return m
}

// tablesMeta is each table's caption, by id.
func tablesMeta(ts []Table) map[string]any {
	m := map[string]any{}
	for _, t := range ts {
		m[t.ID] = map[string]any{"caption": escapeInline(t.Caption)}
	}
	return m
}

// variables reads the folder's _variables.yml, for {{< var >}}.
func (st *staged) variables() (map[string]any, error) {
	b, err := fs.ReadFile(st.root.FS(), "_variables.yml")
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	vars := map[string]any{}
	if err := yaml.Unmarshal(b, &vars); err != nil {
		return nil, fmt.Errorf("_variables.yml: %w", err)
	}
	return vars, nil
}

// writeFile writes a file inside the staging folder.
func (st *staged) writeFile(name string, b []byte) error {
	return os.WriteFile(filepath.Join(st.dir, filepath.FromSlash(name)), b, 0o644)
}

func (st *staged) path(name string) string {
	return filepath.Join(st.dir, filepath.FromSlash(name))
}

// withFrontMatter writes YAML front matter before body.
func withFrontMatter(front map[string]any, body string) ([]byte, error) {
	y, err := yaml.Marshal(front)
	if err != nil {
		return nil, fmt.Errorf("writing front matter: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(y)
	b.WriteString("---\n\n")
	b.WriteString(body)
	return b.Bytes(), nil
}
