package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// labels are the fixed texts templates take from {{< meta mirante.labels.* >}}.
var labels = map[Locale]map[string]string{
	PtBR: {
		"filters":           "Filtros aplicados",
		"no_filters":        "Nenhum filtro aplicado.",
		"watermarks":        "Dados atualizados até",
		"no_watermarks":     "Sem informação de atualização.",
		"summary":           "Resumo",
		"charts":            "Gráficos",
		"tables":            "Tabelas",
		"sources":           "Fontes e notas",
		"no_sources":        "Sem fontes registradas.",
		"source":            "Fonte",
		"owner":             "Responsável",
		"data_up_to":        "dados até",
		"synthetic":         "Dados sintéticos (demonstração).",
		"manifest":          "Apêndice: manifesto de reprodutibilidade",
		"manifest_intro":    "Como este relatório foi gerado: o modelo e sua versão, os hashes dos parâmetros e de cada consulta SQL, o motor e a atualização dos dados. O manifesto completo, com o SQL, está embutido no próprio arquivo.",
		"synthetic_title":   "Dados sintéticos",
		"synthetic_body":    "Parte dos dados deste relatório é sintética, gerada para demonstração, e não representa estatísticas oficiais.",
		"no_data_title":     "Consultas sem dados",
		"no_data_body":      "Estes itens não têm dados para o período e os filtros escolhidos:",
		"no_data":           "Sem dados para o período",
		"figure":            "Figura",
		"table":             "Tabela",
		"callout-note":      "Nota",
		"callout-tip":       "Dica",
		"callout-warning":   "Aviso",
		"callout-important": "Importante",
		"callout-caution":   "Cuidado",
	},
	En: {
		"filters":           "Applied filters",
		"no_filters":        "No filters applied.",
		"watermarks":        "Data up to",
		"no_watermarks":     "No freshness information.",
		"summary":           "Summary",
		"charts":            "Charts",
		"tables":            "Tables",
		"sources":           "Sources and notes",
		"no_sources":        "No sources recorded.",
		"source":            "Source",
		"owner":             "Owner",
		"data_up_to":        "data up to",
		"synthetic":         "Synthetic data (demonstration).",
		"manifest":          "Appendix: reproducibility manifest",
		"manifest_intro":    "How this report was made: the template and its version, the hashes of the parameters and of each SQL query, the engine and the data's freshness. The full manifest, with the SQL, is embedded in the file itself.",
		"synthetic_title":   "Synthetic data",
		"synthetic_body":    "Part of the data in this report is synthetic, generated for demonstration, and is not official statistics.",
		"no_data_title":     "Queries without data",
		"no_data_body":      "These items have no data for the chosen period and filters:",
		"no_data":           "No data for the period",
		"figure":            "Figure",
		"table":             "Table",
		"callout-note":      "Note",
		"callout-tip":       "Tip",
		"callout-warning":   "Warning",
		"callout-important": "Important",
		"callout-caution":   "Caution",
	},
}

