package synthetic

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"sort"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Comex Stat facts: partner countries with their CO_PAIS codes and names as
// in PAIS.csv, NCM codes with their names as in NCM.csv, and the SH4 and SH2
// headings they belong to. The tests check codes and names against the
// official tables in ../shared/data.

// country is a Comex Stat partner.
type country struct {
	code string // CO_PAIS, three digits
	name string // NO_PAIS
}

var countries = []country{
	{"160", "China"},
	{"249", "Estados Unidos"},
	{"063", "Argentina"},
	{"573", "Países Baixos (Holanda)"},
	{"245", "Espanha"},
	{"158", "Chile"},
	{"741", "Singapura"},
	{"493", "México"},
	{"149", "Canadá"},
	{"399", "Japão"},
	{"361", "Índia"},
	{"023", "Alemanha"},
	{"190", "Coreia do Sul"},
	{"386", "Itália"},
	{"455", "Malásia"},
	{"087", "Bélgica"},
	{"586", "Paraguai"},
	{"845", "Uruguai"},
	{"053", "Arábia Saudita"},
	{"244", "Emirados Árabes Unidos"},
	{"275", "França"},
	{"628", "Reino Unido"},
	{"169", "Colômbia"},
	{"589", "Peru"},
	{"097", "Bolívia"},
	{"776", "Tailândia"},
	{"858", "Vietnã"},
	{"365", "Indonésia"},
	{"827", "Turquia"},
	{"240", "Egito"},
	{"676", "Rússia"},
	{"474", "Marrocos"},
	{"085", "Belarus"},
}

var countryIndex = func() map[string]int {
	m := make(map[string]int, len(countries))
	for i, c := range countries {
		m[c.code] = i
	}
	return m
}()

// share is one weighted key of a profile. Profiles are slices, never maps, so
// the generator walks them in a fixed order.
type share struct {
	key string
	w   float64
}

