// Package territory holds Brazil's 27 federative units (the 26 states and the
// Federal District) and its five major regions as IBGE codes them. It is the
// one table of them in the module; every other package reads it here.
package territory

// Region is one of IBGE's five grandes regiões.
type Region struct {
	Code int    // 1 to 5, the first digit of its UFs' codes
	Name string // pt-BR, as IBGE writes it
}

// State is one federative unit.
type State struct {
	Code    string // two-digit IBGE code, "11" to "53"
	Sigla   string // two upper-case letters
	Name    string // pt-BR, as IBGE writes it
	Capital string // seven-digit IBGE code of the capital municipality
}

// regions are in IBGE code order: regions[i].Code == i+1.
var regions = []Region{
	{1, "Norte"},
	{2, "Nordeste"},
	{3, "Sudeste"},
	{4, "Sul"},
	{5, "Centro-Oeste"},
}

// states are in IBGE code order.
var states = []State{
	{"11", "RO", "Rondônia", "1100205"},
	{"12", "AC", "Acre", "1200401"},
	{"13", "AM", "Amazonas", "1302603"},
	{"14", "RR", "Roraima", "1400100"},
	{"15", "PA", "Pará", "1501402"},
	{"16", "AP", "Amapá", "1600303"},
	{"17", "TO", "Tocantins", "1721000"},
	{"21", "MA", "Maranhão", "2111300"},
	{"22", "PI", "Piauí", "2211001"},
	{"23", "CE", "Ceará", "2304400"},
	{"24", "RN", "Rio Grande do Norte", "2408102"},
	{"25", "PB", "Paraíba", "2507507"},
	{"26", "PE", "Pernambuco", "2611606"},
	{"27", "AL", "Alagoas", "2704302"},
	{"28", "SE", "Sergipe", "2800308"},
	{"29", "BA", "Bahia", "2927408"},
	{"31", "MG", "Minas Gerais", "3106200"},
	{"32", "ES", "Espírito Santo", "3205309"},
	{"33", "RJ", "Rio de Janeiro", "3304557"},
	{"35", "SP", "São Paulo", "3550308"},
	{"41", "PR", "Paraná", "4106902"},
	{"42", "SC", "Santa Catarina", "4205407"},
	{"43", "RS", "Rio Grande do Sul", "4314902"},
	{"50", "MS", "Mato Grosso do Sul", "5002704"},
	{"51", "MT", "Mato Grosso", "5103403"},
	{"52", "GO", "Goiás", "5208707"},
	{"53", "DF", "Distrito Federal", "5300108"},
}

var bySigla, byCode = func() (map[string]State, map[string]State) {
	s, c := make(map[string]State, len(states)), make(map[string]State, len(states))
	for _, u := range states {
		s[u.Sigla], c[u.Code] = u, u
	}
	return s, c
}()

// Region is the major region the state belongs to.
func (s State) Region() Region { return regions[s.Code[0]-'1'] }

// States returns the 27 federative units in IBGE code order (a fresh copy).
func States() []State { return append([]State(nil), states...) }

// Regions returns the five major regions in IBGE code order (a fresh copy).
func Regions() []Region { return append([]Region(nil), regions...) }

// RegionNames returns the five regions' names in IBGE code order.
func RegionNames() []string {
	names := make([]string, len(regions))
	for i, r := range regions {
		names[i] = r.Name
	}
	return names
}

// IsRegion reports whether name is exactly one of the five regions' names.
func IsRegion(name string) bool {
	for _, r := range regions {
		if r.Name == name {
			return true
		}
	}
	return false
}

// BySigla finds a state by its two letters (upper case, exactly).
func BySigla(sigla string) (State, bool) {
	u, ok := bySigla[sigla]
	return u, ok
}

// ByCode finds a state by its two-digit IBGE code.
func ByCode(code string) (State, bool) {
	u, ok := byCode[code]
	return u, ok
}

// RegionOf is the name of the region of the state with these two letters,
// or "" when they name no state.
func RegionOf(sigla string) string {
	u, ok := bySigla[sigla]
	if !ok {
		return ""
	}
	return u.Region().Name
}

// OfMunicipio finds the state an IBGE municipality code belongs to: the UF
// whose code its first two digits are. It looks at the prefix only; the
// rest of the code is not checked.
func OfMunicipio(code string) (State, bool) {
	if len(code) < 2 {
		return State{}, false
	}
	return ByCode(code[:2])
}
