package delim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// DecimalMark says which character separates a number's decimals; the
// other one, where it occurs, groups thousands.
type DecimalMark byte

// The two marks of the official files: SIDRA CSV(BR), FINBRA, CAGED and
// ANTAQ write "1.234,56"; SIDRA TSV and the BCB JSON write "1234.56".
const (
	Comma DecimalMark = ','
	Point DecimalMark = '.'
)

// ErrNumber reports a value that is not a number in the expected format.
var ErrNumber = errors.New("not a number")

// ParseDecimal parses a decimal number written with the given mark, with an
// optional sign and optional thousands separators (which must group three
// digits). Surrounding spaces are ignored.
func ParseDecimal(s string, mark DecimalMark) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrNumber)
	}
	thousands := byte('.')
	if mark == Point {
		thousands = ','
	}
	// Fast path: digits with at most a sign and the decimal mark.
	if strings.IndexByte(s, thousands) < 0 {
		if mark == Comma {
			if i := strings.IndexByte(s, ','); i >= 0 {
				s = s[:i] + "." + s[i+1:]
			}
		}
		if !plainNumber(s) {
			return 0, fmt.Errorf("%w: %q", ErrNumber, s)
		}
		return strconv.ParseFloat(s, 64)
	}
	// With thousands separators: check the grouping, then drop them.
	intPart, frac := s, ""
	if i := strings.IndexByte(s, byte(mark)); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	sign := ""
	if intPart != "" && (intPart[0] == '-' || intPart[0] == '+') {
		sign, intPart = intPart[:1], intPart[1:]
	}
	groups := strings.Split(intPart, string(thousands))
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return 0, fmt.Errorf("%w: %q", ErrNumber, s)
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return 0, fmt.Errorf("%w: %q", ErrNumber, s)
		}
	}
	clean := sign + strings.Join(groups, "")
	if frac != "" {
		clean += "." + frac
	}
	if !plainNumber(clean) {
		return 0, fmt.Errorf("%w: %q", ErrNumber, s)
	}
	return strconv.ParseFloat(clean, 64)
}

// plainNumber accepts [sign] digits [. digits] only (no exponents, no
// "NaN" or "Inf", which strconv would take).
func plainNumber(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// ParseInt parses an integer, accepting a sign and surrounding spaces.
func ParseInt(s string) (int64, error) {
	// Bare digits, the metrics of every official file, are summed here: a
	// third of strconv's time. Eighteen digits cannot overflow.
	if len(s) > 0 && len(s) <= 18 {
		var n int64
		i := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int64(s[i]-'0')
		}
		if i == len(s) {
			return n, nil
		}
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrNumber, s)
	}
	return v, nil
}

// ParseSIDRA parses a SIDRA cell: "..." (not available), ".." (not
// applicable) and "X" (withheld) are NULL (ok false); "-" is an absolute
// zero; anything else is a number with the given mark.
func ParseSIDRA(s string, mark DecimalMark) (v float64, ok bool, err error) {
	switch strings.TrimSpace(s) {
	case "...", "..", "X", "":
		return 0, false, nil
	case "-":
		return 0, true, nil
	}
	v, err = ParseDecimal(s, mark)
	return v, err == nil, err
}

// Digits reports whether s is made of ASCII digits only (and is not empty).
func Digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Code returns a numeric code as text, left-padded with zeros to width (a
// code that lost its leading zeros in a spreadsheet), after trimming
// spaces; ok is false when it is not made of digits or is wider.
func Code(s string, width int) (string, bool) {
	s = strings.TrimSpace(s)
	if !Digits(s) || len(s) > width {
		return s, false
	}
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s, true
}

// CodeNum reads a numeric code of at most width digits (width at most 18)
// as a number, after trimming spaces: the landing layer keeps such codes
// as integers, which DuckDB stores and compares far faster than text, and
// staging pads them back to width. ok is false when s is empty, not made of
// digits, or wider than width. It allocates nothing.
func CodeNum(s string, width int) (n int64, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > width || width > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// Name normalises a column or place name for matching: accents and case
// are dropped, compatibility characters decomposed (º becomes o), and every
// run of other characters becomes one underscore. "Código Município
// Completo" and "codigo_municipio_completo" match.
func Name(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte('_')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IBGECheckDigit computes the check digit of a 6-digit IBGE municipality
// code (the 7th digit of the full code): IBGE's modulus-10 rule with
// weights 1,2,1,2,1,2 where a product of two digits adds its digits.
func IBGECheckDigit(code6 string) (byte, bool) {
	if len(code6) != 6 || !Digits(code6) {
		return 0, false
	}
	sum := 0
	for i := 0; i < 6; i++ {
		p := int(code6[i]-'0') * (1 + i%2)
		sum += p/10 + p%10
	}
	return byte('0' + (10-sum%10)%10), true
}

// ibgeCheckExceptions are the municipalities whose 7th digit does not
// follow IBGE's check-digit rule (found against the DTB: a test keeps the
// list exact).
var ibgeCheckExceptions = map[string]string{
	"220191": "2201919", // Bom Princípio do Piauí
	"220198": "2201988", // Brejo do Piauí
	"220225": "2202251", // Canavieira
	"261153": "2611533", // Quixaba
	"311783": "3117836", // Cônego Marinho
	"315213": "3152131", // Ponto Chique
	"430587": "4305871", // Coronel Barros
	"520393": "5203939", // Buriti de Goiás
	"520396": "5203962", // Buritinópolis
}

// IBGECode7 completes a 6-digit IBGE municipality code (CAGED's) with its
// check digit, using the known exceptions to the rule. The territorial
// table stays the reference: loaders map through it, and this function is
// the fallback and the cross-check.
func IBGECode7(code6 string) (string, bool) {
	if c, ok := ibgeCheckExceptions[code6]; ok {
		return c, true
	}
	d, ok := IBGECheckDigit(code6)
	if !ok {
		return "", false
	}
	return code6 + string(d), true
}