// Country profiles (CO_PAIS -> weight), by trade pattern.
var (
	exportWorld = []share{{"160", 28}, {"249", 11}, {"063", 5}, {"573", 3.5}, {"245", 2.5}, {"158", 2.5}, {"741", 2.5}, {"493", 2}, {"149", 1.8}, {"399", 1.8}, {"361", 1.8}, {"023", 1.7}, {"190", 1.2}, {"386", 1.2}, {"455", 1.2}, {"087", 1}, {"586", 1.2}, {"845", 0.8}, {"053", 1}, {"244", 0.8}, {"275", 0.8}, {"628", 0.8}, {"169", 0.8}, {"589", 0.6}, {"097", 0.5}, {"776", 0.7}, {"858", 0.8}, {"365", 0.7}, {"827", 0.7}, {"240", 0.5}}
	latam       = []share{{"063", 55}, {"158", 10}, {"493", 9}, {"169", 6}, {"845", 6}, {"586", 6}, {"589", 5}, {"097", 3}}
	soyBuyers   = []share{{"160", 64}, {"245", 5}, {"573", 4}, {"776", 4}, {"827", 3}, {"858", 2}, {"365", 2}, {"493", 2}, {"063", 2}, {"053", 1}}
	oreBuyers   = []share{{"160", 58}, {"455", 8}, {"399", 6}, {"053", 4}, {"573", 3}, {"190", 3}, {"244", 3}, {"827", 2}, {"063", 2}, {"240", 2}, {"023", 2}}
	crudeBuyers = []share{{"160", 36}, {"249", 18}, {"741", 9}, {"245", 8}, {"573", 7}, {"361", 6}, {"158", 5}, {"190", 3}, {"845", 2}, {"275", 2}}
	meatBuyers  = []share{{"160", 40}, {"249", 14}, {"158", 6}, {"244", 5}, {"240", 4}, {"053", 4}, {"399", 4}, {"493", 3}, {"190", 3}, {"573", 3}, {"628", 2}, {"386", 2}, {"741", 2}, {"845", 2}}
	birdBuyers  = []share{{"160", 15}, {"399", 11}, {"053", 10}, {"244", 9}, {"493", 6}, {"190", 5}, {"573", 5}, {"158", 4}, {"240", 3}, {"741", 3}, {"628", 3}, {"365", 2}, {"845", 2}}
	coffeeBuy   = []share{{"249", 18}, {"023", 17}, {"386", 9}, {"087", 8}, {"399", 7}, {"827", 4}, {"245", 3}, {"275", 3}, {"628", 2}, {"149", 2}, {"190", 2}, {"573", 2}, {"063", 2}}
	sugarBuy    = []share{{"160", 15}, {"365", 10}, {"053", 8}, {"455", 7}, {"240", 7}, {"244", 6}, {"474", 6}, {"361", 4}, {"149", 4}, {"249", 3}, {"858", 3}, {"827", 3}}
	cornBuy     = []share{{"160", 20}, {"399", 10}, {"858", 10}, {"240", 10}, {"190", 8}, {"245", 6}, {"827", 4}, {"493", 4}, {"455", 4}, {"053", 3}, {"365", 3}, {"169", 3}, {"573", 2}, {"589", 2}}
	pulpBuy     = []share{{"160", 40}, {"249", 18}, {"573", 10}, {"386", 8}, {"087", 3}, {"190", 3}, {"399", 3}, {"275", 3}, {"245", 3}, {"023", 2}, {"361", 2}}
	mealBuy     = []share{{"365", 15}, {"573", 12}, {"776", 10}, {"858", 8}, {"245", 8}, {"190", 6}, {"275", 6}, {"023", 4}, {"455", 3}, {"827", 3}, {"628", 3}, {"160", 2}}
	cottonBuy   = []share{{"160", 30}, {"858", 15}, {"827", 10}, {"365", 10}, {"455", 5}, {"190", 5}, {"361", 3}, {"240", 2}}
	goldBuy     = []share{{"149", 35}, {"628", 20}, {"244", 12}, {"361", 10}, {"249", 5}, {"386", 3}, {"023", 2}}
	steelBuy    = []share{{"249", 45}, {"493", 10}, {"827", 5}, {"386", 5}, {"160", 5}, {"149", 5}, {"190", 5}, {"063", 3}, {"158", 3}, {"169", 3}}
	copperBuy   = []share{{"160", 40}, {"361", 15}, {"023", 10}, {"399", 10}, {"190", 8}, {"245", 8}}
	planeBuy    = []share{{"249", 60}, {"573", 10}, {"275", 5}, {"493", 5}, {"158", 5}, {"244", 5}, {"399", 5}}
	fruitBuy    = []share{{"573", 45}, {"628", 15}, {"245", 12}, {"249", 10}, {"023", 5}, {"275", 5}, {"149", 3}, {"063", 3}, {"845", 2}}
	cashewBuy   = []share{{"249", 40}, {"149", 10}, {"573", 10}, {"063", 8}, {"023", 6}, {"628", 6}, {"160", 5}, {"158", 5}, {"493", 5}}
	alumBuy     = []share{{"249", 25}, {"149", 20}, {"399", 15}, {"573", 10}, {"160", 10}, {"063", 5}, {"190", 5}}
	tobaccoBuy  = []share{{"087", 25}, {"160", 15}, {"249", 10}, {"573", 8}, {"023", 7}, {"053", 5}, {"244", 5}, {"827", 5}, {"628", 5}, {"361", 3}}
	juiceBuy    = []share{{"087", 40}, {"573", 25}, {"249", 20}, {"160", 5}, {"399", 5}, {"628", 3}}
	pineBuy     = []share{{"249", 60}, {"493", 8}, {"160", 8}, {"053", 5}, {"244", 4}, {"245", 4}, {"023", 3}}
	resinBuy    = []share{{"063", 30}, {"158", 15}, {"586", 10}, {"845", 8}, {"589", 8}, {"169", 8}, {"160", 10}, {"097", 5}}

	importWorld = []share{{"160", 23}, {"249", 17}, {"023", 5}, {"063", 5}, {"361", 3}, {"676", 3}, {"386", 2}, {"399", 2}, {"275", 2}, {"190", 2}, {"493", 2}, {"158", 1.5}, {"573", 1.5}, {"586", 1.5}, {"245", 1.2}, {"628", 1}, {"149", 1}, {"053", 1}, {"858", 1}, {"776", 0.8}, {"455", 0.8}, {"365", 0.6}, {"845", 0.7}, {"087", 0.8}, {"169", 0.5}, {"097", 1.5}, {"589", 0.4}, {"827", 0.3}, {"244", 0.5}, {"741", 0.6}, {"474", 0.6}, {"085", 0.5}}
	dieselSell  = []share{{"676", 45}, {"249", 35}, {"361", 8}, {"573", 4}, {"244", 3}, {"053", 3}, {"741", 2}}
	potashSell  = []share{{"149", 40}, {"676", 30}, {"085", 12}, {"023", 6}, {"158", 3}, {"063", 2}}
	ureaSell    = []share{{"676", 25}, {"053", 15}, {"160", 12}, {"240", 10}, {"244", 8}, {"249", 5}, {"474", 3}}
	mapSell     = []share{{"474", 40}, {"676", 25}, {"160", 15}, {"053", 10}, {"249", 10}}
	crudeSell   = []share{{"053", 40}, {"249", 30}, {"244", 10}, {"063", 8}, {"169", 5}, {"097", 4}}
	lngSell     = []share{{"249", 75}, {"244", 15}, {"676", 10}}
	coalSell    = []share{{"249", 45}, {"169", 25}, {"676", 15}, {"149", 10}, {"160", 5}}
	chipSell    = []share{{"160", 30}, {"190", 15}, {"455", 12}, {"858", 8}, {"249", 8}, {"741", 6}, {"399", 5}, {"776", 3}, {"023", 3}}
	drugSell    = []share{{"249", 20}, {"023", 18}, {"386", 8}, {"275", 8}, {"361", 8}, {"087", 6}, {"628", 5}, {"245", 4}, {"160", 5}, {"399", 2}}
	partsSell   = []share{{"160", 20}, {"023", 15}, {"249", 12}, {"399", 10}, {"493", 8}, {"063", 8}, {"190", 6}, {"386", 5}, {"275", 4}, {"245", 3}, {"361", 3}}
	engineSell  = []share{{"249", 50}, {"275", 15}, {"628", 12}, {"023", 8}, {"149", 5}, {"741", 4}, {"493", 3}}
	wheatSell   = []share{{"063", 75}, {"845", 8}, {"249", 7}, {"586", 5}, {"149", 5}, {"676", 3}}
	carSell     = []share{{"160", 30}, {"063", 30}, {"493", 10}, {"023", 8}, {"399", 6}, {"190", 5}, {"249", 5}}
	tyreSell    = []share{{"160", 60}, {"776", 8}, {"858", 8}, {"190", 5}, {"365", 5}, {"399", 3}, {"063", 3}, {"361", 3}}
	agroChem    = []share{{"160", 65}, {"361", 15}, {"249", 8}, {"023", 5}, {"275", 3}, {"245", 2}}
	telecomSell = []share{{"160", 60}, {"858", 10}, {"249", 8}, {"493", 5}, {"455", 5}, {"776", 4}}
	laptopSell  = []share{{"160", 85}, {"858", 5}, {"776", 3}, {"249", 3}, {"493", 2}}
	medSell     = []share{{"249", 35}, {"023", 15}, {"160", 15}, {"493", 6}, {"399", 5}, {"386", 4}, {"275", 4}, {"190", 3}}
	resinSell   = []share{{"249", 60}, {"063", 10}, {"149", 8}, {"053", 8}, {"190", 4}, {"493", 3}}
	grainSell   = []share{{"586", 60}, {"063", 30}, {"845", 10}}
	planeSell   = []share{{"249", 55}, {"275", 25}, {"023", 10}, {"149", 10}}
	goldSell    = []share{{"249", 50}, {"149", 30}, {"628", 20}}
	copperSell  = []share{{"158", 70}, {"589", 30}}
	beefSell    = []share{{"586", 50}, {"845", 30}, {"063", 20}}
)

