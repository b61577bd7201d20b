package synthetic

import "github.com/mirante/mirante/shared/territory"

// The states come from shared/territory and the municipalities below are
// typed in from IBGE's published codes; the tests check every one against
// the territorial tables in ../shared/data.

// uf is a Brazilian state (or the Federal District).
type uf struct {
	code   string // two-digit IBGE code
	abbr   string // two letters
	name   string
	region string // Norte, Nordeste, Sudeste, Sul, Centro-Oeste
}

// ufs are the 27 federative units of shared/territory, in IBGE code order.
var ufs = func() []uf {
	var out []uf
	for _, s := range territory.States() {
		out = append(out, uf{code: s.Code, abbr: s.Sigla, name: s.Name, region: s.Region().Name})
	}
	return out
}()

// ufIndex maps the two letters to the position in ufs.
var ufIndex = func() map[string]int {
	m := make(map[string]int, len(ufs))
	for i, u := range ufs {
		m[u.abbr] = i
	}
	return m
}()

// municipality is one IBGE municipality with the two figures the generator
// scales everything else from: the 2022 census population (rounded) and an
// approximate 2021 GDP per capita in R$. Both are orders of magnitude, not
// official statistics.
type municipality struct {
	code      string // seven-digit IBGE code
	name      string
	uf        string
	capital   bool
	pop2022   float64
	pibpc2021 float64
}

