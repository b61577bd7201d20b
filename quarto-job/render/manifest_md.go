package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// manifestSummary is the part of a report's manifest the appendix shows.
type manifestSummary struct {
	ReportID string `json:"report_id"`
	Template struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"template"`
	Format     string            `json:"format"`
	Locale     string            `json:"locale"`
	Params     json.RawMessage   `json:"params"`
	ParamsHash string            `json:"params_hash"`
	Watermarks map[string]string `json:"watermarks"`
	Engine     string            `json:"engine"`
	Renderer   string            `json:"renderer"`
	Generated  time.Time         `json:"generated_at"`
	Queries    []struct {
		ID      string `json:"id"`
		Dataset string `json:"dataset"`
		SQLHash string `json:"sql_hash"`
		Rows    int    `json:"rows"`
	} `json:"queries"`
}

var manifestFields = map[Locale][]string{
	PtBR: {"Relatório", "Modelo", "Versão do modelo", "Formato e idioma", "Hash dos parâmetros", "Motor e renderizador", "Gerado em", "Dados até",
		"Consulta", "Conjunto", "Linhas", "Hash do SQL", "Campo", "Valor", "Parâmetros"},
	En: {"Report", "Template", "Template version", "Format and language", "Parameters hash", "Engine and renderer", "Generated", "Data up to",
		"Query", "Dataset", "Rows", "SQL hash", "Field", "Value", "Parameters"},
}

// manifestMarkdown is the manifest as a compact appendix that fits one page:
// the report's identity, template version, hashes and watermarks in one
// table, and each query with its row count and SQL hash in another. The SQL
// itself is in the manifest embedded in the file.
func manifestMarkdown(m json.RawMessage, loc Locale) ([]byte, error) {
	var s manifestSummary
	if err := json.Unmarshal(m, &s); err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	f := manifestFields[loc.norm()]
	var b bytes.Buffer
	row := func(cells ...string) {
		for i := range cells {
			cells[i] = escapeInline(cells[i])
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	wms := make([]string, 0, len(s.Watermarks))
	for ds, wm := range s.Watermarks {
		wms = append(wms, ds+": "+wm)
	}
	sort.Strings(wms)
	row(f[12], f[13])
	b.WriteString("|:--|:--|\n")
	row(f[0], s.ReportID)
	row(f[1], s.Template.Name)
	row(f[2], s.Template.Version)
	row(f[3], s.Format+", "+s.Locale)
	b.WriteString("| " + escapeInline(f[14]) + " | " + inlineCode(compactJSON(s.Params)) + " |\n")
	row(f[4], s.ParamsHash)
	row(f[5], s.Engine+", "+s.Renderer)
	if !s.Generated.IsZero() {
		row(f[6], s.Generated.UTC().Format("2006-01-02 15:04:05")+" UTC")
	}
	row(f[7], strings.Join(wms, "; "))
	b.WriteString("\n")
	row(f[8], f[9], f[10], f[11])
	b.WriteString("|:--|:--|--:|:--|\n")
	for _, q := range s.Queries {
		h := q.SQLHash
		if len(h) > 16 {
			h = h[:16] + "…"
		}
		row(q.ID, q.Dataset, strconv.Itoa(q.Rows), h)
	}
	return b.Bytes(), nil
}

// compactJSON is raw without insignificant spaces ("{}" when empty).
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(raw) == 0 || json.Compact(&b, raw) != nil {
		return "{}"
	}
	return b.String()
}

// inlineCode is s as literal inline code in a pipe-table cell: fenced by a
// backtick run longer than any inside, with pipes escaped for the table.
func inlineCode(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + s + " " + fence
}
