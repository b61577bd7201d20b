package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The pre-processor does in Go what Quarto does before pandoc, for the subset
// our templates use:
//
//   - YAML front matter: title, subtitle, params defaults (overridden by the
//     caller's params);
//   - shortcodes {{< meta key >}}, {{< var key >}} (from _variables.yml),
//     {{< param key >}}, {{< include file >}} and {{< pagebreak >}};
//     {{{< ... >}}} is an escaped, literal shortcode;
//   - conditional content: ::: {.content-visible|.content-hidden} with
//     when-meta / unless-meta / when-format / unless-format;
//   - callouts: ::: {.callout-note|tip|warning|important|caution} with an
//     optional title attribute or a leading heading as the title;
//   - figures ![Caption](file){#fig-id} and table captions
//     ": Caption {#tbl-id}", numbered in order, and the references @fig-id,
//     @tbl-id and [-@fig-id].
//
// Shortcodes, includes and references inside fenced code blocks are left
// alone. Paths of includes and images are relative to the template folder
// and may not leave it.

// maxIncludeDepth bounds nested includes (and so include cycles).
const maxIncludeDepth = 8

type preprocessor struct {
	// root is the staged template folder; it refuses paths outside it.
	root   fs.FS
	meta   map[string]any
	vars   map[string]any
	params map[string]any
	format Format
	loc    Locale
	// images lists local image paths the document uses, in order.
	images []string
}

// splitFrontMatter separates a leading YAML block (--- ... --- or ...).
func splitFrontMatter(src string) (front map[string]any, body string, err error) {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	if !strings.HasPrefix(src, "---\n") {
		return map[string]any{}, src, nil
	}
	rest := src[4:]
	end, skip := -1, 0
	for off := 0; off <= len(rest); {
		nl := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			end, skip = off, len(line)
			if nl >= 0 {
				skip++
			}
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return nil, "", errors.New("front matter is not closed with ---")
	}
	front = map[string]any{}
	if err := yaml.Unmarshal([]byte(rest[:end]), &front); err != nil {
		return nil, "", fmt.Errorf("parsing front matter: %w", err)
	}
	if front == nil {
		front = map[string]any{}
	}
	return front, rest[end+skip:], nil
}

var (
	shortcodeRe = regexp.MustCompile(`\{\{\{?<\s*([A-Za-z][\w-]*)((?:\s+[^>\s]+)*)\s*>\}\}\}?`)
	codeFenceRe = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
)

// codeTracker follows fenced code blocks line by line.
type codeTracker struct{ fence string }

// inCode reports whether line is part of a code block (fences included).
func (c *codeTracker) inCode(line string) bool {
	m := codeFenceRe.FindStringSubmatch(line)
	if c.fence != "" {
		if m != nil && m[1][0] == c.fence[0] && len(m[1]) >= len(c.fence) && strings.TrimSpace(line[len(m[0]):]) == "" {
			c.fence = ""
		}
		return true
	}
	if m != nil {
		c.fence = m[1]
		return true
	}
	return false
}

// shortcode is one {{< name args >}} occurrence.
type shortcode struct {
	name    string
	args    []string
	escaped bool
}

func parseShortcode(m []string) shortcode {
	return shortcode{name: m[1], args: strings.Fields(m[2]), escaped: strings.HasPrefix(m[0], "{{{") && strings.HasSuffix(m[0], "}}}")}
}

// expandIncludes replaces {{< include file >}} with the file's (expanded)
// text.
func (p *preprocessor) expandIncludes(text string, stack []string) (string, error) {
	return mapLines(text, "include", func(line string) (string, error) {
		var err error
		replaced := shortcodeRe.ReplaceAllStringFunc(line, func(s string) string {
			sc := parseShortcode(shortcodeRe.FindStringSubmatch(s))
			if sc.name != "include" || sc.escaped || err != nil {
				return s
			}
			if len(sc.args) != 1 {
				err = fmt.Errorf("include takes one file, got %q", s)
				return s
			}
			var body string
			body, err = p.include(sc.args[0], stack)
			if strings.TrimSpace(line) == strings.TrimSpace(s) {
				return strings.TrimSuffix(body, "\n")
			}
			return strings.TrimSpace(body)
		})
		return replaced, err
	})
}

