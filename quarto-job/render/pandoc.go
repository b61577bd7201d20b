package render

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// renderPandoc pre-processes the template and renders it with pandoc, and
// Chromium for PDF. It returns the produced file's path.
func (r *Renderer) renderPandoc(ctx context.Context, st *staged) (string, error) {
	pandoc, err := lookTool(r.cfg.Pandoc, "pandoc")
	if err != nil {
		return "", err
	}
	var chromium, rsvg string
	switch st.format {
	case PDF:
		if chromium, err = lookTool(r.cfg.Chromium, chromiumNames...); err != nil {
			return "", err
		}
	case DOCX:
		if rsvg, err = lookTool(r.cfg.RsvgConvert, "rsvg-convert"); err != nil {
			return "", err
		}
	}
	md, err := st.pandocMarkdown()
	if err != nil {
		return "", err
	}
	name := st.doc.Template.Name
	if err := st.writeFile(name+".md", md); err != nil {
		return "", err
	}
	if st.format == DOCX {
		if err := r.svgToPNG(ctx, rsvg, st); err != nil {
			return "", err
		}
	}
	to := HTML
	if st.format == DOCX {
		to = DOCX
	}
	pargs, err := r.pandocArgs(ctx, pandoc, to, name+".md", name+".pandoc."+string(to), st.css())
	if err != nil {
		return "", err
	}
	if _, err := run(ctx, r.cfg.StepTimeout, command{name: "pandoc", path: pandoc, args: pargs, dir: st.dir, env: os.Environ()}); err != nil {
		return "", err
	}
	out := st.path(name + ".pandoc." + string(to))
	if st.format != PDF {
		return out, nil
	}
	pdf := st.path(name + ".chromium.pdf")
	if err := r.printPDF(ctx, chromium, out, pdf, st.path(".chromium-profile")); err != nil {
		return "", err
	}
	return pdf, nil
}

// pandocMarkdown is the pre-processed template with pandoc's front matter.
func (st *staged) pandocMarkdown() ([]byte, error) {
	vars, err := st.variables()
	if err != nil {
		return nil, err
	}
	p := &preprocessor{root: st.root.FS(), meta: st.meta, vars: vars, params: st.params, format: st.format, loc: st.loc}
	body, err := p.run(st.body)
	if err != nil {
		return nil, err
	}
	front := map[string]any{"lang": string(st.loc)}
	for _, k := range []string{"title", "subtitle", "author", "date"} {
		v, ok := st.meta[k]
		if !ok {
			continue
		}
		s, err := scalarString(v)
		if err != nil {
			return nil, fmt.Errorf("front matter %s: %w", k, err)
		}
		// The template's own title may use shortcodes ({{< param region >}}).
		if s, err = p.expandLine(s); err != nil {
			return nil, err
		}
		if s != "" {
			front[k] = s
		}
	}
	return withFrontMatter(front, body)
}

