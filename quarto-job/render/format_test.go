package render

import (
	"math"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/warehouse"
)

func TestFormatHelpers(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 28, 15, 4, 0, 0, time.UTC)
	cases := []struct {
		name string
		got  func(Locale) string
		pt   string
		en   string
	}{
		{"number", func(l Locale) string { return FormatNumber(1234.56, 2, l) }, "1.234,56", "1,234.56"},
		{"number millions", func(l Locale) string { return FormatNumber(-1234567.891, 2, l) }, "-1.234.567,89", "-1,234,567.89"},
		{"number rounds away minus zero", func(l Locale) string { return FormatNumber(-0.001, 2, l) }, "0,00", "0.00"},
		{"number small", func(l Locale) string { return FormatNumber(999, 0, l) }, "999", "999"},
		{"number NaN", func(l Locale) string { return FormatNumber(math.NaN(), 2, l) }, "–", "–"},
		{"integer", func(l Locale) string { return FormatInteger(1234567, l) }, "1.234.567", "1,234,567"},
		{"currency BRL", func(l Locale) string { return FormatCurrency(1234.56, "BRL", l) }, "R$ 1.234,56", "R$ 1,234.56"},
		{"currency USD", func(l Locale) string { return FormatCurrency(1234.56, "USD", l) }, "US$ 1.234,56", "US$ 1,234.56"},
		{"currency negative", func(l Locale) string { return FormatCurrency(-10, "BRL", l) }, "-R$ 10,00", "-R$ 10.00"},
		{"percent", func(l Locale) string { return FormatPercent(4.5, 2, l) }, "4,50%", "4.50%"},
		{"compact billions", func(l Locale) string { return FormatCompact(1.234e9, l) }, "1,2 bi", "1.2B"},
		{"compact millions", func(l Locale) string { return FormatCompact(3.45e6, l) }, "3,5 mi", "3.5M"},
		{"compact thousands", func(l Locale) string { return FormatCompact(12000, l) }, "12 mil", "12K"},
		{"compact hundreds of billions", func(l Locale) string { return FormatCompact(456.7e9, l) }, "457 bi", "457B"},
		{"compact rounds up a scale", func(l Locale) string { return FormatCompact(999_999_999, l) }, "1 bi", "1B"},
		{"compact small", func(l Locale) string { return FormatCompact(12.5, l) }, "12,5", "12.5"},
		{"compact currency", func(l Locale) string { return FormatCompactCurrency(1.2e9, "BRL", l) }, "R$ 1,2 bi", "R$ 1.2B"},
		{"compact currency negative", func(l Locale) string { return FormatCompactCurrency(-3.4e6, "USD", l) }, "-US$ 3,4 mi", "-US$ 3.4M"},
		{"date", func(l Locale) string { return FormatDate(day, l) }, "28/11/2026", "11/28/2026"},
		{"month", func(l Locale) string { return FormatMonth(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), l) }, "jan.\u00a02024", "Jan\u00a02024"},
		{"month feb", func(l Locale) string { return FormatMonth(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), l) }, "fev.\u00a02024", "Feb\u00a02024"},
		{"quarter", func(l Locale) string { return FormatQuarter(time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), l) }, "3º\u00a0tri.\u00a02024", "Q3\u00a02024"},
		{"value month string", func(l Locale) string { return FormatValue("2024-05-01", Column{Format: "month"}, l) }, "maio\u00a02024", "May\u00a02024"},
		{"value year not grouped", func(l Locale) string { return FormatValue(int64(2024), Column{Format: "year"}, l) }, "2024", "2024"},
		{"value currency default BRL", func(l Locale) string { return FormatValue(1234.5, Column{Format: "currency"}, l) }, "R$ 1.234,50", "R$ 1,234.50"},
		{"value guessed USD", func(l Locale) string { return FormatValue(1234.5, Column{Unit: "USD"}, l) }, "US$ 1.234,50", "US$ 1,234.50"},
		{"value guessed integer", func(l Locale) string { return FormatValue(int64(1234), Column{}, l) }, "1.234", "1,234"},
		{"value nil", func(l Locale) string { return FormatValue(nil, Column{Format: "number"}, l) }, "–", "–"},
		{"value text", func(l Locale) string { return FormatValue("São Paulo", Column{Format: "text"}, l) }, "São Paulo", "São Paulo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.got(PtBR); got != tc.pt {
				t.Errorf("pt-BR: got %q, want %q", got, tc.pt)
			}
			if got := tc.got(En); got != tc.en {
				t.Errorf("en: got %q, want %q", got, tc.en)
			}
		})
	}
}