// mapLines rewrites with fn each line outside code blocks that contains
// marker; every other line passes unchanged. Each line comes out ending
// in a newline.
func mapLines(text, marker string, fn func(line string) (string, error)) (string, error) {
	var out strings.Builder
	var code codeTracker
	for _, line := range splitLines(text) {
		if code.inCode(line) || !strings.Contains(line, marker) {
			out.WriteString(line + "\n")
			continue
		}
		s, err := fn(line)
		if err != nil {
			return "", err
		}
		out.WriteString(s + "\n")
	}
	return out.String(), nil
}

// include reads one included file, relative to the template folder.
func (p *preprocessor) include(name string, stack []string) (string, error) {
	clean, err := cleanRelPath(name)
	if err != nil {
		return "", fmt.Errorf("include %q: %w", name, err)
	}
	for _, s := range stack {
		if s == clean {
			return "", fmt.Errorf("include cycle: %s -> %s", strings.Join(stack, " -> "), clean)
		}
	}
	if len(stack) >= maxIncludeDepth {
		return "", fmt.Errorf("includes nested deeper than %d at %s", maxIncludeDepth, clean)
	}
	b, err := fs.ReadFile(p.root, clean)
	if err != nil {
		return "", fmt.Errorf("include %q: %w", name, err)
	}
	_, body, err := splitFrontMatter(string(b))
	if err != nil {
		return "", fmt.Errorf("include %q: %w", name, err)
	}
	return p.expandIncludes(body, append(stack, clean))
}

// cleanRelPath accepts only paths inside the template folder.
func cleanRelPath(name string) (string, error) {
	name = strings.Trim(name, `"'`)
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) {
		return "", errors.New("must be a relative path inside the template folder")
	}
	clean := path.Clean(name)
	if !fs.ValidPath(clean) || clean == "." {
		return "", errors.New("must be a relative path inside the template folder")
	}
	return clean, nil
}

// expandShortcodes replaces meta, var, param and pagebreak shortcodes.
func (p *preprocessor) expandShortcodes(text string) (string, error) {
	return mapLines(text, "{{", p.expandLine)
}

func (p *preprocessor) expandLine(line string) (string, error) {
	var err error
	s := shortcodeRe.ReplaceAllStringFunc(line, func(s string) string {
		sc := parseShortcode(shortcodeRe.FindStringSubmatch(s))
		if sc.escaped {
			return s[1 : len(s)-1]
		}
		if err != nil {
			return s
		}
		var v string
		v, err = p.shortcode(sc)
		return v
	})
	return s, err
}

func (p *preprocessor) shortcode(sc shortcode) (string, error) {
	key := ""
	if len(sc.args) > 0 {
		key = strings.Trim(sc.args[0], `"'`)
	}
	switch sc.name {
	case "meta", "var", "param":
		if key == "" {
			return "", fmt.Errorf("{{< %s >}} needs a key", sc.name)
		}
		src := map[string]map[string]any{"meta": p.meta, "var": p.vars, "param": p.params}[sc.name]
		v, ok := lookup(src, key)
		if !ok {
			for _, kind := range []string{"charts", "tables"} {
				if id, found := strings.CutPrefix(key, "mirante."+kind+"."); sc.name == "meta" && found {
					id, _, _ = strings.Cut(id, ".")
					return "", fmt.Errorf("the template uses %s %q, which the document does not have", strings.TrimSuffix(kind, "s"), id)
				}
			}
			return "", fmt.Errorf("{{< %s %s >}}: no such key", sc.name, key)
		}
		s, err := scalarString(v)
		if err != nil {
			return "", fmt.Errorf("{{< %s %s >}}: %w", sc.name, key, err)
		}
		if sc.name == "param" {
			// Params come from the caller (often a tenant): literal text.
			return escapeText(s), nil
		}
		return s, nil
	case "pagebreak":
		if p.format == DOCX {
			return "\n```{=openxml}\n<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n```\n", nil
		}
		return "\n```{=html}\n<div class=\"page-break\"></div>\n```\n", nil
	case "include":
		return "", errors.New("include shortcode left after includes were expanded")
	}
	return "", fmt.Errorf("unsupported shortcode {{< %s >}}", sc.name)
}

// lookup follows a dotted key through nested maps.
func lookup(m map[string]any, key string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(key, ".") {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[part]
			if !ok {
				return nil, false
			}
			cur = v
		case map[string]string:
			v, ok := x[part]
			if !ok {
				return nil, false
			}
			cur = v
		default:
			return nil, false
		}
	}
	return cur, true
}

