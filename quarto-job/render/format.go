package render

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Locale selects number, date and label conventions.
type Locale string

// The supported locales. English follows en-US conventions (1,234.56 and
// 11/28/2026); Portuguese follows Brazil (1.234,56 and 28/11/2026).
const (
	PtBR Locale = "pt-BR"
	En   Locale = "en"
)

// parseLocale maps the document's locale (empty means pt-BR) to a Locale.
func parseLocale(s string) (Locale, error) {
	switch strings.ToLower(s) {
	case "", "pt-br", "pt_br", "pt":
		return PtBR, nil
	case "en", "en-us", "en_us":
		return En, nil
	}
	return "", fmt.Errorf("unsupported locale %q (want pt-BR or en)", s)
}

// norm folds anything that is not English to pt-BR, so the helpers never fail.
func (l Locale) norm() Locale {
	if p, err := parseLocale(string(l)); err == nil {
		return p
	}
	return PtBR
}

func (l Locale) separators() (group, decimal string) {
	if l.norm() == En {
		return ",", "."
	}
	return ".", ","
}

// missing is what a cell without a value shows.
const missing = "–"

// FormatNumber formats v with the given decimals and the locale's separators:
// 1.234,56 (pt-BR) or 1,234.56 (en).
func FormatNumber(v float64, decimals int, loc Locale) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	if decimals < 0 {
		decimals = 0
	}
	group, dec := loc.separators()
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// FormatInteger formats a whole number with thousands separators.
func FormatInteger(v int64, loc Locale) string {
	return FormatNumber(float64(v), 0, loc)
}

// currencySymbol is the sign shown before amounts in code's currency.
func currencySymbol(code string) string {
	switch strings.ToUpper(code) {
	case "", "BRL":
		return "R$"
	case "USD":
		return "US$"
	case "EUR":
		return "€"
	}
	return strings.ToUpper(code)
}

// FormatCurrency formats an amount with two decimals: R$ 1.234,56 and
// US$ 1.234,56 in pt-BR, R$ 1,234.56 and US$ 1,234.56 in en. Negative amounts
// put the sign first (-R$ 10,00).
func FormatCurrency(v float64, currency string, loc Locale) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	n := FormatNumber(math.Abs(v), 2, loc)
	sign := ""
	if v < 0 && strings.Trim(n, "0.,") != "" {
		sign = "-"
	}
	return sign + currencySymbol(currency) + " " + n
}

// FormatPercent formats a value already in percentage points: 4.5 is
// 4,50% (pt-BR) or 4.50% (en), as the catalog stores IPCA changes.
func FormatPercent(v float64, decimals int, loc Locale) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	return FormatNumber(v, decimals, loc) + "%"
}

type scale struct {
	factor float64
	pt, en string
}

var scales = []scale{
	{1e12, "tri", "T"},
	{1e9, "bi", "B"},
	{1e6, "mi", "M"},
	{1e3, "mil", "K"},
}

// pickScale returns the largest abbreviation at or below |v| (nil below a
// thousand).
func pickScale(v float64) *scale {
	a := math.Abs(v)
	for i := range scales {
		if a >= scales[i].factor*0.9995 {
			return &scales[i]
		}
	}
	return nil
}

func (s *scale) suffix(loc Locale) string {
	if s == nil {
		return ""
	}
	if loc.norm() == En {
		return s.en
	}
	return " " + s.pt
}

// FormatCompact abbreviates large numbers: 1,2 bi, 3,4 mi, 12 mil (pt-BR);
// 1.2B, 3.4M, 12K (en).
func FormatCompact(v float64, loc Locale) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	s := pickScale(v)
	if s == nil {
		dec := 0
		if v != math.Trunc(v) {
			dec = 2
		}
		return trimZeros(FormatNumber(v, dec, loc), loc)
	}
	x := v / s.factor
	dec := 1
	if math.Abs(x) >= 100 {
		dec = 0
	}
	return trimZeros(FormatNumber(x, dec, loc), loc) + s.suffix(loc)
}

// FormatCompactCurrency abbreviates an amount: R$ 1,2 bi (pt-BR), R$ 1.2B
// (en).
func FormatCompactCurrency(v float64, currency string, loc Locale) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	c := FormatCompact(math.Abs(v), loc)
	sign := ""
	if v < 0 && strings.Trim(c, "0.,") != "" {
		sign = "-"
	}
	return sign + currencySymbol(currency) + " " + c
}

// trimZeros drops a fraction of zeros: 1,0 → 1.
func trimZeros(s string, loc Locale) string {
	_, dec := loc.separators()
	i := strings.LastIndex(s, dec)
	if i < 0 {
		return s
	}
	frac := strings.TrimRight(s[i+1:], "0")
	if frac == "" {
		return s[:i]
	}
	return s[:i+1] + frac
}