// municipalities are the 27 capitals followed by large or port-related
// municipalities.
var municipalities = []municipality{
	{"1100205", "Porto Velho", "RO", true, 460_000, 37_000},
	{"1200401", "Rio Branco", "AC", true, 365_000, 26_000},
	{"1302603", "Manaus", "AM", true, 2_064_000, 49_000},
	{"1400100", "Boa Vista", "RR", true, 413_000, 32_000},
	{"1501402", "Belém", "PA", true, 1_303_000, 24_000},
	{"1600303", "Macapá", "AP", true, 443_000, 23_000},
	{"1721000", "Palmas", "TO", true, 303_000, 38_000},
	{"2111300", "São Luís", "MA", true, 1_038_000, 33_000},
	{"2211001", "Teresina", "PI", true, 866_000, 27_000},
	{"2304400", "Fortaleza", "CE", true, 2_429_000, 28_000},
	{"2408102", "Natal", "RN", true, 751_000, 27_000},
	{"2507507", "João Pessoa", "PB", true, 834_000, 26_000},
	{"2611606", "Recife", "PE", true, 1_489_000, 37_000},
	{"2704302", "Maceió", "AL", true, 958_000, 26_000},
	{"2800308", "Aracaju", "SE", true, 603_000, 29_000},
	{"2927408", "Salvador", "BA", true, 2_418_000, 25_000},
	{"3106200", "Belo Horizonte", "MG", true, 2_316_000, 46_000},
	{"3205309", "Vitória", "ES", true, 323_000, 76_000},
	{"3304557", "Rio de Janeiro", "RJ", true, 6_211_000, 56_000},
	{"3550308", "São Paulo", "SP", true, 11_451_000, 67_000},
	{"4106902", "Curitiba", "PR", true, 1_774_000, 55_000},
	{"4205407", "Florianópolis", "SC", true, 537_000, 48_000},
	{"4314902", "Porto Alegre", "RS", true, 1_333_000, 58_000},
	{"5002704", "Campo Grande", "MS", true, 898_000, 38_000},
	{"5103403", "Cuiabá", "MT", true, 651_000, 50_000},
	{"5208707", "Goiânia", "GO", true, 1_437_000, 39_000},
	{"5300108", "Brasília", "DF", true, 2_817_000, 93_000},

	{"1500800", "Ananindeua", "PA", false, 479_000, 14_000},
	{"1501303", "Barcarena", "PA", false, 127_000, 60_000},
	{"1506807", "Santarém", "PA", false, 332_000, 18_000},
	{"2105302", "Imperatriz", "MA", false, 273_000, 25_000},
	{"2408003", "Mossoró", "RN", false, 265_000, 25_000},
	{"2504009", "Campina Grande", "PB", false, 419_000, 24_000},
	{"2604106", "Caruaru", "PE", false, 378_000, 20_000},
	{"2607208", "Ipojuca", "PE", false, 99_000, 100_000},
	{"2607901", "Jaboatão dos Guararapes", "PE", false, 644_000, 25_000},
	{"2611101", "Petrolina", "PE", false, 387_000, 22_000},
	{"2905701", "Camaçari", "BA", false, 300_000, 90_000},
	{"2910800", "Feira de Santana", "BA", false, 616_000, 22_000},
	{"2933307", "Vitória da Conquista", "BA", false, 371_000, 22_000},
	{"3106705", "Betim", "MG", false, 412_000, 60_000},
	{"3118601", "Contagem", "MG", false, 622_000, 45_000},
	{"3136702", "Juiz de Fora", "MG", false, 541_000, 32_000},
	{"3143302", "Montes Claros", "MG", false, 414_000, 25_000},
	{"3170206", "Uberlândia", "MG", false, 713_000, 55_000},
	{"3205002", "Serra", "ES", false, 521_000, 50_000},
	{"3205200", "Vila Velha", "ES", false, 468_000, 30_000},
	{"3301009", "Campos dos Goytacazes", "RJ", false, 484_000, 50_000},
	{"3301702", "Duque de Caxias", "RJ", false, 808_000, 55_000},
	{"3302007", "Itaguaí", "RJ", false, 117_000, 70_000},
	{"3302403", "Macaé", "RJ", false, 246_000, 90_000},
	{"3303302", "Niterói", "RJ", false, 482_000, 70_000},
	{"3303500", "Nova Iguaçu", "RJ", false, 786_000, 20_000},
	{"3304904", "São Gonçalo", "RJ", false, 897_000, 18_000},
	{"3509502", "Campinas", "SP", false, 1_139_000, 62_000},
	{"3518800", "Guarulhos", "SP", false, 1_292_000, 52_000},
	{"3525904", "Jundiaí", "SP", false, 443_000, 100_000},
	{"3534401", "Osasco", "SP", false, 729_000, 110_000},
	{"3538709", "Piracicaba", "SP", false, 423_000, 60_000},
	{"3543402", "Ribeirão Preto", "SP", false, 699_000, 50_000},
	{"3547809", "Santo André", "SP", false, 749_000, 42_000},
	{"3548500", "Santos", "SP", false, 419_000, 55_000},
	{"3548708", "São Bernardo do Campo", "SP", false, 811_000, 60_000},
	{"3549805", "São José do Rio Preto", "SP", false, 480_000, 45_000},
	{"3549904", "São José dos Campos", "SP", false, 697_000, 65_000},
	{"3552205", "Sorocaba", "SP", false, 724_000, 50_000},
	{"4104808", "Cascavel", "PR", false, 348_000, 45_000},
	{"4113700", "Londrina", "PR", false, 556_000, 40_000},
	{"4115200", "Maringá", "PR", false, 410_000, 50_000},
	{"4118204", "Paranaguá", "PR", false, 146_000, 60_000},
	{"4119905", "Ponta Grossa", "PR", false, 358_000, 45_000},
	{"4202404", "Blumenau", "SC", false, 361_000, 55_000},
	{"4208203", "Itajaí", "SC", false, 264_000, 100_000},
	{"4209102", "Joinville", "SC", false, 616_000, 58_000},
	{"4304606", "Canoas", "RS", false, 348_000, 60_000},
	{"4305108", "Caxias do Sul", "RS", false, 463_000, 55_000},
	{"4314407", "Pelotas", "RS", false, 326_000, 28_000},
	{"4315602", "Rio Grande", "RS", false, 192_000, 45_000},
	{"5003702", "Dourados", "MS", false, 243_000, 40_000},
	{"5107602", "Rondonópolis", "MT", false, 245_000, 60_000},
	{"5107909", "Sinop", "MT", false, 196_000, 55_000},
	{"5107925", "Sorriso", "MT", false, 111_000, 90_000},
	{"5108402", "Várzea Grande", "MT", false, 300_000, 35_000},
	{"5201108", "Anápolis", "GO", false, 399_000, 40_000},
	{"5201405", "Aparecida de Goiânia", "GO", false, 528_000, 25_000},
	{"5218805", "Rio Verde", "GO", false, 226_000, 60_000},
}

// municipalityIndex maps the seven-digit code to the position in
// municipalities.
var municipalityIndex = func() map[string]int {
	m := make(map[string]int, len(municipalities))
	for i, mu := range municipalities {
		m[mu.code] = i
	}
	return m
}()

// regionOf returns the macro-region of a state's two letters.
func regionOf(abbr string) string { return ufs[ufIndex[abbr]].region }