func scalarString(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case map[string]any, []any, map[string]string:
		return "", errors.New("value is not a scalar")
	}
	return fmt.Sprint(v), nil
}

func truthy(v any, ok bool) bool {
	if !ok {
		return false
	}
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != "" && x != "false"
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// --- fenced divs ----------------------------------------------------------

var (
	divOpenRe  = regexp.MustCompile(`^ {0,3}(:{3,})\s*(\{.*\}|[A-Za-z][\w-]*)\s*:*\s*$`)
	divCloseRe = regexp.MustCompile(`^ {0,3}:{3,}\s*$`)
	attrRe     = regexp.MustCompile(`([.#][\w:-]+)|([\w-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s}]+)`)
	headingRe  = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
)

type attrs struct {
	id      string
	classes []string
	kv      [][2]string
}

func parseAttrs(s string) attrs {
	var a attrs
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") {
		a.classes = []string{s}
		return a
	}
	for _, m := range attrRe.FindAllStringSubmatch(strings.Trim(s, "{}"), -1) {
		switch {
		case strings.HasPrefix(m[1], "."):
			a.classes = append(a.classes, m[1][1:])
		case strings.HasPrefix(m[1], "#"):
			a.id = m[1][1:]
		case m[2] != "":
			v := m[3]
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
				v = v[1 : len(v)-1]
				v = strings.ReplaceAll(v, `\"`, `"`)
			}
			a.kv = append(a.kv, [2]string{m[2], v})
		}
	}
	return a
}

func (a attrs) has(class string) bool {
	for _, c := range a.classes {
		if c == class {
			return true
		}
	}
	return false
}

func (a attrs) get(key string) (string, bool) {
	for _, kv := range a.kv {
		if kv[0] == key {
			return kv[1], true
		}
	}
	return "", false
}

// node is a line of text or a fenced div.
type node struct {
	line string
	div  *divNode
}

type divNode struct {
	open, close string
	attrs       attrs
	children    []node
	lineNo      int
}

// parseDivs builds the tree of fenced divs; code blocks stay lines.
func parseDivs(text string) ([]node, error) {
	root := &divNode{}
	stack := []*divNode{root}
	var code codeTracker
	for i, line := range splitLines(text) {
		top := stack[len(stack)-1]
		if code.inCode(line) {
			top.children = append(top.children, node{line: line})
			continue
		}
		if m := divOpenRe.FindStringSubmatch(line); m != nil {
			d := &divNode{open: line, attrs: parseAttrs(m[2]), lineNo: i + 1}
			top.children = append(top.children, node{div: d})
			stack = append(stack, d)
			continue
		}
		if divCloseRe.MatchString(line) && len(stack) > 1 {
			top.close = line
			stack = stack[:len(stack)-1]
			continue
		}
		top.children = append(top.children, node{line: line})
	}
	if len(stack) > 1 {
		d := stack[len(stack)-1]
		return nil, fmt.Errorf("div %q opened at line %d is never closed", strings.TrimSpace(d.open), d.lineNo)
	}
	return root.children, nil
}

var calloutTypes = []string{"note", "tip", "warning", "important", "caution"}

func (p *preprocessor) renderDivs(nodes []node, out *strings.Builder) error {
	for _, n := range nodes {
		if n.div == nil {
			out.WriteString(n.line + "\n")
			continue
		}
		d := n.div
		switch {
		case d.attrs.has("content-visible") || d.attrs.has("content-hidden"):
			match, err := p.conditionsHold(d.attrs)
			if err != nil {
				return fmt.Errorf("line %d: %w", d.lineNo, err)
			}
			if match == d.attrs.has("content-visible") {
				if err := p.renderDivs(d.children, out); err != nil {
					return err
				}
			}
		case calloutType(d.attrs) != "":
			if err := p.renderCallout(d, out); err != nil {
				return err
			}
		default:
			out.WriteString(d.open + "\n")
			if err := p.renderDivs(d.children, out); err != nil {
				return err
			}
			out.WriteString(d.close + "\n")
		}
	}
	return nil
}

func calloutType(a attrs) string {
	for _, t := range calloutTypes {
		if a.has("callout-" + t) {
			return t
		}
	}
	return ""
}