// mdSpecial are the characters that could start markdown (or Quarto)
// syntax in the middle of a line; pandoc lets any ASCII punctuation be
// escaped with a backslash.
var mdEscaper = func() *strings.Replacer {
	var pairs []string
	for _, c := range "\\`*_{}[]<>#|~^$@&!" {
		pairs = append(pairs, string(c), `\`+string(c))
	}
	return strings.NewReplacer(pairs...)
}()

var (
	listStart = regexp.MustCompile(`^(\d+)([.)])(\s|$)`)
	paraBreak = regexp.MustCompile(`\n\s*\n`)
)

// escapeInline makes text from data (titles, captions, cell values, params)
// literal in markdown: no emphasis, links, shortcodes or cross-references,
// and no line breaks. No-break spaces stay: they keep a period's words
// together.
func escapeInline(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) && r != '\u00a0' }), " ")
	s = mdEscaper.Replace(s)
	if s != "" && strings.ContainsRune("-+:%=", rune(s[0])) {
		s = `\` + s
	}
	return listStart.ReplaceAllString(s, `$1\$2$3`)
}

// escapeText is escapeInline for text that may hold paragraphs.
func escapeText(s string) string {
	var paras []string
	for _, p := range paraBreak.Split(strings.TrimSpace(s), -1) {
		if p = escapeInline(p); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// tableMarkdown writes a pipe table with locale-formatted values and a
// Quarto caption line (": Caption {#tbl-id}").
func tableMarkdown(t Table, loc Locale) []byte {
	cols := len(t.Columns)
	if cols == 0 {
		t.Columns = []Column{{Name: "-", Title: " "}}
		cols = 1
	}
	header := make([]string, cols)
	right := make([]bool, cols)
	for j, c := range t.Columns {
		header[j] = escapeInline(c.title())
		switch c.Format {
		case "integer", "number", "decimal", "percent", "currency":
			right[j] = true
		}
	}
	var rows [][]string
	for _, r := range t.Rows {
		cells := make([]string, cols)
		for j, v := range r {
			if t.Columns[j].Format == "" {
				switch guessFormat(t.Columns[j], v) {
				case "integer", "number", "percent", "currency":
					right[j] = true
				}
			}
			cells[j] = escapeInline(FormatValue(v, t.Columns[j], loc))
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 {
		cells := make([]string, cols)
		cells[0] = "*" + escapeInline(labels[loc]["no_data"]) + "*"
		rows = append(rows, cells)
	}
	width := make([]int, cols)
	for j := range width {
		width[j] = max(3, utf8.RuneCountInString(header[j]))
		for _, r := range rows {
			width[j] = max(width[j], utf8.RuneCountInString(r[j]))
		}
		// The dashes set relative column widths when pandoc wraps the table.
		width[j] = min(width[j], 40)
	}
	var b bytes.Buffer
	writeRow := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	writeRow(header)
	b.WriteString("|")
	for j := range width {
		if right[j] {
			b.WriteString(strings.Repeat("-", width[j]+1) + ":|")
		} else {
			b.WriteString(":" + strings.Repeat("-", width[j]+1) + "|")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		writeRow(r)
	}
	caption := escapeInline(t.Caption)
	if caption == "" {
		caption = escapeInline(t.ID)
	}
	fmt.Fprintf(&b, "\n: %s {#tbl-%s}\n", caption, t.ID)
	return b.Bytes()
}

// bulletList writes one "- " line per item, or the none text (escaped) as
// a paragraph when there are no items.
func bulletList[T any](items []T, none string, line func(T) string) []byte {
	if len(items) == 0 {
		return []byte(escapeInline(none) + "\n")
	}
	var b bytes.Buffer
	for _, it := range items {
		b.WriteString("- " + line(it) + "\n")
	}
	return b.Bytes()
}

func filtersMarkdown(fs []Filter, loc Locale) []byte {
	return bulletList(fs, labels[loc]["no_filters"], func(f Filter) string {
		return "**" + escapeInline(f.Label) + ":** " + escapeInline(f.Value)
	})
}

func watermarksMarkdown(ws []Watermark, loc Locale) []byte {
	return bulletList(ws, labels[loc]["no_watermarks"], func(w Watermark) string {
		return escapeInline(firstNonEmpty(w.Title, w.Dataset)) + ": " + escapeInline(FormatPeriod(w.At, w.Grain, loc))
	})
}

func sourcesMarkdown(ss []SourceNote, loc Locale) []byte {
	l := labels[loc]
	return bulletList(ss, l["no_sources"], func(s SourceNote) string {
		parts := []string{"**" + escapeInline(firstNonEmpty(s.Title, s.Dataset)) + "**"}
		if s.Source != "" {
			parts = append(parts, escapeInline(l["source"]+": "+s.Source)+".")
		}
		if s.Owner != "" {
			parts = append(parts, escapeInline(l["owner"]+": "+s.Owner)+".")
		}
		if !s.Watermark.IsZero() {
			parts = append(parts, escapeInline(upperFirst(l["data_up_to"])+" "+FormatPeriod(s.Watermark, s.WatermarkGrain, loc))+".")
		}
		if s.Synthetic {
			parts = append(parts, "*"+escapeInline(l["synthetic"])+"*")
		}
		return strings.Join(parts, " ")
	})
}

// emptyMarkdown lists the tables and charts whose query returned no rows.
func emptyMarkdown(d *Document) []byte {
	var b bytes.Buffer
	for _, c := range d.Charts {
		if chartEmpty(c) {
			fmt.Fprintf(&b, "- %s\n", escapeInline(firstNonEmpty(c.Caption, c.ID)))
		}
	}
	for _, t := range d.Tables {
		if len(t.Rows) == 0 {
			fmt.Fprintf(&b, "- %s\n", escapeInline(firstNonEmpty(t.Caption, t.ID)))
		}
	}
	return b.Bytes()
}

func chartEmpty(c Chart) bool {
	for _, r := range c.Rows {
		for _, s := range c.Series {
			if i := c.columnIndex(s); i >= 0 && i < len(r) {
				if f, ok := toFloat(r[i]); ok && f == f {
					return false
				}
			}
		}
	}
	return true
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}