// UF profiles (state letters -> weight).
var (
	ufSoy       = []share{{"MT", 30}, {"PR", 12}, {"RS", 11}, {"GO", 10}, {"MS", 8}, {"BA", 6}, {"MG", 5}, {"MA", 4}, {"TO", 4}, {"SP", 4}, {"PI", 3}, {"PA", 2}, {"RO", 1}}
	ufCorn      = []share{{"MT", 55}, {"GO", 12}, {"PR", 10}, {"MS", 10}, {"MG", 3}, {"MA", 3}, {"TO", 3}, {"PI", 2}, {"BA", 2}}
	ufMeal      = []share{{"MT", 25}, {"PR", 25}, {"RS", 20}, {"GO", 12}, {"MS", 10}, {"BA", 8}}
	ufBeef      = []share{{"MT", 20}, {"SP", 20}, {"GO", 15}, {"MS", 12}, {"MG", 10}, {"RO", 10}, {"PA", 8}, {"TO", 5}, {"AC", 1}}
	ufBird      = []share{{"PR", 40}, {"SC", 25}, {"RS", 20}, {"GO", 5}, {"MG", 5}, {"MS", 5}}
	ufPork      = []share{{"SC", 50}, {"RS", 25}, {"PR", 15}, {"MG", 5}, {"MT", 5}}
	ufCoffee    = []share{{"MG", 75}, {"ES", 10}, {"SP", 10}, {"BA", 3}, {"RO", 2}}
	ufPulp      = []share{{"MS", 35}, {"BA", 20}, {"SP", 15}, {"ES", 10}, {"MA", 10}, {"RS", 10}}
	ufSugar     = []share{{"SP", 65}, {"MG", 12}, {"GO", 8}, {"PR", 6}, {"MS", 5}, {"AL", 4}}
	ufCotton    = []share{{"MT", 70}, {"BA", 25}, {"GO", 5}}
	ufSoyOil    = []share{{"PR", 35}, {"RS", 25}, {"MT", 20}, {"GO", 10}, {"SP", 10}}
	ufOre       = []share{{"PA", 50}, {"MG", 48}, {"MS", 2}}
	ufPellet    = []share{{"ES", 75}, {"MG", 15}, {"MA", 10}}
	ufCrudeExp  = []share{{"RJ", 80}, {"SP", 15}, {"ES", 5}}
	ufCrudeImp  = []share{{"RJ", 35}, {"SP", 25}, {"BA", 20}, {"PE", 10}, {"RS", 10}}
	ufGold      = []share{{"MG", 40}, {"PA", 30}, {"MT", 20}, {"BA", 5}, {"GO", 5}, {"AP", 1}}
	ufSteel     = []share{{"ES", 35}, {"RJ", 30}, {"MG", 20}, {"CE", 15}}
	ufCopper    = []share{{"PA", 85}, {"GO", 15}}
	ufAlum      = []share{{"PA", 60}, {"MA", 30}, {"MG", 10}}
	ufFruit     = []share{{"PE", 45}, {"BA", 40}, {"RN", 5}, {"CE", 5}, {"SP", 5}}
	ufMelon     = []share{{"RN", 60}, {"CE", 40}}
	ufCashew    = []share{{"CE", 60}, {"RN", 25}, {"PI", 15}}
	ufGrape     = []share{{"PE", 60}, {"BA", 40}}
	ufJuice     = []share{{"SP", 95}, {"MG", 5}}
	ufTobacco   = []share{{"RS", 60}, {"SC", 25}, {"PR", 15}}
	ufPine      = []share{{"PR", 55}, {"SC", 40}, {"RS", 5}}
	ufResin     = []share{{"RS", 40}, {"BA", 35}, {"SP", 15}, {"RJ", 10}}
	ufPlane     = []share{{"SP", 100}}
	ufCarExp    = []share{{"SP", 35}, {"PR", 20}, {"MG", 20}, {"RS", 10}, {"BA", 5}, {"GO", 5}, {"PE", 5}}
	ufTruck     = []share{{"SP", 55}, {"PR", 20}, {"MG", 15}, {"RS", 10}}
	ufPartsExp  = []share{{"SP", 55}, {"MG", 15}, {"PR", 12}, {"RS", 10}, {"BA", 4}, {"PE", 4}}
	ufEngineExp = []share{{"SP", 80}, {"RJ", 20}}
	ufTyreExp   = []share{{"SP", 40}, {"BA", 25}, {"RS", 20}, {"RJ", 15}}
	ufDrugExp   = []share{{"SP", 80}, {"RJ", 10}, {"GO", 10}}
	ufDieselExp = []share{{"RJ", 70}, {"SP", 30}}

	ufDiesel  = []share{{"SP", 18}, {"RJ", 12}, {"MA", 12}, {"PR", 10}, {"PE", 10}, {"SC", 9}, {"BA", 8}, {"PA", 8}, {"RS", 6}, {"CE", 5}, {"AM", 5}, {"AP", 1}, {"RR", 0.5}}
	ufFert    = []share{{"MT", 25}, {"PR", 15}, {"RS", 15}, {"SP", 12}, {"GO", 10}, {"BA", 8}, {"MG", 8}, {"MS", 7}, {"TO", 2}, {"MA", 2}}
	ufLNG     = []share{{"RJ", 45}, {"BA", 20}, {"CE", 15}, {"SP", 10}, {"SC", 5}, {"SE", 5}}
	ufCoal    = []share{{"RJ", 35}, {"ES", 25}, {"MG", 20}, {"CE", 15}, {"SC", 5}}
	ufChips   = []share{{"AM", 40}, {"SP", 35}, {"SC", 10}, {"MG", 5}, {"PR", 5}, {"RS", 5}}
	ufWheat   = []share{{"SP", 20}, {"CE", 15}, {"PE", 15}, {"PR", 15}, {"BA", 10}, {"RJ", 10}, {"RS", 5}, {"SC", 5}, {"PA", 5}, {"PB", 2}, {"AL", 2}, {"RN", 2}}
	ufAgroImp = []share{{"SP", 50}, {"MT", 15}, {"PR", 10}, {"RS", 10}, {"GO", 10}, {"MG", 5}}
	ufTelecom = []share{{"SP", 50}, {"AM", 25}, {"SC", 10}, {"PR", 10}, {"MG", 5}, {"RS", 5}, {"DF", 2}}
	ufLaptop  = []share{{"SP", 50}, {"SC", 20}, {"AM", 15}, {"PR", 10}, {"ES", 5}}
	ufMed     = []share{{"SP", 60}, {"SC", 12}, {"RJ", 10}, {"MG", 8}, {"PR", 6}, {"RS", 6}, {"DF", 2}}
	ufDrugImp = []share{{"SP", 65}, {"RJ", 15}, {"GO", 8}, {"PR", 6}, {"MG", 6}, {"DF", 2}}
	ufCarImp  = []share{{"SP", 40}, {"SC", 20}, {"ES", 15}, {"PR", 10}, {"RJ", 10}, {"BA", 5}}
	ufPartImp = []share{{"SP", 45}, {"SC", 15}, {"MG", 12}, {"PR", 12}, {"RS", 8}, {"PE", 7}, {"BA", 5}, {"AM", 3}}
	ufEngImp  = []share{{"SP", 55}, {"RJ", 40}, {"MG", 5}}
	ufTyreImp = []share{{"SP", 40}, {"SC", 25}, {"PR", 15}, {"ES", 10}, {"RS", 10}}
	ufResImp  = []share{{"SP", 50}, {"SC", 25}, {"PR", 10}, {"RS", 10}, {"AM", 5}}
	ufGrain   = []share{{"RS", 40}, {"SC", 35}, {"PR", 25}}
	ufPlaneIm = []share{{"SP", 75}, {"RJ", 15}, {"MG", 10}}
	ufBeefImp = []share{{"SP", 60}, {"RJ", 20}, {"SC", 10}, {"RS", 10}}
	ufGoldImp = []share{{"SP", 100}}
	ufCopImp  = []share{{"BA", 100}}
)

