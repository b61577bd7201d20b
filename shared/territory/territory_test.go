package territory

import (
	"regexp"
	"strings"
	"testing"
)

// IBGE publishes 27 federative units in five regions: Norte 7, Nordeste 9,
// Sudeste 4, Sul 3, Centro-Oeste 4 (the Federal District counted there).
func TestCounts(t *testing.T) {
	if n := len(States()); n != 27 {
		t.Fatalf("%d states, want 27", n)
	}
	if n := len(Regions()); n != 5 {
		t.Fatalf("%d regions, want 5", n)
	}
	want := map[string]int{"Norte": 7, "Nordeste": 9, "Sudeste": 4, "Sul": 3, "Centro-Oeste": 4}
	got := map[string]int{}
	for _, s := range States() {
		got[s.Region().Name]++
	}
	for r, n := range want {
		if got[r] != n {
			t.Errorf("%s: %d states, want %d", r, got[r], n)
		}
	}
	if strings.Join(RegionNames(), ",") != "Norte,Nordeste,Sudeste,Sul,Centro-Oeste" {
		t.Errorf("regions %v, want IBGE code order", RegionNames())
	}
}

// Every code is two digits from 11 to 53, unique, in ascending order; every
// sigla is two upper-case letters, unique; every capital lies in its state.
func TestTableShape(t *testing.T) {
	sigla, code, capital := regexp.MustCompile(`^[A-Z]{2}$`), regexp.MustCompile(`^[1-5][0-9]$`), regexp.MustCompile(`^[1-5][0-9]{6}$`)
	seen := map[string]bool{}
	prev := ""
	for _, s := range States() {
		if !code.MatchString(s.Code) || s.Code < "11" || s.Code > "53" || s.Code <= prev {
			t.Errorf("%s: code %q out of range or order (after %q)", s.Sigla, s.Code, prev)
		}
		prev = s.Code
		if !sigla.MatchString(s.Sigla) || seen[s.Sigla] {
			t.Errorf("%s: bad or repeated sigla", s.Sigla)
		}
		seen[s.Sigla] = true
		if !capital.MatchString(s.Capital) || s.Capital[:2] != s.Code {
			t.Errorf("%s: capital %q is not a municipality of code %s", s.Sigla, s.Capital, s.Code)
		}
		if s.Name == "" {
			t.Errorf("%s: no name", s.Sigla)
		}
	}
	if first, last := States()[0].Code, States()[26].Code; first != "11" || last != "53" {
		t.Errorf("codes run %s..%s, want 11..53", first, last)
	}
	for i, r := range Regions() {
		if r.Code != i+1 {
			t.Errorf("region %s has code %d, want %d", r.Name, r.Code, i+1)
		}
	}
}

func TestLookups(t *testing.T) {
	for _, c := range []struct {
		sigla, code, name, region string
		regionCode                int
	}{
		{"RO", "11", "Rondônia", "Norte", 1},
		{"TO", "17", "Tocantins", "Norte", 1},
		{"MA", "21", "Maranhão", "Nordeste", 2},
		{"BA", "29", "Bahia", "Nordeste", 2},
		{"MG", "31", "Minas Gerais", "Sudeste", 3},
		{"SP", "35", "São Paulo", "Sudeste", 3},
		{"PR", "41", "Paraná", "Sul", 4},
		{"RS", "43", "Rio Grande do Sul", "Sul", 4},
		{"MS", "50", "Mato Grosso do Sul", "Centro-Oeste", 5},
		{"DF", "53", "Distrito Federal", "Centro-Oeste", 5},
	} {
		s, ok := BySigla(c.sigla)
		if !ok || s.Code != c.code || s.Name != c.name || s.Region() != (Region{c.regionCode, c.region}) {
			t.Errorf("BySigla(%s) = %+v (region %+v), %v", c.sigla, s, s.Region(), ok)
		}
		if s2, ok := ByCode(c.code); !ok || s2 != s {
			t.Errorf("ByCode(%s) = %+v, %v; want %+v", c.code, s2, ok, s)
		}
		if r := RegionOf(c.sigla); r != c.region {
			t.Errorf("RegionOf(%s) = %q, want %q", c.sigla, r, c.region)
		}
		if !IsRegion(c.region) {
			t.Errorf("IsRegion(%q) = false", c.region)
		}
	}
}

func TestMisses(t *testing.T) {
	for _, sigla := range []string{"", "sp", "XX", "EX", "ND", "SPX"} {
		if s, ok := BySigla(sigla); ok {
			t.Errorf("BySigla(%q) = %+v", sigla, s)
		}
		if r := RegionOf(sigla); r != "" {
			t.Errorf("RegionOf(%q) = %q", sigla, r)
		}
	}
	for _, code := range []string{"", "1", "10", "18", "30", "34", "54", "99"} {
		if s, ok := ByCode(code); ok {
			t.Errorf("ByCode(%q) = %+v", code, s)
		}
	}
	for _, name := range []string{"", "norte", "Centro Oeste", "Brasil"} {
		if IsRegion(name) {
			t.Errorf("IsRegion(%q) = true", name)
		}
	}
}

func TestOfMunicipio(t *testing.T) {
	for _, c := range []struct{ code, sigla string }{
		{"3550308", "SP"}, // São Paulo
		{"1100205", "RO"}, // Porto Velho
		{"5300108", "DF"}, // Brasília
		{"35", "SP"},
		{"3450308", ""}, // 34 is no UF
		{"9", ""},
		{"", ""},
	} {
		s, ok := OfMunicipio(c.code)
		if ok != (c.sigla != "") || s.Sigla != c.sigla {
			t.Errorf("OfMunicipio(%q) = %q, %v; want %q", c.code, s.Sigla, ok, c.sigla)
		}
	}
}

// The accessors hand out copies: changing one does not change the table.
func TestCopies(t *testing.T) {
	States()[0].Sigla = "XX"
	Regions()[0].Name = "Elsewhere"
	if s, _ := ByCode("11"); States()[0].Sigla != "RO" || s.Sigla != "RO" || Regions()[0].Name != "Norte" {
		t.Fatal("the table changed through a copy")
	}
}
