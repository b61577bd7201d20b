package synthetic

import (
	"math"
	"math/rand/v2"
)

// The enum values of antaq_monthly, exactly as in the catalog.
var (
	navTypes      = [5]string{"longo_curso", "cabotagem", "interior", "apoio_maritimo", "apoio_portuario"}
	cargoNatures  = [4]string{"granel_solido", "granel_liquido", "carga_geral", "conteiner"}
	directions    = [2]string{"embarque", "desembarque"}
	tonnesPerCall = [4]float64{45_000, 25_000, 7_000, 15_000}
)

// port is a port or private terminal with its yearly cargo around 2023:
// total tonnes, containers, how the non-container tonnage splits between
// solid bulk, liquid bulk and general cargo, the share loaded (embarque) per
// cargo nature, and the coastal (cabotagem) and inland shares. Orders of
// magnitude after ANTAQ's yearbooks, not official figures.
type port struct {
	name        string
	uf          string
	mt          float64    // million tonnes a year
	teuK        float64    // thousand TEU a year
	bulk        [3]float64 // granel_solido, granel_liquido, carga_geral shares of the non-container tonnes
	loaded      [4]float64 // embarque share by cargo nature
	cab, inland float64
	apoio       [2]float64 // tonnes a year of offshore (apoio_maritimo) and harbour (apoio_portuario) support
	harvest     bool       // solid bulk loading follows the soy harvest
	perCallBulk float64    // tonnes per call of solid bulk (0 = the default)
}

var ports = []port{
	{"Santos", "SP", 170, 4800, [3]float64{0.72, 0.20, 0.08}, [4]float64{0.85, 0.40, 0.60, 0.50}, 0.08, 0, [2]float64{0, 60_000}, true, 0},
	{"Ponta da Madeira", "MA", 190, 0, [3]float64{0.99, 0.01, 0}, [4]float64{0.99, 0.10, 0.50, 0.50}, 0.02, 0, [2]float64{}, false, 150_000},
	{"Tubarão", "ES", 100, 0, [3]float64{0.95, 0.05, 0}, [4]float64{0.92, 0.20, 0.50, 0.50}, 0.05, 0, [2]float64{}, false, 120_000},
	{"Itaguaí", "RJ", 60, 250, [3]float64{0.92, 0, 0.08}, [4]float64{0.85, 0.50, 0.40, 0.50}, 0.05, 0, [2]float64{}, false, 100_000},
	{"Paranaguá", "PR", 60, 1100, [3]float64{0.75, 0.18, 0.07}, [4]float64{0.72, 0.50, 0.55, 0.55}, 0.06, 0, [2]float64{0, 40_000}, true, 0},
	{"Rio Grande", "RS", 45, 800, [3]float64{0.70, 0.20, 0.10}, [4]float64{0.75, 0.45, 0.60, 0.50}, 0.10, 0.05, [2]float64{0, 30_000}, true, 0},
	{"Itaqui", "MA", 35, 0, [3]float64{0.60, 0.38, 0.02}, [4]float64{0.70, 0.15, 0.40, 0.50}, 0.30, 0, [2]float64{}, true, 0},
	{"Vila do Conde", "PA", 25, 80, [3]float64{0.78, 0.12, 0.10}, [4]float64{0.70, 0.20, 0.60, 0.50}, 0.10, 0.25, [2]float64{}, true, 0},
	{"Suape", "PE", 25, 500, [3]float64{0.10, 0.80, 0.10}, [4]float64{0.20, 0.45, 0.40, 0.45}, 0.40, 0, [2]float64{}, false, 0},
	{"Pecém", "CE", 20, 450, [3]float64{0.55, 0.15, 0.30}, [4]float64{0.10, 0.30, 0.80, 0.50}, 0.25, 0, [2]float64{}, false, 0},
	{"Manaus", "AM", 12, 500, [3]float64{0.10, 0.60, 0.30}, [4]float64{0.20, 0.30, 0.50, 0.40}, 0.45, 0.30, [2]float64{}, false, 0},
	{"Rio de Janeiro", "RJ", 10, 400, [3]float64{0.30, 0.30, 0.40}, [4]float64{0.50, 0.40, 0.50, 0.50}, 0.25, 0, [2]float64{300_000, 20_000}, false, 0},
	{"Vitória", "ES", 7, 200, [3]float64{0.40, 0.20, 0.40}, [4]float64{0.30, 0.30, 0.60, 0.50}, 0.10, 0, [2]float64{250_000, 0}, false, 0},
	{"Salvador", "BA", 5, 350, [3]float64{0.60, 0.10, 0.30}, [4]float64{0.40, 0.40, 0.60, 0.50}, 0.30, 0, [2]float64{}, false, 0},
	{"Aratu-Candeias", "BA", 8, 0, [3]float64{0.40, 0.60, 0}, [4]float64{0.50, 0.40, 0.50, 0.50}, 0.45, 0, [2]float64{}, false, 0},
	{"São Francisco do Sul", "SC", 15, 0, [3]float64{0.70, 0.10, 0.20}, [4]float64{0.75, 0.30, 0.40, 0.50}, 0.10, 0, [2]float64{}, true, 0},
	{"Itajaí", "SC", 8, 700, [3]float64{0, 0, 1}, [4]float64{0.50, 0.50, 0.60, 0.50}, 0.20, 0, [2]float64{}, false, 0},
	{"Santarém", "PA", 10, 0, [3]float64{0.90, 0.10, 0}, [4]float64{0.90, 0.20, 0.50, 0.50}, 0.05, 0.50, [2]float64{}, true, 0},
}