var (
	// Brazilian abbreviations end in a period; "maio" is short already.
	monthsPt = [...]string{"jan.", "fev.", "mar.", "abr.", "maio", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."}
	monthsEn = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// FormatDate formats a day: 28/11/2026 (pt-BR) or 11/28/2026 (en, US style).
func FormatDate(t time.Time, loc Locale) string {
	if t.IsZero() {
		return missing
	}
	if loc.norm() == En {
		return t.Format("01/02/2006")
	}
	return t.Format("02/01/2006")
}

// FormatPeriod writes a watermark at its grain: a month as FormatMonth, a
// year as 2024, anything else as a day.
func FormatPeriod(t time.Time, grain string, loc Locale) string {
	switch {
	case t.IsZero():
		return missing
	case grain == "month":
		return FormatMonth(t, loc)
	case grain == "year":
		return t.Format("2006")
	}
	return FormatDate(t, loc)
}

// nbsp joins a period's words, so a table cell or axis label never wraps
// "jan. 2024" over two lines.
const nbsp = "\u00a0"

// FormatMonth formats a month: jan. 2024 (pt-BR) or Jan 2024 (en).
func FormatMonth(t time.Time, loc Locale) string {
	if t.IsZero() {
		return missing
	}
	if loc.norm() == En {
		return monthsEn[t.Month()-1] + nbsp + strconv.Itoa(t.Year())
	}
	return monthsPt[t.Month()-1] + nbsp + strconv.Itoa(t.Year())
}

// FormatQuarter formats a quarter: 1º tri. 2024 (pt-BR) or Q1 2024 (en).
func FormatQuarter(t time.Time, loc Locale) string {
	if t.IsZero() {
		return missing
	}
	q := (int(t.Month())-1)/3 + 1
	if loc.norm() == En {
		return "Q" + strconv.Itoa(q) + nbsp + strconv.Itoa(t.Year())
	}
	return strconv.Itoa(q) + "º" + nbsp + "tri." + nbsp + strconv.Itoa(t.Year())
}

var quarterKey = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)

// FormatPeriodKey writes a period as a spec names it (2024-01, 2024-Q1,
// 2024, 2024-01-31) for people: jan. 2024, 1º tri. 2024, 2024, 31/01/2024;
// anything else as given.
func FormatPeriodKey(key string, loc Locale) string {
	key = strings.TrimSpace(key)
	if m := quarterKey.FindStringSubmatch(key); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		return FormatQuarter(time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC), loc)
	}
	if t, err := time.Parse("2006-01", key); err == nil {
		return FormatMonth(t, loc)
	}
	if t, err := time.Parse("2006-01-02", key); err == nil {
		return FormatDate(t, loc)
	}
	return key
}

// parseTime reads the date-like values results carry: time.Time or strings
// such as 2024-01-01, 2024-01 or RFC 3339.
func parseTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, !x.IsZero()
	case string:
		for _, layout := range []string{"2006-01-02", "2006-01", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, strings.TrimSpace(x)); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// toFloat reads numeric values.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// guessFormat picks a format for a column that does not name one.
func guessFormat(col Column, v any) string {
	if col.Format != "" {
		return col.Format
	}
	switch v.(type) {
	case float64, float32:
		switch strings.ToUpper(col.Unit) {
		case "BRL", "USD", "EUR":
			return "currency"
		case "%":
			return "percent"
		}
		return "number"
	case int, int64, int32:
		return "integer"
	case time.Time:
		return "date"
	}
	return "text"
}

// FormatValue formats one value of a column for display: tables use it for
// every cell.
func FormatValue(v any, col Column, loc Locale) string {
	if v == nil {
		return missing
	}
	switch guessFormat(col, v) {
	case "month":
		if t, ok := parseTime(v); ok {
			return FormatMonth(t, loc)
		}
	case "quarter":
		if t, ok := parseTime(v); ok {
			return FormatQuarter(t, loc)
		}
	case "date":
		if t, ok := parseTime(v); ok {
			return FormatDate(t, loc)
		}
	case "year":
		if f, ok := toFloat(v); ok {
			return strconv.FormatInt(int64(math.Round(f)), 10)
		}
		if t, ok := parseTime(v); ok {
			return strconv.Itoa(t.Year())
		}
	case "integer":
		if f, ok := toFloat(v); ok {
			return FormatNumber(math.Round(f), 0, loc)
		}
	case "number", "decimal":
		if f, ok := toFloat(v); ok {
			return FormatNumber(f, 2, loc)
		}
	case "percent":
		if f, ok := toFloat(v); ok {
			return FormatPercent(f, 2, loc)
		}
	case "currency":
		if f, ok := toFloat(v); ok {
			unit := col.Unit
			if unit == "" {
				unit = "BRL"
			}
			return FormatCurrency(f, unit, loc)
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return FormatDate(x, loc)
	case float64:
		return FormatNumber(x, 2, loc)
	}
	return fmt.Sprint(v)
}