func TestParseLocale(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Locale{"": PtBR, "pt-BR": PtBR, "pt": PtBR, "en": En, "en-US": En} {
		got, err := parseLocale(in)
		if err != nil || got != want {
			t.Errorf("parseLocale(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := parseLocale("fr"); err == nil {
		t.Error("parseLocale(fr) succeeded, want an error")
	}
}

func TestFormatForColumn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		col  warehouse.Column
		want string
	}{
		{warehouse.Column{Type: "month"}, "month"},
		{warehouse.Column{Type: "year"}, "year"},
		{warehouse.Column{Type: "integer", Unit: "jobs"}, "integer"},
		{warehouse.Column{Type: "number", Unit: "BRL"}, "currency"},
		{warehouse.Column{Type: "number", Unit: "USD"}, "currency"},
		{warehouse.Column{Type: "number", Unit: "%"}, "percent"},
		{warehouse.Column{Type: "number", Unit: "t"}, "number"},
		{warehouse.Column{Type: "string"}, "text"},
	}
	for _, tc := range cases {
		if got := FormatForColumn(tc.col); got != tc.want {
			t.Errorf("FormatForColumn(%+v) = %q, want %q", tc.col, got, tc.want)
		}
	}
	res := &warehouse.Result{
		Columns: []warehouse.Column{{Name: "month", Type: "month"}, {Name: "pib_brl", Type: "number", Unit: "BRL"}},
		Rows:    [][]any{{"2024-01-01", 1234.5}},
	}
	tbl := TableFromResult("t1", "Caption", res, map[string]string{"pib_brl": "PIB (R$)"})
	if tbl.Columns[1].Title != "PIB (R$)" || tbl.Columns[1].Format != "currency" || tbl.Columns[0].Title != "" || len(tbl.Rows) != 1 {
		t.Errorf("TableFromResult = %+v", tbl)
	}
	md := string(tableMarkdown(tbl, PtBR))
	for _, want := range []string{"| jan.\u00a02024 | R\\$ 1.234,50 |", "| month | PIB (R\\$) |", ": Caption {#tbl-t1}"} {
		if !contains(md, want) {
			t.Errorf("table markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestEscapeInline(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"*bold* and _it_", `\*bold\* and \_it\_`},
		{"{{< meta x >}}", `\{\{\< meta x \>\}\}`},
		{"see @fig-a", `see \@fig-a`},
		{"a | b", `a \| b`},
		{"- not a list", `\- not a list`},
		{"1. not a list", `1\. not a list`},
		{"1.234,56", "1.234,56"},
		{"R$ 10", `R\$ 10`},
		{"two\nlines", "two lines"},
	}
	for _, tc := range cases {
		if got := escapeInline(tc.in); got != tc.want {
			t.Errorf("escapeInline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A spec's period keys read as people write them, in each language.
func TestFormatPeriodKey(t *testing.T) {
	for _, c := range []struct{ key, pt, en string }{
		{"2024-01", "jan.\u00a02024", "Jan\u00a02024"},
		{"2024-Q1", "1º\u00a0tri.\u00a02024", "Q1\u00a02024"},
		{"2024-Q4", "4º\u00a0tri.\u00a02024", "Q4\u00a02024"},
		{"2024", "2024", "2024"},
		{"2024-12-31", "31/12/2024", "12/31/2024"},
		{"soon", "soon", "soon"},
	} {
		if got := FormatPeriodKey(c.key, PtBR); got != c.pt {
			t.Errorf("pt-BR %s: %q, want %q", c.key, got, c.pt)
		}
		if got := FormatPeriodKey(c.key, En); got != c.en {
			t.Errorf("en %s: %q, want %q", c.key, got, c.en)
		}
	}
}