// portGrowth is cargo relative to 2023.
var portGrowth = map[int]float64{2019: 0.93, 2020: 0.95, 2021: 0.99, 2022: 0.98, 2023: 1.00, 2024: 1.02, 2025: 1.04}

const tonnesPerTEU = 11.0

// antaqRow is one row of marts.antaq_monthly.
type antaqRow struct {
	m         month
	port      *port
	nav       int
	nature    int
	direction int
	tonnes    float64
	teu       float64
	berthings int64
}

// genAntaq calls emit for every row, month by month.
func genAntaq(seed int64, emit func(antaqRow) error) error {
	for m := month(0); m < monthsInDemo; m++ {
		year, moy := m.year(firstYear), m.moy()
		for pi := range ports {
			p := &ports[pi]
			r := newRand(seed, "antaq", uint64(m), uint64(pi))
			containerT := p.teuK * 1000 * tonnesPerTEU
			other := math.Max(0, p.mt*1e6-containerT)
			natureT := [4]float64{other * p.bulk[0], other * p.bulk[1], other * p.bulk[2], containerT}
			for nature, yearly := range natureT {
				if yearly <= 0 {
					continue
				}
				for d := range directions {
					share := p.loaded[nature]
					if d == 1 {
						share = 1 - share
					}
					if share < 0.005 {
						continue
					}
					season := 1.0
					if p.harvest && nature == 0 && d == 0 {
						season = 0.4 + 0.6*seasonSoy[moy-1]
					}
					navShares := [3]float64{1 - p.cab - p.inland, p.cab, p.inland}
					for nav, ns := range navShares {
						if ns <= 0 {
							continue
						}
						t := yearly / 12 * share * ns * season * portGrowth[year] * lognoise(r, 0.08)
						if err := emit(portRow(r, m, p, nav, nature, d, t)); err != nil {
							return err
						}
					}
				}
			}
			for k, yearly := range p.apoio {
				if yearly <= 0 {
					continue
				}
				for d := range directions {
					t := yearly / 12 / 2 * portGrowth[year] * lognoise(r, 0.15)
					if err := emit(portRow(r, m, p, 3+k, 2, d, t)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func portRow(r *rand.Rand, m month, p *port, nav, nature, d int, t float64) antaqRow {
	t = math.Round(t)
	var teu float64
	if nature == 3 {
		teu = math.Round(t / (tonnesPerTEU * math.Exp(0.05*r.NormFloat64())))
	}
	perCall := tonnesPerCall[nature]
	if nature == 0 && p.perCallBulk > 0 {
		perCall = p.perCallBulk
	}
	if nav >= 3 {
		perCall = 400
	}
	calls := int64(math.Ceil(t / perCall))
	if calls < 1 {
		calls = 1
	}
	return antaqRow{m: m, port: p, nav: nav, nature: nature, direction: d, tonnes: t, teu: teu, berthings: calls}
}
