package synthetic

import (
	"math"
)

// brazilGDP is Brazil's GDP at current prices, R$ trillion (IBGE's national
// accounts, rounded); municipal series move with it.
var brazilGDP = map[int]float64{
	2010: 3.886, 2011: 4.376, 2012: 4.815, 2013: 5.332, 2014: 5.779, 2015: 5.996, 2016: 6.269,
	2017: 6.585, 2018: 7.004, 2019: 7.389, 2020: 7.610, 2021: 9.012, 2022: 10.080, 2023: 10.943, 2024: 11.745,
}

// municipalYear is one municipality in one year: population and GDP.
type municipalYear struct {
	year       int
	mun        *municipality
	population int64
	pibBRL     float64 // R$, rounded to thousands as IBGE publishes
}

// perCapita is GDP per inhabitant.
func (y municipalYear) perCapita() float64 { return y.pibBRL / float64(y.population) }

// municipalSeries returns a municipality's years from first to last. Its
// population grows at its own steady rate through the 2022 census figure;
// its GDP per capita follows the national nominal GDP with a random walk of
// its own.
func municipalSeries(seed int64, i, first, last int) []municipalYear {
	mu := &municipalities[i]
	r := newRand(seed, "municipal", uint64(i))
	growth := 0.003 + 0.012*r.Float64()
	// A random walk anchored at 2021, drawn for every year of any series so
	// PIB and Siconfi see the same municipality.
	walk := map[int]float64{2021: lognoise(r, 0.02)}
	for y := 2022; y <= 2024; y++ {
		walk[y] = walk[y-1] * lognoise(r, 0.025)
	}
	for y := 2020; y >= 2010; y-- {
		walk[y] = walk[y+1] / lognoise(r, 0.025)
	}
	out := make([]municipalYear, 0, last-first+1)
	for y := first; y <= last; y++ {
		pop := int64(math.Round(mu.pop2022 * math.Pow(1+growth, float64(y-2022))))
		pc := mu.pibpc2021 * brazilGDP[y] / brazilGDP[2021] * walk[y]
		pib := math.Round(pc*float64(pop)/1000) * 1000
		out = append(out, municipalYear{year: y, mun: mu, population: pop, pibBRL: pib})
	}
	return out
}

// siconfiAccounts are the budget lines of siconfi_annual (names as in the
// FINBRA/DCA statements).
var siconfiAccounts = []string{
	"Receitas Correntes",
	"Impostos, Taxas e Contribuições de Melhoria",
	"Transferências Correntes",
	"Despesas Correntes",
	"Pessoal e Encargos Sociais",
	"Investimentos",
	"Dívida Consolidada Líquida",
}

// siconfiColumns are the FINBRA columns (Coluna) of siconfiAccounts, in the
// same order: the year's realised revenue, committed spending, and the debt
// at the end of the year's last four-month period.
var siconfiColumns = []string{
	"Receitas Brutas Realizadas",
	"Receitas Brutas Realizadas",
	"Receitas Brutas Realizadas",
	"Despesas Empenhadas",
	"Despesas Empenhadas",
	"Despesas Empenhadas",
	"Até o 3º Quadrimestre",
}

// siconfiValues returns the accounts of one municipality-year, in the order
// of siconfiAccounts: current revenue per inhabitant rises with the local
// economy, own taxes weigh more in richer places, and capital spending jumps
// in municipal election years.
func siconfiValues(seed int64, i int, y municipalYear) []float64 {
	r := newRand(seed, "siconfi", uint64(i), uint64(y.year))
	pc2019 := y.mun.pibpc2021 * brazilGDP[2019] / brazilGDP[2021]
	perHead := (1800 + 0.06*pc2019) * brazilGDP[y.year] / brazilGDP[2019]
	rc := perHead * float64(y.population) * lognoise(r, 0.02)
	taxShare := 0.18 + 0.22*math.Min(pc2019/70_000, 1)
	inv := 0.07
	if y.year == 2016 || y.year == 2020 || y.year == 2024 {
		inv *= 1.4
	}
	debt := math.Max(-0.05, 0.30+0.20*r.NormFloat64())
	v := []float64{
		rc,
		rc * taxShare * lognoise(r, 0.03),
		rc * (0.82 - taxShare) * lognoise(r, 0.03),
		rc * 0.88 * lognoise(r, 0.02),
		rc * 0.47 * lognoise(r, 0.03),
		rc * inv * lognoise(r, 0.20),
		rc * debt,
	}
	for k := range v {
		v[k] = roundTo(v[k], 2)
	}
	return v
}