// conditionsHold evaluates Quarto's when-*/unless-* attributes.
func (p *preprocessor) conditionsHold(a attrs) (bool, error) {
	hold := true
	for _, kv := range a.kv {
		switch kv[0] {
		case "when-meta":
			hold = hold && truthy(lookup(p.meta, kv[1]))
		case "unless-meta":
			hold = hold && !truthy(lookup(p.meta, kv[1]))
		case "when-format":
			hold = hold && p.formatIs(kv[1])
		case "unless-format":
			hold = hold && !p.formatIs(kv[1])
		case "when-profile", "unless-profile":
			return false, fmt.Errorf("%s is not supported without Quarto", kv[0])
		}
	}
	return hold, nil
}

func (p *preprocessor) formatIs(f string) bool {
	f = strings.ToLower(f)
	switch p.format {
	case HTML:
		return f == "html" || f == "html5" || f == "html:js"
	case PDF:
		return f == "pdf" || f == "typst" || f == "latex"
	case DOCX:
		return f == "docx" || f == "word"
	}
	return false
}

func (p *preprocessor) renderCallout(d *divNode, out *strings.Builder) error {
	kind := calloutType(d.attrs)
	title, hasTitle := d.attrs.get("title")
	children := d.children
	if !hasTitle {
		// A first heading is the title, as in Quarto.
		for i, c := range children {
			if c.div == nil && strings.TrimSpace(c.line) == "" {
				continue
			}
			if c.div == nil {
				if m := headingRe.FindStringSubmatch(c.line); m != nil {
					title, hasTitle = m[1], true
					children = append(append([]node{}, children[:i]...), children[i+1:]...)
				}
			}
			break
		}
	}
	if !hasTitle || strings.TrimSpace(title) == "" {
		title = labels[p.loc]["callout-"+kind]
	}
	var body strings.Builder
	if err := p.renderDivs(children, &body); err != nil {
		return err
	}
	content := strings.Trim(body.String(), "\n")
	if p.format == DOCX {
		// Word has no styled boxes without a reference document: a block
		// quote with a bold title.
		out.WriteString("\n> **" + title + "**\n>\n")
		for _, l := range splitLines(content) {
			if strings.TrimSpace(l) == "" {
				out.WriteString(">\n")
			} else {
				out.WriteString("> " + l + "\n")
			}
		}
		out.WriteString("\n")
		return nil
	}
	id := ""
	if d.attrs.id != "" {
		id = "#" + d.attrs.id + " "
	}
	fmt.Fprintf(out, "\n::::: {%s.callout .callout-%s}\n:::: {.callout-title}\n%s\n::::\n\n:::: {.callout-body}\n%s\n::::\n:::::\n\n", id, kind, title, content)
	return nil
}

// --- cross-references -------------------------------------------------------

var (
	figureRe     = regexp.MustCompile(`^!\[(.*)\]\(([^)\s]+)((?:\s+"[^"]*")?)\)\{([^}]*#fig-[\w-]+[^}]*)\}\s*$`)
	tblCaptionRe = regexp.MustCompile(`^(?:Table)?:\s+(.*?)\s*\{([^}]*#tbl-[\w-]+[^}]*)\}\s*$`)
	refRe        = regexp.MustCompile(`(^|[^A-Za-z0-9_\\])(\[-@|@)([Ff]ig|[Tt]bl)-([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)(\]?)`)
	imageRe      = regexp.MustCompile(`!\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)`)
)

