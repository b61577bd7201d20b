package render

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mirante/mirante/quarto-job/templates"
)

// standardDoc is the standard report as the job builds it: three charts,
// two tables, filters, watermarks, sources (one synthetic) and a manifest
// naming the template's version.
func standardDoc(t testing.TB, locale string) *Document {
	t.Helper()
	tpl, err := LoadTemplate(nil, templates.Standard)
	if err != nil {
		t.Fatal(err)
	}
	version, err := TemplateVersion(nil, templates.Standard)
	if err != nil {
		t.Fatal(err)
	}
	months := make([]any, 12)
	for i := range months {
		months[i] = fmt.Sprintf("2024-%02d-01", i+1)
	}
	monthCol := Column{Name: "month", Title: "Mês", Format: "month"}
	var trendRows, compRows [][]any
	for i, m := range months {
		trendRows = append(trendRows, []any{m, 1.1e9 + float64(i)*0.12e9, 0.8e9 + float64(i%5)*0.09e9})
		compRows = append(compRows, []any{m, 300e6 + float64(i)*10e6, 200e6 + float64(i%3)*25e6, 120e6})
	}
	ufs := []string{"SP", "MG", "RJ", "PR", "RS", "SC", "BA", "GO"}
	cities := []string{"São José dos Campos", "Belo Horizonte", "Rio de Janeiro", "Foz do Iguaçu", "Santa Cruz do Sul", "Florianópolis", "Feira de Santana", "Aparecida de Goiânia"}
	var barRows, detailRows [][]any
	for i, uf := range ufs {
		barRows = append(barRows, []any{uf, 9.5e9 - float64(i)*1.1e9, 8.7e9 - float64(i)*0.9e9})
	}
	for i := 0; i < 24; i++ {
		detailRows = append(detailRows, []any{months[i%12], ufs[i%len(ufs)], cities[i%len(cities)], 1234567.891 * float64(i+1), int64(1000 + 37*i), 4.5 - float64(i)/10, 98765.4321 * float64(i+1), int64(120 * (i + 1)), 5.5e6 + float64(i)*1e5})
	}
	manifest := map[string]any{
		"report_id": "rep_0001",
		"template":  map[string]any{"name": "standard", "version": version},
		"format":    "pdf",
		"locale":    locale,
		"params":    map[string]any{"narrative": "Texto do analista."},
		"queries": []any{map[string]any{
			"id":       "trend",
			"dataset":  "comex_monthly",
			"sql":      "SELECT month, sum(vl_fob_usd) AS vl_fob_usd FROM marts.comex_monthly WHERE org_id = $1 AND month BETWEEN $2 AND $3 GROUP BY month ORDER BY month",
			"sql_hash": "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		}},
		"engine":     "duckdb",
		"renderer":   "pandoc",
		"timings_ms": map[string]any{"queries": 12.5},
	}
	mj, err := json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	wm := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	loc, _ := parseLocale(locale)
	period := FormatMonth(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), loc) + " – " + FormatMonth(time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), loc)
	return &Document{
		Template: tpl,
		Params:   map[string]any{"narrative": "Texto do analista com *asteriscos* e {{< meta mirante.locale >}} literal."},
		Locale:   locale,
		Title:    "Comércio exterior 2024",
		Subtitle: "Exportações e importações por UF",
		Filters: []Filter{
			{Label: "Período", Value: period},
			{Label: "UF", Value: "SP, MG, RJ, PR, RS, SC, BA, GO"},
		},
		Charts: []Chart{
			{
				ID: "trend", Caption: "Exportações e importações mensais", Type: Line,
				Columns: []Column{monthCol, {Name: "exp", Title: "Exportações", Unit: "USD", Format: "currency"}, {Name: "imp", Title: "Importações", Unit: "USD", Format: "currency"}},
				X:       "month", Series: []string{"exp", "imp"}, Rows: trendRows,
			},
			{
				ID: "comparison", Caption: "Exportações por UF", Type: Bar,
				Columns: []Column{{Name: "uf", Title: "UF", Format: "text"}, {Name: "y2023", Title: "2023", Unit: "USD", Format: "currency"}, {Name: "y2024", Title: "2024", Unit: "USD", Format: "currency"}},
				X:       "uf", Series: []string{"y2023", "y2024"}, Rows: barRows,
			},
			{
				ID: "composition", Caption: "Composição das exportações por natureza da carga", Type: StackedBar,
				Columns: []Column{monthCol, {Name: "granel", Title: "Granel sólido", Unit: "t", Format: "number"}, {Name: "liquido", Title: "Granel líquido", Unit: "t", Format: "number"}, {Name: "geral", Title: "Carga geral", Unit: "t", Format: "number"}},
				X:       "month", Series: []string{"granel", "liquido", "geral"}, Rows: compRows,
			},
		},
		Tables: []Table{
			{
				ID: "summary", Caption: "Totais por UF",
				Columns: []Column{{Name: "uf", Title: "UF", Format: "text"}, {Name: "exp", Title: "Exportações (US$)", Unit: "USD", Format: "currency"}, {Name: "share", Title: "Participação", Unit: "%", Format: "percent"}},
				Rows:    [][]any{{"SP", 1234.56, 31.25}, {"MG", 987654.321, 20.5}, {"RJ", nil, 0.0}},
			},
			{
				ID: "detail", Caption: "Detalhamento mensal",
				Columns: []Column{
					monthCol, {Name: "uf", Title: "UF", Format: "text"}, {Name: "city", Title: "Município", Format: "text"},
					{Name: "pib", Title: "Valor (R$)", Unit: "BRL", Format: "currency"}, {Name: "n", Title: "Atracações", Format: "integer"},
					{Name: "yoy", Title: "Variação", Unit: "%", Format: "percent"}, {Name: "t", Title: "Toneladas", Unit: "t", Format: "number"},
					{Name: "teu", Title: "TEU", Unit: "TEU", Format: "integer"}, {Name: "fob", Title: "Exportações (US$)", Unit: "USD", Format: "currency"},
				},
				Rows: detailRows,
			},
		},
		Watermarks: []Watermark{{Dataset: "comex_monthly", Title: "Comércio exterior mensal (Comex Stat)", At: wm}},
		Sources: []SourceNote{
			{Dataset: "comex_monthly", Title: "Comércio exterior mensal (Comex Stat)", Source: "Comex Stat", Owner: "MDIC/SECEX", Watermark: wm},
			{Dataset: "antaq_monthly", Title: "Movimentação portuária mensal (ANTAQ)", Source: "ANTAQ Estatístico Aquaviário", Owner: "ANTAQ", Watermark: wm, Synthetic: true},
		},
		Manifest: mj,
	}
}
