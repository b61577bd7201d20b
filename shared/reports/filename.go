package reports

import (
	"encoding/json"
	"strings"
)

// DownloadName is the file name a report downloads as: the org, the view's
// name (the report's title without one) and the period, as an ASCII slug,
// with the format's extension: porto-sul_exportacoes-por-uf_2024-01_2024-12.pdf.
// Parts that are missing are left out; the name is never empty.
func DownloadName(orgSlug string, r *Report) string {
	name := r.ViewName
	if name == "" {
		var p struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(r.Params, &p)
		name = p.Title
	}
	parts := []string{Slug(orgSlug), Slug(name)}
	var q struct {
		Time *struct {
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"time"`
	}
	if json.Unmarshal(r.Spec, &q) == nil && q.Time != nil {
		parts = append(parts, Slug(q.Time.From), Slug(q.Time.To))
	}
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		kept = []string{"mirante", "relatorio"}
	}
	base := strings.Join(kept, "_")
	if len(base) > 120 {
		base = strings.TrimRight(base[:120], "-_")
	}
	return base + "." + r.Format
}

// Slug is s in lower-case ASCII letters, digits and single hyphens: accents
// dropped (Exportações → exportacoes), everything else a separator.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if a, ok := unaccented[r]; ok {
			r = a
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}

// unaccented folds the accented letters of Portuguese (and a few more).
var unaccented = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{'a': "áàâãäå", 'e': "éèêë", 'i': "íìîï", 'o': "óòôõö", 'u': "úùûü", 'c': "ç", 'n': "ñ", 'y': "ýÿ"} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