// crossref numbers figures and tables and resolves references to them.
func (p *preprocessor) crossref(text string) (string, error) {
	lines := splitLines(text)
	numbers := map[string]int{}
	nfig, ntbl := 0, 0
	var code codeTracker
	for _, l := range lines {
		if code.inCode(l) {
			continue
		}
		if m := figureRe.FindStringSubmatch(l); m != nil {
			id := parseAttrs("{" + m[4] + "}").id
			if _, dup := numbers[id]; dup {
				return "", fmt.Errorf("figure id %s is used twice", id)
			}
			nfig++
			numbers[id] = nfig
		} else if m := tblCaptionRe.FindStringSubmatch(l); m != nil {
			id := parseAttrs("{" + m[2] + "}").id
			if _, dup := numbers[id]; dup {
				return "", fmt.Errorf("table id %s is used twice", id)
			}
			ntbl++
			numbers[id] = ntbl
		}
	}
	lab := labels[p.loc]
	var out strings.Builder
	code = codeTracker{}
	for _, l := range lines {
		if code.inCode(l) {
			out.WriteString(l + "\n")
			continue
		}
		if m := figureRe.FindStringSubmatch(l); m != nil {
			a := parseAttrs("{" + m[4] + "}")
			rest := attrsString(a, true)
			fmt.Fprintf(&out, "::: {#%s .mirante-figure}\n![%s %d: %s](%s%s)%s\n:::\n", a.id, lab["figure"], numbers[a.id], m[1], m[2], m[3], rest)
			continue
		}
		if m := tblCaptionRe.FindStringSubmatch(l); m != nil {
			a := parseAttrs("{" + m[2] + "}")
			fmt.Fprintf(&out, ": %s %d: %s []{#%s}\n", lab["table"], numbers[a.id], m[1], a.id)
			continue
		}
		var err error
		l = refRe.ReplaceAllStringFunc(l, func(s string) string {
			m := refRe.FindStringSubmatch(s)
			if err != nil {
				return s
			}
			prefix := strings.ToLower(m[3])
			id := prefix + "-" + m[4]
			n, ok := numbers[id]
			if !ok {
				err = fmt.Errorf("unknown cross-reference @%s", id)
				return s
			}
			if m[2] == "[-@" {
				if m[5] != "]" {
					err = fmt.Errorf("malformed reference %q", s)
					return s
				}
				return fmt.Sprintf("%s[%d](#%s)", m[1], n, id)
			}
			word := lab["figure"]
			if prefix == "tbl" {
				word = lab["table"]
			}
			return fmt.Sprintf("%s[%s %d](#%s)%s", m[1], word, n, id, m[5])
		})
		if err != nil {
			return "", err
		}
		out.WriteString(l + "\n")
	}
	return out.String(), nil
}

// attrsString writes attributes back, without the id when dropID.
func attrsString(a attrs, dropID bool) string {
	var parts []string
	if a.id != "" && !dropID {
		parts = append(parts, "#"+a.id)
	}
	for _, c := range a.classes {
		parts = append(parts, "."+c)
	}
	for _, kv := range a.kv {
		parts = append(parts, kv[0]+"="+strconv.Quote(kv[1]))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// checkImages makes sure every local image exists inside the folder and, for
// Word, points SVG figures at their PNG conversions.
func (p *preprocessor) checkImages(text string) (string, error) {
	var out strings.Builder
	var code codeTracker
	var err error
	for _, l := range splitLines(text) {
		if code.inCode(l) || !strings.Contains(l, "![") {
			out.WriteString(l + "\n")
			continue
		}
		l = imageRe.ReplaceAllStringFunc(l, func(s string) string {
			m := imageRe.FindStringSubmatch(s)
			target := m[1]
			if err != nil || strings.Contains(target, "://") || strings.HasPrefix(target, "data:") {
				return s
			}
			clean, e := cleanRelPath(target)
			if e != nil {
				err = fmt.Errorf("image %q: %w", target, e)
				return s
			}
			if _, e := fs.Stat(p.root, clean); e != nil {
				err = fmt.Errorf("image %q: %w", target, e)
				return s
			}
			p.images = append(p.images, clean)
			if p.format == DOCX && strings.HasSuffix(clean, ".svg") {
				return strings.TrimSuffix(s, target) + strings.TrimSuffix(clean, ".svg") + ".png"
			}
			return s
		})
		out.WriteString(l + "\n")
	}
	return out.String(), err
}

// run turns the template body into pandoc markdown.
func (p *preprocessor) run(body string) (string, error) {
	text, err := p.expandIncludes(body, nil)
	if err != nil {
		return "", err
	}
	if text, err = p.expandShortcodes(text); err != nil {
		return "", err
	}
	nodes, err := parseDivs(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := p.renderDivs(nodes, &b); err != nil {
		return "", err
	}
	if text, err = p.crossref(b.String()); err != nil {
		return "", err
	}
	if text, err = p.checkImages(text); err != nil {
		return "", err
	}
	return collapseBlankLines(text), nil
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// collapseBlankLines keeps the output tidy: at most one blank line in a row
// outside code blocks.
func collapseBlankLines(s string) string {
	var out bytes.Buffer
	var code codeTracker
	blank := 0
	for _, l := range splitLines(s) {
		if code.inCode(l) {
			blank = 0
			out.WriteString(l + "\n")
			continue
		}
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
			out.WriteString("\n")
			continue
		}
		blank = 0
		out.WriteString(l + "\n")
	}
	s = strings.Trim(out.String(), "\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}
