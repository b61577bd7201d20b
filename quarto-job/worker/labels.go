package worker

import (
	"context"
	"fmt"

	"github.com/mirante/mirante/quarto-job/render"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/warehouse"
)

// enumLabels names the catalog's enum values in each report language; the
// SPA's builder.enumValues says the same. A value missing here is shown as
// its code.
var enumLabels = map[string][2]string{ // value: {pt-BR, en}
	"export":          {"Exportação", "Export"},
	"import":          {"Importação", "Import"},
	"longo_curso":     {"Longo curso", "Deep-sea"},
	"cabotagem":       {"Cabotagem", "Cabotage"},
	"interior":        {"Navegação interior", "Inland navigation"},
	"apoio_maritimo":  {"Apoio marítimo", "Offshore support"},
	"apoio_portuario": {"Apoio portuário", "Port support"},
	"granel_solido":   {"Granel sólido", "Dry bulk"},
	"granel_liquido":  {"Granel líquido", "Liquid bulk"},
	"carga_geral":     {"Carga geral", "General cargo"},
	"conteiner":       {"Contêiner", "Container"},
	"embarque":        {"Embarque", "Loading"},
	"desembarque":     {"Desembarque", "Unloading"},
}

// enumLabel is an enum value's name in the locale.
func enumLabel(v, locale string) string {
	l, ok := enumLabels[v]
	if !ok {
		return v
	}
	if locale == "en" {
		return l[1]
	}
	return l[0]
}

// columnTitles titles every column a result may carry in the locale: a
// dimension with a label column is titled "(código)" and its label column
// takes the dimension's title, so a table reads "NCM (código) | NCM".
func columnTitles(ds *semantic.Dataset, locale string) map[string]string {
	titles := map[string]string{}
	for _, d := range ds.Dimensions {
		titles[d.ID] = d.Title[locale]
		if d.Label != "" {
			titles[d.Label] = d.Title[locale]
			titles[d.ID] = d.Title[locale] + pick(locale == "en", " (código)", " (code)")
		}
	}
	for _, me := range ds.Measures {
		titles[me.ID] = me.Title[locale]
	}
	return titles
}

// namer names a code dimension's value (an NCM code → its description), ""
// when it cannot.
type namer func(field, code string) string

// maxNamedValues bounds the value lookups one filter costs.
const maxNamedValues = 10

// valueNamer names values through the catalog's label column, with the same
// scope, cache and budget as the API's value pickers.
func (w *Worker) valueNamer(ctx context.Context, ds *semantic.Dataset) namer {
	return func(field, code string) string {
		res, err := w.Query.Values(ctx, ds.ID, field, code, maxNamedValues)
		if err != nil {
			return ""
		}
		for _, r := range res.Rows {
			if len(r) > 1 && fmt.Sprint(r[0]) == code {
				if name, ok := r[1].(string); ok {
					return name
				}
			}
		}
		return ""
	}
}

// displayValue is a filter value as the report shows it: an enum's name, a
// code's name beside it ("0201 – Carnes bovinas"), a period as people write
// it, anything else as given.
func displayValue(ds *semantic.Dataset, field string, v any, locale string, name namer) string {
	s, ok := v.(string)
	if !ok {
		return render.FormatValue(v, render.Column{Format: "text"}, reportLocale(locale))
	}
	if d, ok := ds.Dimension(field); ok {
		switch {
		case d.Type == semantic.TypeEnum:
			return enumLabel(s, locale)
		case isTime(d.Type):
			return render.FormatPeriodKey(s, reportLocale(locale))
		case d.Label != "" && name != nil:
			if n := name(field, s); n != "" && n != s {
				return s + " – " + n
			}
		}
	}
	return s
}

func reportLocale(locale string) render.Locale {
	if locale == "en" {
		return render.En
	}
	return render.PtBR
}

// withEnumLabels is the result with its enum columns' codes replaced by their
// names; the result itself (perhaps cached) is not changed.
func withEnumLabels(res *query.Result, ds *semantic.Dataset, locale string) *query.Result {
	var enums []int
	for i, c := range res.Columns {
		if d, ok := ds.Dimension(c.Name); ok && c.Kind == "dimension" && d.Type == semantic.TypeEnum {
			enums = append(enums, i)
		}
	}
	if len(enums) == 0 {
		return res
	}
	out := *res
	out.Columns = append([]warehouse.Column(nil), res.Columns...)
	out.Rows = make([][]any, len(res.Rows))
	for r, row := range res.Rows {
		row = append([]any(nil), row...)
		for _, i := range enums {
			if s, ok := row[i].(string); ok {
				row[i] = enumLabel(s, locale)
			}
		}
		out.Rows[r] = row
	}
	return &out
}

// labelResults is withEnumLabels of every result.
func labelResults(results map[string]*query.Result, ds *semantic.Dataset, locale string) map[string]*query.Result {
	out := make(map[string]*query.Result, len(results))
	for id, res := range results {
		out[id] = withEnumLabels(res, ds, locale)
	}
	return out
}