// css lists the stylesheets the template asks for (format.html.css in its
// front matter), else every .css at the top of the folder.
func (st *staged) css() []string {
	if f, ok := lookup(st.front, "format.html.css"); ok {
		switch x := f.(type) {
		case string:
			return []string{x}
		case []any:
			var out []string
			for _, v := range x {
				if s, ok := v.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
	}
	matches, _ := filepath.Glob(filepath.Join(st.dir, "*.css"))
	var out []string
	for _, m := range matches {
		out = append(out, filepath.Base(m))
	}
	return out
}

var pandocVersionRe = regexp.MustCompile(`pandoc(?:\.exe)?\s+(\d+)\.(\d+)`)

// pandocVersions caches `pandoc --version` per binary.
var pandocVersions sync.Map

// embedFlags are the flags that make pandoc inline images and CSS:
// --embed-resources since 2.19, --self-contained before (Debian bookworm
// ships 2.17).
func (r *Renderer) embedFlags(ctx context.Context, pandoc string) ([]string, error) {
	v, ok := pandocVersions.Load(pandoc)
	if !ok {
		out, err := run(ctx, r.cfg.StepTimeout, command{name: "pandoc --version", path: pandoc, args: []string{"--version"}, env: os.Environ()})
		if err != nil {
			return nil, err
		}
		m := pandocVersionRe.FindStringSubmatch(string(out))
		if m == nil {
			return nil, fmt.Errorf("cannot read the pandoc version from %q", firstLine(string(out)))
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		v = [2]int{major, minor}
		pandocVersions.Store(pandoc, v)
	}
	ver := v.([2]int)
	if ver[0] > 2 || (ver[0] == 2 && ver[1] >= 19) {
		return []string{"--embed-resources", "--standalone"}, nil
	}
	return []string{"--self-contained"}, nil
}

// pandocArgs builds pandoc's command line for markdown in to HTML or DOCX.
func (r *Renderer) pandocArgs(ctx context.Context, pandoc string, to Format, in, out string, css []string) ([]string, error) {
	args := []string{in, "--from=markdown", "--standalone", "--resource-path=.", "--output=" + out}
	switch to {
	case HTML:
		embed, err := r.embedFlags(ctx, pandoc)
		if err != nil {
			return nil, err
		}
		args = append(args, "--to=html5", "--no-highlight")
		args = append(args, embed...)
		for _, c := range css {
			args = append(args, "--css="+c)
		}
	case DOCX:
		args = append(args, "--to=docx", "--no-highlight")
	default:
		return nil, fmt.Errorf("pandoc renders html or docx, not %s", to)
	}
	return args, nil
}

// chromiumArgs prints html to pdf: headless, no network services, a fresh
// profile, no header or footer (A4 and margins come from the CSS @page).
func chromiumArgs(htmlPath, pdfPath, profile string) []string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(htmlPath)}
	return []string{
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-dev-shm-usage",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-extensions",
		"--disable-default-apps",
		"--no-first-run",
		"--no-default-browser-check",
		"--mute-audio",
		"--hide-scrollbars",
		"--user-data-dir=" + profile,
		"--no-pdf-header-footer",
		"--print-to-pdf=" + pdfPath,
		u.String(),
	}
}

// chromiumEnv keeps Chromium away from D-Bus (absent in containers, and
// slow to time out) and its caches inside the profile.
func chromiumEnv(profile string) []string {
	return append(os.Environ(),
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
		"XDG_CONFIG_HOME="+profile,
		"XDG_CACHE_HOME="+profile,
	)
}

func (r *Renderer) printPDF(ctx context.Context, chromium, htmlPath, pdfPath, profile string) error {
	if err := os.MkdirAll(profile, 0o700); err != nil {
		return err
	}
	htmlAbs, err := filepath.Abs(htmlPath)
	if err != nil {
		return err
	}
	pdfAbs, err := filepath.Abs(pdfPath)
	if err != nil {
		return err
	}
	_, err = run(ctx, r.cfg.StepTimeout, command{name: "chromium", path: chromium, args: chromiumArgs(htmlAbs, pdfAbs, profile), dir: filepath.Dir(htmlAbs), env: chromiumEnv(profile)})
	if err != nil {
		return err
	}
	info, err := os.Stat(pdfAbs)
	if err != nil || info.Size() == 0 {
		return fmt.Errorf("chromium exited without writing %s", filepath.Base(pdfAbs))
	}
	return nil
}

// svgToPNG converts the document's SVG images to PNG beside them (Word does
// not take SVG everywhere), at twice the size for print quality.
func (r *Renderer) svgToPNG(ctx context.Context, rsvg string, st *staged) error {
	seen := map[string]bool{}
	var svgs []string
	for _, p := range st.figures {
		if !seen[p] {
			seen[p] = true
			svgs = append(svgs, p)
		}
	}
	// Other SVGs the template itself references.
	matches, _ := filepath.Glob(filepath.Join(st.dir, "*.svg"))
	for _, m := range matches {
		p := filepath.Base(m)
		if !seen[p] {
			seen[p] = true
			svgs = append(svgs, p)
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for _, p := range svgs {
		g.Go(func() error {
			png := strings.TrimSuffix(p, ".svg") + ".png"
			_, err := run(ctx, r.cfg.StepTimeout, command{
				name: "rsvg-convert " + p,
				path: rsvg,
				args: []string{"--format=png", "--zoom=2", "--background-color=white", "--output=" + png, p},
				dir:  st.dir,
				env:  os.Environ(),
			})
			return err
		})
	}
	return g.Wait()
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