// Seasonal patterns of a product's monthly share (January first).
var (
	seasonFlat   = seasonal([12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	seasonSoy    = seasonal([12]float64{0.45, 0.9, 1.7, 1.8, 1.7, 1.4, 1.15, 0.9, 0.7, 0.55, 0.45, 0.5})
	seasonCorn   = seasonal([12]float64{1.3, 0.6, 0.25, 0.15, 0.2, 0.4, 1.1, 1.7, 1.8, 1.8, 1.6, 1.5})
	seasonSugar  = seasonal([12]float64{0.7, 0.6, 0.6, 0.8, 1.1, 1.2, 1.3, 1.3, 1.3, 1.2, 1.0, 0.9})
	seasonCoffee = seasonal([12]float64{1.0, 0.9, 0.9, 0.8, 0.7, 0.7, 0.9, 1.1, 1.2, 1.3, 1.3, 1.2})
	seasonCotton = seasonal([12]float64{1.4, 0.9, 0.6, 0.5, 0.4, 0.4, 0.8, 1.2, 1.5, 1.7, 1.6, 1.5})
	seasonFert   = seasonal([12]float64{0.6, 0.6, 0.7, 0.8, 0.9, 1.1, 1.3, 1.4, 1.4, 1.3, 1.0, 0.8})
	seasonFruit  = seasonal([12]float64{0.8, 0.5, 0.4, 0.4, 0.5, 0.6, 0.8, 1.2, 1.6, 1.9, 1.9, 1.4})
)

// flowTrade is one flow of a product: its weight among the flow's products,
// where it comes from or goes to in Brazil, and the partners.
type flowTrade struct {
	weight    float64
	ufs       []share
	countries []share
}

// product is one NCM code with its economics.
type product struct {
	ncm       string
	name      string  // NO_NCM_POR
	usdPerKg  float64 // FOB price level, 2023
	commodity bool    // follows the commodity price cycle
	trend     float64 // yearly growth of its share of the flow
	season    [12]float64
	exp, imp  flowTrade
}

func (p product) sh4() string { return p.ncm[:4] }
func (p product) sh2() string { return p.ncm[:2] }

var products = []product{
	{"12019000", "Soja, mesmo triturada, exceto para semeadura", 0.50, true, 0.04, seasonSoy,
		flowTrade{16, ufSoy, soyBuyers}, flowTrade{0.1, ufGrain, grainSell}},
	{"27090010", "Óleos brutos de petróleo", 0.55, true, 0.09, seasonFlat,
		flowTrade{13, ufCrudeExp, crudeBuyers}, flowTrade{2, ufCrudeImp, crudeSell}},
	{"26011100", "Minérios de ferro e seus concentrados, exceto as piritas de ferro ustuladas (cinzas de piritas), não aglomerados", 0.10, true, -0.02, seasonFlat,
		flowTrade{8, ufOre, oreBuyers}, flowTrade{}},
	{"26011200", "Minérios de ferro aglomerados e seus concentrados", 0.14, true, -0.02, seasonFlat,
		flowTrade{1.5, ufPellet, oreBuyers}, flowTrade{}},
	{"17011400", "Outros açúcares de cana", 0.45, true, 0.06, seasonSugar,
		flowTrade{5, ufSugar, sugarBuy}, flowTrade{}},
	{"10059010", "Milho em grão, exceto para semeadura", 0.22, true, 0.03, seasonCorn,
		flowTrade{4, ufCorn, cornBuy}, flowTrade{0.3, ufGrain, grainSell}},
	{"23040010", "Farinhas e pellets, da extração do óleo de soja", 0.45, true, 0.02, seasonSoy,
		flowTrade{3, ufMeal, mealBuy}, flowTrade{}},
	{"02023000", "Carnes desossadas de bovino, congeladas", 4.8, true, 0.05, seasonFlat,
		flowTrade{3, ufBeef, meatBuyers}, flowTrade{0.1, ufBeefImp, beefSell}},
	{"02071400", "Pedaços e miudezas, comestíveis de galos/galinhas, congelados", 1.9, true, 0.02, seasonFlat,
		flowTrade{2.3, ufBird, birdBuyers}, flowTrade{}},
	{"02071200", "Carnes de galos/galinhas, não cortadas em pedaços, congeladas", 1.7, true, 0.01, seasonFlat,
		flowTrade{0.8, ufBird, birdBuyers}, flowTrade{}},
	{"02032900", "Outras carnes de suíno, congeladas", 2.4, true, 0.04, seasonFlat,
		flowTrade{0.6, ufPork, meatBuyers}, flowTrade{}},
	{"09011110", "Café não torrado, não descafeinado, em grão", 4.0, true, 0.04, seasonCoffee,
		flowTrade{2.5, ufCoffee, coffeeBuy}, flowTrade{}},
	{"47032900", "Pastas químicas de madeira, à soda ou ao sulfato, exceto pastas para dissolução, semibranqueadas ou branqueadas, de não coníferas", 0.55, true, 0.03, seasonFlat,
		flowTrade{2.5, ufPulp, pulpBuy}, flowTrade{}},
	{"52010020", "Algodão não cardado nem penteado, simplesmente debulhado", 1.9, true, 0.05, seasonCotton,
		flowTrade{1.5, ufCotton, cottonBuy}, flowTrade{}},
	{"15071000", "Óleo de soja, em bruto, mesmo degomado", 1.0, true, 0, seasonSoy,
		flowTrade{0.8, ufSoyOil, mealBuy}, flowTrade{}},
	{"20091200", "Suco (sumo) de laranja, não fermentados, sem adição de álcool, com ou sem adição de açúcar ou de outros edulcorantes, não congelado, com valor Brix não superior a 20", 0.7, true, 0.03, seasonFlat,
		flowTrade{0.6, ufJuice, juiceBuy}, flowTrade{}},
	{"24012030", "Tabaco não manufaturado, total ou parcialmente destalado, em folhas secas em secador de ar quente (flue cured), do tipo Virgínia", 5.0, false, 0, seasonFlat,
		flowTrade{0.7, ufTobacco, tobaccoBuy}, flowTrade{}},
	{"08045020", "Mangas frescas ou secas", 1.1, false, 0.03, seasonFruit,
		flowTrade{0.08, ufFruit, fruitBuy}, flowTrade{}},
	{"08071900", "Melões frescos", 0.7, false, 0.02, seasonFruit,
		flowTrade{0.05, ufMelon, fruitBuy}, flowTrade{}},
	{"08061000", "Uvas frescas", 2.2, false, 0.02, seasonFruit,
		flowTrade{0.05, ufGrape, fruitBuy}, flowTrade{}},
	{"08013200", "Castanha de caju, fresca ou seca, sem casca", 7.0, false, 0, seasonFlat,
		flowTrade{0.04, ufCashew, cashewBuy}, flowTrade{}},
	{"71081310", "Ouro em barras, fios e perfis de seção maciça", 60_000, true, 0.02, seasonFlat,
		flowTrade{1.2, ufGold, goldBuy}, flowTrade{0.05, ufGoldImp, goldSell}},
	{"72071200", "Outros produtos semimanufaturados de ferro ou aço não ligado, de seção transversal retangular, que contenham, em peso, menos de 0,25 % de carbono", 0.6, true, 0, seasonFlat,
		flowTrade{1.8, ufSteel, steelBuy}, flowTrade{}},
	{"26030010", "Sulfetos de minérios de cobre e seus concentrados", 2.5, true, 0.03, seasonFlat,
		flowTrade{1.3, ufCopper, copperBuy}, flowTrade{0.3, ufCopImp, copperSell}},
	{"76011000", "Alumínio não ligado, em formas brutas", 2.4, true, 0, seasonFlat,
		flowTrade{0.4, ufAlum, alumBuy}, flowTrade{}},
	{"88024090", "Outros aviões e outros veículos aéreos, de peso superior a 15.000 kg, vazios", 1500, false, 0.03, seasonFlat,
		flowTrade{1.2, ufPlane, planeBuy}, flowTrade{0.6, ufPlaneIm, planeSell}},
	{"87032310", "Automóveis com motor explosão, 1500 < cm3 <= 3000, até 6 passageiros", 12, false, 0.02, seasonFlat,
		flowTrade{1.2, ufCarExp, latam}, flowTrade{1.5, ufCarImp, carSell}},
	{"87042310", "Chassis com motor diesel e cabina, capacidade de carga > 20 toneladas", 15, false, 0.02, seasonFlat,
		flowTrade{0.6, ufTruck, latam}, flowTrade{0.2, ufTruck, partsSell}},
	{"87089990", "Outras partes e acessórios para tratores e veículos automóveis", 12, false, 0.02, seasonFlat,
		flowTrade{1.8, ufPartsExp, latam}, flowTrade{3, ufPartImp, partsSell}},
	{"84119100", "Partes de turborreatores ou de turbopropulsores", 300, false, 0.04, seasonFlat,
		flowTrade{0.5, ufEngineExp, engineSell}, flowTrade{1.5, ufEngImp, engineSell}},
	{"40111000", "Pneumáticos novos, de borracha, dos tipos utilizados em automóveis de passageiros (incluindo os veículos de uso misto (station wagons) e os automóveis de corrida)", 4, false, 0, seasonFlat,
		flowTrade{0.2, ufTyreExp, latam}, flowTrade{0.5, ufTyreImp, tyreSell}},
	{"39011092", "Polietileno sem carga, densidade < 0.94, em forma primária", 1.3, true, 0, seasonFlat,
		flowTrade{0.5, ufResin, resinBuy}, flowTrade{0.6, ufResImp, resinSell}},
	{"44071100", "Madeira serrada ou fendida longitudinalmente, cortada transversalmente ou desenrolada, mesmo aplainada, lixada ou unida pelas extremidades, de espessura superior a 6 mm, de pinheiro (Pinus spp.)", 0.35, true, 0.02, seasonFlat,
		flowTrade{0.4, ufPine, pineBuy}, flowTrade{}},
	{"30049099", "Outros medicamentos contendo produtos para fins terapêuticos, etc, doses", 80, false, 0.04, seasonFlat,
		flowTrade{0.6, ufDrugExp, latam}, flowTrade{3, ufDrugImp, drugSell}},
	{"27101921", "Gasóleo (óleo diesel)", 0.85, true, 0.02, seasonFlat,
		flowTrade{0.1, ufDieselExp, latam}, flowTrade{6, ufDiesel, dieselSell}},
	{"31042090", "Outros cloretos de potássio", 0.35, true, 0.03, seasonFert,
		flowTrade{}, flowTrade{3, ufFert, potashSell}},
	{"31021010", "Ureia, mesmo em solução aquosa, com teor de nitrogênio (azoto) superior a 45 %, em peso, calculado sobre o produto anidro no estado seco", 0.40, true, 0.03, seasonFert,
		flowTrade{}, flowTrade{2, ufFert, ureaSell}},
	{"31054000", "Diidrogeno-ortofosfato de amônio (fosfato monoamônico ou monoamoniacal), mesmo misturado com hidrogeno-ortofosfato de diamônio (fosfato diamônico ou diamoniacal)", 0.60, true, 0.03, seasonFert,
		flowTrade{}, flowTrade{1, ufFert, mapSell}},
	{"27111100", "Gás natural liquefeito", 0.60, true, 0, seasonFlat,
		flowTrade{}, flowTrade{1.2, ufLNG, lngSell}},
	{"27011200", "Hulha betuminosa, não aglomerada", 0.20, true, 0, seasonFlat,
		flowTrade{}, flowTrade{1.5, ufCoal, coalSell}},
	{"85423190", "Outros circuitos integrados", 3000, false, 0.05, seasonFlat,
		flowTrade{}, flowTrade{2.5, ufChips, chipSell}},
	{"10019900", "Outros trigos e misturas de trigo com centeio, exceto para semeadura", 0.30, true, 0, seasonFlat,
		flowTrade{}, flowTrade{1.3, ufWheat, wheatSell}},
	{"38089329", "Outros herbicidas apresentados de outro modo", 5, false, 0.05, seasonFert,
		flowTrade{}, flowTrade{1.2, ufAgroImp, agroChem}},
	{"85176277", "Outros aparelhos emissores com receptor incorporado, digitais, de frequência inferior a 15 GHz", 150, false, 0.04, seasonFlat,
		flowTrade{}, flowTrade{1.0, ufTelecom, telecomSell}},
	{"84713012", "Máquinas digitais de processamento de dados, bateria/elétrica, portáteis, peso < 3,5 kg, tamanho <= 560 cm2", 100, false, 0.02, seasonFlat,
		flowTrade{}, flowTrade{0.8, ufLaptop, laptopSell}},
	{"90189099", "Outros instrumentos e aparelhos para medicina, cirurgia, etc", 120, false, 0.04, seasonFlat,
		flowTrade{}, flowTrade{0.9, ufMed, medSell}},
}

// sh4Names are the Portuguese names of the HS headings used above.
var sh4Names = map[string]string{
	"0202": "Carnes de animais da espécie bovina, congeladas",
	"0203": "Carnes de animais da espécie suína, frescas, refrigeradas ou congeladas",
	"0207": "Carnes e miudezas comestíveis, frescas, refrigeradas ou congeladas, das aves da posição 0105",
	"0801": "Cocos, castanha-do-brasil e castanha de caju, frescos ou secos, mesmo sem casca ou pelados",
	"0804": "Tâmaras, figos, ananases (abacaxis), abacates, goiabas, mangas e mangostões, frescos ou secos",
	"0806": "Uvas frescas ou secas (passas)",
	"0807": "Melões, melancias e mamões (papaias), frescos",
	"0901": "Café, mesmo torrado ou descafeinado; cascas e películas de café; sucedâneos do café que contenham café",
	"1001": "Trigo e mistura de trigo com centeio",
	"1005": "Milho",
	"1201": "Soja, mesmo triturada",
	"1507": "Óleo de soja e respectivas frações, mesmo refinados, mas não quimicamente modificados",
	"1701": "Açúcares de cana ou de beterraba e sacarose quimicamente pura, no estado sólido",
	"2009": "Sucos (sumos) de frutas ou de produtos hortícolas, não fermentados, sem adição de álcool",
	"2304": "Tortas e outros resíduos sólidos da extração do óleo de soja",
	"2401": "Tabaco não manufaturado; desperdícios de tabaco",
	"2601": "Minérios de ferro e seus concentrados, incluindo as piritas de ferro ustuladas (cinzas de piritas)",
	"2603": "Minérios de cobre e seus concentrados",
	"2701": "Hulhas; briquetes, bolas e combustíveis sólidos semelhantes, obtidos a partir da hulha",
	"2709": "Óleos brutos de petróleo ou de minerais betuminosos",
	"2710": "Óleos de petróleo ou de minerais betuminosos, exceto óleos brutos",
	"2711": "Gás de petróleo e outros hidrocarbonetos gasosos",
	"3004": "Medicamentos constituídos por produtos misturados ou não misturados, preparados para fins terapêuticos ou profiláticos, em doses",
	"3102": "Adubos (fertilizantes) minerais ou químicos, nitrogenados",
	"3104": "Adubos (fertilizantes) minerais ou químicos, potássicos",
	"3105": "Adubos (fertilizantes) minerais ou químicos, que contenham dois ou três dos elementos fertilizantes: nitrogênio, fósforo e potássio",
	"3808": "Inseticidas, rodenticidas, fungicidas, herbicidas, inibidores de germinação e reguladores de crescimento para plantas, desinfetantes e produtos semelhantes",
	"3901": "Polímeros de etileno, em formas primárias",
	"4011": "Pneumáticos novos, de borracha",
	"4407": "Madeira serrada ou fendida longitudinalmente, cortada transversalmente ou desenrolada, de espessura superior a 6 mm",
	"4703": "Pastas químicas de madeira, à soda ou ao sulfato, exceto as pastas para dissolução",
	"5201": "Algodão não cardado nem penteado",
	"7108": "Ouro (incluindo o ouro platinado), em formas brutas ou semimanufaturadas, ou em pó",
	"7207": "Produtos semimanufaturados de ferro ou aço não ligado",
	"7601": "Alumínio em formas brutas",
	"8411": "Turborreatores, turbopropulsores e outras turbinas a gás",
	"8471": "Máquinas automáticas para processamento de dados e suas unidades",
	"8517": "Aparelhos telefônicos e outros aparelhos para transmissão ou recepção de voz, imagens ou outros dados",
	"8542": "Circuitos integrados eletrônicos",
	"8703": "Automóveis de passageiros e outros veículos automóveis principalmente concebidos para transporte de pessoas",
	"8704": "Veículos automóveis para transporte de mercadorias",
	"8708": "Partes e acessórios dos veículos automóveis das posições 87.01 a 87.05",
	"8802": "Outros veículos aéreos (por exemplo, helicópteros, aviões); veículos espaciais e seus veículos de lançamento, e veículos suborbitais",
	"9018": "Instrumentos e aparelhos para medicina, cirurgia, odontologia e veterinária",
}

// sh2Names are the Portuguese chapter titles (first clause where the title
// is long).
var sh2Names = map[string]string{
	"02": "Carnes e miudezas, comestíveis",
	"08": "Frutas; cascas de frutos cítricos e de melões",
	"09": "Café, chá, mate e especiarias",
	"10": "Cereais",
	"12": "Sementes e frutos oleaginosos; grãos, sementes e frutos diversos; plantas industriais ou medicinais; palhas e forragens",
	"15": "Gorduras e óleos animais ou vegetais",
	"17": "Açúcares e produtos de confeitaria",
	"20": "Preparações de produtos hortícolas, de frutas ou de outras partes de plantas",
	"23": "Resíduos e desperdícios das indústrias alimentares; alimentos preparados para animais",
	"24": "Tabaco e seus sucedâneos manufaturados",
	"26": "Minérios, escórias e cinzas",
	"27": "Combustíveis minerais, óleos minerais e produtos da sua destilação; matérias betuminosas; ceras minerais",
	"30": "Produtos farmacêuticos",
	"31": "Adubos (fertilizantes)",
	"38": "Produtos diversos das indústrias químicas",
	"39": "Plásticos e suas obras",
	"40": "Borracha e suas obras",
	"44": "Madeira, carvão vegetal e obras de madeira",
	"47": "Pastas de madeira ou de outras matérias fibrosas celulósicas; papel ou cartão para reciclar (desperdícios e aparas)",
	"52": "Algodão",
	"71": "Pérolas naturais ou cultivadas, pedras preciosas ou semipreciosas e semelhantes, metais preciosos",
	"72": "Ferro fundido, ferro e aço",
	"76": "Alumínio e suas obras",
	"84": "Reatores nucleares, caldeiras, máquinas, aparelhos e instrumentos mecânicos, e suas partes",
	"85": "Máquinas, aparelhos e materiais elétricos, e suas partes",
	"87": "Veículos automóveis, tratores, ciclos e outros veículos terrestres, suas partes e acessórios",
	"88": "Aeronaves e aparelhos espaciais, e suas partes",
	"90": "Instrumentos e aparelhos de óptica, de fotografia, de cinematografia, de medida, de controle ou de precisão; instrumentos e aparelhos médico-cirúrgicos",
}

// Brazil's yearly trade in US$ FOB (2025 as a full-year rate; the demo stops
// at September): the published totals' shape, kept inside the demo's bands
// of 280-340 bn for exports and 220-270 bn for imports (the real 2019-2020
// figures were lower, about 210-225 and 160-185).
var (
	exportsUSD = map[int]float64{2019: 288e9, 2020: 284e9, 2021: 302e9, 2022: 331e9, 2023: 335e9, 2024: 333e9, 2025: 336e9}
	importsUSD = map[int]float64{2019: 227e9, 2020: 224e9, 2021: 239e9, 2022: 265e9, 2023: 246e9, 2024: 260e9, 2025: 264e9}

	seasonExports = seasonal([12]float64{0.80, 0.82, 1.00, 1.05, 1.12, 1.10, 1.10, 1.07, 1.02, 1.00, 0.95, 0.97})
	seasonImports = seasonal([12]float64{0.95, 0.88, 1.02, 0.98, 1.00, 0.98, 1.05, 1.05, 1.02, 1.06, 1.02, 0.99})

	// commodityPrices is the commodity price cycle relative to 2023.
	commodityPrices = map[int]float64{2019: 0.85, 2020: 0.80, 2021: 1.08, 2022: 1.22, 2023: 1.00, 2024: 0.96, 2025: 0.95}
)

// flows in the order rows are written.
var flows = [2]string{"export", "import"}

// lane is one (state, product, partner) of a flow with its share of the
// flow's value.
type lane struct {
	uf, product, country uint8
	w                    float64
}

// comexLanes builds every lane of a flow, largest first.
func comexLanes(flow int) []lane {
	var total float64
	for _, p := range products {
		total += p.trade(flow).weight
	}
	var lanes []lane
	for pi, p := range products {
		t := p.trade(flow)
		if t.weight == 0 {
			continue
		}
		us := shareWeights(t.ufs)
		partners := withTail(t.countries, world[flow], partnerTail)
		cs := shareWeights(partners)
		for i, u := range t.ufs {
			for j, c := range partners {
				lanes = append(lanes, lane{
					uf:      uint8(ufIndex[u.key]),
					product: uint8(pi),
					country: uint8(countryIndex[c.key]),
					w:       t.weight / total * us[i] * cs[j],
				})
			}
		}
	}
	sort.SliceStable(lanes, func(i, j int) bool { return lanes[i].w > lanes[j].w })
	return lanes
}

// A product's main partners take most of its trade; the rest spreads over
// the flow's usual partners, as Brazil sells soy or beef to dozens of
// countries.
const partnerTail = 0.05

var world = [2][]share{exportWorld, importWorld}

// withTail blends profile main with tail (weighted frac), keeping main's
// keys first and then tail's other keys, in their order.
func withTail(main, tail []share, frac float64) []share {
	m, t := shareWeights(main), shareWeights(tail)
	out := make([]share, 0, len(main)+len(tail))
	at := map[string]int{}
	for i, x := range main {
		at[x.key] = len(out)
		out = append(out, share{x.key, (1 - frac) * m[i]})
	}
	for i, x := range tail {
		if k, ok := at[x.key]; ok {
			out[k].w += frac * t[i]
			continue
		}
		out = append(out, share{x.key, frac * t[i]})
	}
	return out
}

func (p product) trade(flow int) flowTrade {
	if flow == 0 {
		return p.exp
	}
	return p.imp
}

func shareWeights(s []share) []float64 {
	w := make([]float64, len(s))
	for i, x := range s {
		w[i] = x.w
	}
	return normalized(w)
}

// comexInsertSQL moves each batch the appender collects into the mart,
// turning the small integer keys back into codes and names.
func comexInsertSQL() string {
	state := func(f func(u uf) string) string {
		return sqlList(len(ufs), "u", func(i int) string { return f(ufs[i]) })
	}
	prod := func(f func(p product) string) string {
		return sqlList(len(products), "p", func(i int) string { return f(products[i]) })
	}
	ctry := func(f func(c country) string) string {
		return sqlList(len(countries), "c", func(i int) string { return f(countries[i]) })
	}
	return fmt.Sprintf(`INSERT INTO marts.comex_monthly
  (month, year, flow, uf, region, ncm, ncm_name, sh4, sh4_name, sh2, sh2_name, country, country_name, vl_fob_usd, kg_liquido)
SELECT make_date(%[1]d + m // 12, m %% 12 + 1, 1), CAST(%[1]d + m // 12 AS INTEGER),
  CASE f WHEN 0 THEN 'export' ELSE 'import' END,
  %[2]s, %[3]s, %[4]s, %[5]s, %[6]s, %[7]s, %[8]s, %[9]s, %[10]s, %[11]s, vl, kg
FROM appended_data`,
		firstYear,
		state(func(u uf) string { return u.abbr }),
		state(func(u uf) string { return u.region }),
		prod(func(p product) string { return p.ncm }),
		prod(func(p product) string { return p.name }),
		prod(func(p product) string { return p.sh4() }),
		prod(func(p product) string { return sh4Names[p.sh4()] }),
		prod(func(p product) string { return p.sh2() }),
		prod(func(p product) string { return sh2Names[p.sh2()] }),
		ctry(func(c country) string { return c.code }),
		ctry(func(c country) string { return c.name }),
	)
}

// sqlList is a SQL list literal of n strings indexed by the zero-based
// column idx. Only the generator's own constants are spliced in.
func sqlList(n int, idx string, f func(i int) string) string {
	var b strings.Builder
	b.WriteString("([")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(sqlString(f(i)))
	}
	b.WriteString("])[" + idx + " + 1]")
	return b.String()
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// comexProgress, when set (by tests), is called as rows are written.
var comexProgress func(rows int64)

// fillComex writes about rows rows of marts.comex_monthly on conn: for each
// month and flow, the flow's total split over its largest lanes, or over
// copies of every lane when more rows are asked for than lanes exist (as
// shipments through different customs units would be; the default size has
// none). Rows are generated one at a time and streamed into a query
// appender, so memory does not grow with the row count.
func fillComex(ctx context.Context, conn *sql.Conn, seed int64, rows int) (int64, error) {
	perSlot := int(math.Round(float64(rows) / float64(monthsInDemo*len(flows))))
	if perSlot < 1 {
		perSlot = 1
	}
	lanes := [2][]lane{comexLanes(0), comexLanes(1)}
	cols := []stagedColumn{{"m", duckdb.TYPE_USMALLINT}, {"f", duckdb.TYPE_UTINYINT}, {"u", duckdb.TYPE_UTINYINT},
		{"p", duckdb.TYPE_UTINYINT}, {"c", duckdb.TYPE_UTINYINT}, {"vl", duckdb.TYPE_DOUBLE}, {"kg", duckdb.TYPE_DOUBLE}}
	return appendStaged(ctx, conn, comexInsertSQL(), cols, func(add func(...driver.Value) error) error {
		var n int64
		row := make([]driver.Value, 7)
		prices := make([]float64, len(products)) // US$/kg in the slot's year
		for m := month(0); m < monthsInDemo; m++ {
			year, moy := m.year(firstYear), m.moy()
			for f := range flows {
				s := comexSlot{seed: seed, m: m, flow: f, year: year, moy: moy, lanes: lanes[f], rows: perSlot}
				total := s.total()
				for pi := range products {
					prices[pi] = products[pi].usdPerKg
					if products[pi].commodity {
						prices[pi] *= commodityPrices[year]
					}
				}
				sum, _ := s.walk(nil)
				row[0], row[1] = uint16(m), uint8(f)
				_, err := s.walk(func(l lane, raw, kgNoise float64) error {
					vl := math.Max(1, math.Round(total*raw/sum))
					kg := math.Max(1, math.Round(vl/(prices[l.product]*kgNoise)))
					row[2], row[3], row[4], row[5], row[6] = l.uf, l.product, l.country, vl, kg
					if err := add(row...); err != nil {
						return err
					}
					n++
					if n%progressEveryRows == 0 && comexProgress != nil {
						comexProgress(n)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// comexSlot is one month of one flow.
type comexSlot struct {
	seed      int64
	m         month
	flow      int
	year, moy int
	lanes     []lane
	rows      int
}

// total is the flow's value in the month.
func (s comexSlot) total() float64 {
	annual, season := exportsUSD[s.year], seasonExports
	if s.flow == 1 {
		annual, season = importsUSD[s.year], seasonImports
	}
	r := newRand(s.seed, "comex-total", uint64(s.m), uint64(s.flow))
	return annual / 12 * season[s.moy-1] * lognoise(r, 0.015)
}

// walk visits the slot's rows in order with each row's unnormalised weight
// and its price noise, and returns the sum of the weights. The random
// stream restarts on every call, so two walks see the same numbers: the
// first sums, the second writes.
func (s comexSlot) walk(visit func(l lane, raw, kgNoise float64) error) (float64, error) {
	r := newRand(s.seed, "comex-rows", uint64(s.m), uint64(s.flow))
	L := len(s.lanes)
	take, copies, extra := s.rows, 1, 0
	if s.rows > L {
		take, copies, extra = L, s.rows/L, s.rows%L
	}
	// A product's share moves with its season and its trend.
	var factor [256]float64
	for pi := range products {
		p := &products[pi]
		factor[pi] = p.season[s.moy-1] * math.Pow(1+p.trend, float64(s.year-2023))
	}
	var sum float64
	for i := 0; i < take; i++ {
		l := s.lanes[i]
		c := copies
		if i < extra {
			c++
		}
		base := l.w / float64(c) * factor[l.product]
		for k := 0; k < c; k++ {
			raw := base * lognoise(r, 0.25)
			kgNoise := lognoise(r, 0.08)
			sum += raw
			if visit != nil {
				if err := visit(l, raw, kgNoise); err != nil {
					return sum, err
				}
			}
		}
	}
	return sum, nil
}
