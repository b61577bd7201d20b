package synthetic

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The typed-in facts checked against the official tables that come with the
// repository's surroundings (../shared/data, read here and nowhere else).

const dataDir = "../../../shared/data"

func sharedData(t *testing.T, parts ...string) string {
	t.Helper()
	if _, err := os.Stat(dataDir); os.IsNotExist(err) {
		t.Skipf("%s is absent", dataDir)
	}
	return filepath.Join(append([]string{dataDir}, parts...)...)
}

// readTable reads a delimited file into maps by header name. It handles
// ISO-8859-1, a UTF-8 byte-order mark, and the stray carriage return the
// Comex Stat web exports put after each opening quote.
func readTable(t *testing.T, path string, sep rune, latin1 bool) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if latin1 {
		var u []byte
		for _, c := range b {
			u = utf8.AppendRune(u, rune(c))
		}
		b = u
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = sep
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	var header []string
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.Trim(rec[i], "\r"))
		}
		if header == nil {
			header = rec
			continue
		}
		m := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no rows", path)
	}
	return out
}

// fold lowers case, drops accents and final periods, and squeezes spaces,
// so names compare across the official files' spelling variants.
func fold(s string) string {
	r := strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o", "õ", "o", "ú", "u", "ü", "u", "ç", "c")
	s = r.Replace(strings.ToLower(s))
	return strings.TrimSuffix(strings.Join(strings.Fields(s), " "), ".")
}

func TestFactsStates(t *testing.T) {
	rows := readTable(t, sharedData(t, "ibge_municipios", "kelvins_estados.csv"), ',', false)
	byCode := map[string]map[string]string{}
	for _, r := range rows {
		byCode[r["codigo_uf"]] = r
	}
	if len(ufs) != 27 || len(byCode) != 27 {
		t.Fatalf("%d states typed in, %d in the file; want 27", len(ufs), len(byCode))
	}
	for _, u := range ufs {
		r, ok := byCode[u.code]
		if !ok {
			t.Errorf("state code %s (%s) not in the IBGE table", u.code, u.abbr)
			continue
		}
		if r["uf"] != u.abbr || r["nome"] != u.name || r["regiao"] != u.region {
			t.Errorf("state %s: typed %s/%s/%s, IBGE %s/%s/%s", u.code, u.abbr, u.name, u.region, r["uf"], r["nome"], r["regiao"])
		}
	}
}

func TestFactsMunicipalities(t *testing.T) {
	kelvins := map[string]map[string]string{}
	capitals := 0
	for _, r := range readTable(t, sharedData(t, "ibge_municipios", "kelvins_municipios.csv"), ',', false) {
		kelvins[r["codigo_ibge"]] = r
		if r["capital"] == "1" {
			capitals++
		}
	}
	dtb := map[string]map[string]string{}
	for _, r := range readTable(t, sharedData(t, "ibge_municipios", "ibge_dtb_relatorio_municipio.csv"), ',', false) {
		dtb[r["Código Município Completo"]] = r
	}
	typedCapitals := 0
	for _, mu := range municipalities {
		u := ufs[ufIndex[mu.uf]]
		if mu.capital {
			typedCapitals++
		}
		k, ok := kelvins[mu.code]
		if !ok {
			t.Errorf("%s %s is not a municipality code", mu.code, mu.name)
			continue
		}
		if k["nome"] != mu.name || k["codigo_uf"] != u.code || (k["capital"] == "1") != mu.capital {
			t.Errorf("%s: typed %s-%s capital=%v, table %s (UF %s) capital=%s", mu.code, mu.name, mu.uf, mu.capital, k["nome"], k["codigo_uf"], k["capital"])
		}
		d, ok := dtb[mu.code]
		if !ok {
			t.Errorf("%s %s is not in the DTB", mu.code, mu.name)
			continue
		}
		if d["Nome_Município"] != mu.name || d["UF"] != u.code || d["Nome_UF"] != u.name {
			t.Errorf("%s: typed %s/%s/%s, DTB %s/%s/%s", mu.code, mu.name, u.code, u.name, d["Nome_Município"], d["UF"], d["Nome_UF"])
		}
		if mu.code[:2] != u.code {
			t.Errorf("%s does not start with its state code %s", mu.code, u.code)
		}
	}
	if typedCapitals != 27 || capitals != 27 {
		t.Errorf("%d capitals typed in, %d in the table; want 27", typedCapitals, capitals)
	}
	if len(municipalityIndex) != len(municipalities) {
		t.Errorf("a municipality code is typed in twice")
	}
}

