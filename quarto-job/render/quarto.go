package render

import (
	"context"
	"maps"
	"os"
	"strings"
)

// renderQuarto hands the staged template to the Quarto CLI. Quarto itself
// does the includes, meta/var shortcodes, conditional content, callouts and
// cross-references; Go only merges the front matter (title, lang, params and
// the "mirante" block), expands {{< param >}} (not a Quarto built-in) and,
// for Word, points figures at PNG conversions. PDF goes through Typst
// (bundled with Quarto; the image has no LaTeX).
func (r *Renderer) renderQuarto(ctx context.Context, st *staged) (string, error) {
	quarto, err := lookTool(r.cfg.Quarto, "quarto")
	if err != nil {
		return "", err
	}
	qmd, err := st.quartoSource()
	if err != nil {
		return "", err
	}
	if st.format == DOCX {
		rsvg, err := lookTool(r.cfg.RsvgConvert, "rsvg-convert")
		if err != nil {
			return "", err
		}
		if err := r.svgToPNG(ctx, rsvg, st); err != nil {
			return "", err
		}
	}
	name := st.doc.Template.Name
	if err := st.writeFile(name+".qmd", qmd); err != nil {
		return "", err
	}
	out := name + ".quarto." + string(st.format)
	if _, err := run(ctx, r.cfg.StepTimeout, command{
		name: "quarto",
		path: quarto,
		args: quartoArgs(name+".qmd", st.format, out),
		dir:  st.dir,
		env:  os.Environ(),
	}); err != nil {
		return "", err
	}
	return st.path(out), nil
}

// quartoArgs is the quarto command line.
func quartoArgs(qmd string, format Format, out string) []string {
	to := string(format)
	if format == PDF {
		to = "typst"
	}
	return []string{"render", qmd, "--to", to, "--output", out, "--no-execute"}
}

// quartoSource is the template with merged front matter and params
// expanded, ready for `quarto render`.
func (st *staged) quartoSource() ([]byte, error) {
	p := &preprocessor{params: st.params, format: st.format, loc: st.loc}
	var out strings.Builder
	var code codeTracker
	for _, line := range splitLines(st.body) {
		if code.inCode(line) || !strings.Contains(line, "param") {
			out.WriteString(line + "\n")
			continue
		}
		var err error
		line = shortcodeRe.ReplaceAllStringFunc(line, func(s string) string {
			sc := parseShortcode(shortcodeRe.FindStringSubmatch(s))
			if sc.name != "param" || sc.escaped || err != nil {
				return s
			}
			var v string
			v, err = p.shortcode(sc)
			return v
		})
		if err != nil {
			return nil, err
		}
		out.WriteString(line + "\n")
	}
	body := out.String()
	if st.format == DOCX {
		for _, f := range st.figures {
			body = strings.ReplaceAll(body, "("+f+")", "("+strings.TrimSuffix(f, ".svg")+".png)")
		}
	}
	front := map[string]any{}
	maps.Copy(front, st.meta)
	return withFrontMatter(front, body)
}