func TestFactsCountries(t *testing.T) {
	pais := map[string]string{}
	for _, r := range readTable(t, sharedData(t, "comexstat", "tabelas_auxiliares", "PAIS.csv"), ';', true) {
		pais[r["CO_PAIS"]] = r["NO_PAIS"]
	}
	if len(countries) < 15 {
		t.Errorf("%d countries, want at least 15", len(countries))
	}
	for _, c := range countries {
		name, ok := pais[c.code]
		if !ok {
			t.Errorf("CO_PAIS %s (%s) is not in PAIS.csv", c.code, c.name)
		} else if name != c.name {
			t.Errorf("CO_PAIS %s: typed %q, PAIS.csv %q", c.code, c.name, name)
		}
	}
	for code, name := range map[string]string{"160": "China", "249": "Estados Unidos", "063": "Argentina", "573": "Países Baixos (Holanda)"} {
		if countries[countryIndex[code]].name != name {
			t.Errorf("partner %s (%s) missing", code, name)
		}
	}
	if len(countryIndex) != len(countries) {
		t.Errorf("a country code is typed in twice")
	}
}

func TestFactsNCM(t *testing.T) {
	ncm := map[string]map[string]string{}
	for _, r := range readTable(t, sharedData(t, "comexstat", "tabelas_auxiliares", "NCM.csv"), ';', true) {
		ncm[r["CO_NCM"]] = r
	}
	seen := map[string]bool{}
	for _, p := range products {
		if seen[p.ncm] {
			t.Errorf("NCM %s typed in twice", p.ncm)
		}
		seen[p.ncm] = true
		r, ok := ncm[p.ncm]
		if !ok {
			t.Errorf("NCM %s (%s) is not in NCM.csv", p.ncm, p.name)
			continue
		}
		if fold(r["NO_NCM_POR"]) != fold(p.name) {
			t.Errorf("NCM %s: typed %q, NCM.csv %q", p.ncm, p.name, r["NO_NCM_POR"])
		}
		if !strings.HasPrefix(r["CO_SH6"], p.sh4()) {
			t.Errorf("NCM %s: SH6 %s is not under SH4 %s", p.ncm, r["CO_SH6"], p.sh4())
		}
		if sh4Names[p.sh4()] == "" || sh2Names[p.sh2()] == "" {
			t.Errorf("NCM %s: no name for SH4 %s or SH2 %s", p.ncm, p.sh4(), p.sh2())
		}
		if p.exp.weight+p.imp.weight == 0 || p.usdPerKg <= 0 {
			t.Errorf("NCM %s is never traded or has no price", p.ncm)
		}
	}
	if len(products) < 30 {
		t.Errorf("%d NCM codes, want a few dozen", len(products))
	}
	// Lanes keep product, state and country as bytes.
	if len(products) > 255 || len(countries) > 255 || len(ufs) > 255 {
		t.Errorf("%d products, %d countries, %d states: too many for a lane", len(products), len(countries), len(ufs))
	}
}

// TestFactsHeadings checks the SH2 and SH4 names against the Comex Stat web
// exports: each typed name is the official one or its first clauses.
func TestFactsHeadings(t *testing.T) {
	sh2 := map[string]string{}
	for _, r := range readTable(t, sharedData(t, "comexstat", "web_consulta", "V_EXPORTACAO_GERAL_2019-01_2024-12_DT20250428.csv"), ';', false) {
		sh2[r["Código SH2"]] = r["Descrição SH2"]
	}
	for code, name := range sh2Names {
		official, ok := sh2[code]
		if !ok {
			t.Errorf("SH2 %s not in the export file", code)
			continue
		}
		if !strings.HasPrefix(fold(official), fold(name)) {
			t.Errorf("SH2 %s: typed %q, official %q", code, name, official)
		}
	}
	sh4 := map[string]string{}
	for _, r := range readTable(t, sharedData(t, "comexstat", "web_consulta", "comexstat_exp_sc_carnes_ncm_pais_2019_2024.csv"), ';', false) {
		sh4[r["Código SH4"]] = r["Descrição SH4"]
	}
	checked := 0
	for code, name := range sh4Names {
		official, ok := sh4[code]
		if !ok {
			continue // the sample holds meat headings only
		}
		checked++
		if !strings.HasPrefix(fold(official), fold(name)) {
			t.Errorf("SH4 %s: typed %q, official %q", code, name, official)
		}
	}
	if checked < 3 {
		t.Errorf("only %d SH4 names could be checked", checked)
	}
}
