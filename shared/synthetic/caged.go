package synthetic

import (
	"math"
)

// cnaeSection is a CNAE 2.0 section with its share of formal jobs in a
// typical large city, how fast its jobs turn over, and how its net change
// follows the national one.
type cnaeSection struct {
	code, name string
	share      float64
	turnover   float64
	netFactor  float64
}

var cnaeSections = []cnaeSection{
	{"A", "Agricultura, pecuária, produção florestal, pesca e aqüicultura", 0.010, 1.5, 1.0},
	{"B", "Indústrias extrativas", 0.003, 0.6, 1.0},
	{"C", "Indústrias de transformação", 0.120, 0.9, 0.9},
	{"D", "Eletricidade e gás", 0.005, 0.5, 0.6},
	{"E", "Água, esgoto, atividades de gestão de resíduos e descontaminação", 0.010, 0.8, 0.8},
	{"F", "Construção", 0.060, 1.6, 1.3},
	{"G", "Comércio; reparação de veículos automotores e motocicletas", 0.200, 1.1, 1.0},
	{"H", "Transporte, armazenagem e correio", 0.060, 0.9, 1.0},
	{"I", "Alojamento e alimentação", 0.060, 1.4, 1.1},
	{"J", "Informação e comunicação", 0.040, 0.8, 1.2},
	{"K", "Atividades financeiras, de seguros e serviços relacionados", 0.030, 0.6, 0.7},
	{"L", "Atividades imobiliárias", 0.010, 0.9, 1.0},
	{"M", "Atividades profissionais, científicas e técnicas", 0.050, 0.9, 1.1},
	{"N", "Atividades administrativas e serviços complementares", 0.120, 1.3, 1.2},
	{"O", "Administração pública, defesa e seguridade social", 0.050, 0.4, 0.3},
	{"P", "Educação", 0.050, 0.9, 1.0},
	{"Q", "Saúde humana e serviços sociais", 0.090, 0.8, 1.2},
	{"R", "Artes, cultura, esporte e recreação", 0.010, 1.1, 1.0},
	{"S", "Outras atividades de serviços", 0.030, 1.0, 1.0},
	{"T", "Serviços domésticos", 0.0005, 0.8, 0.5},
	{"U", "Organismos internacionais e outras instituições extraterritoriais", 0.0002, 0.3, 0.2},
}

var (
	// cagedNet is the national net change of formal jobs in a month as a
	// share of the stock: a normal year, and 2020.
	cagedNet     = [12]float64{0.003, 0.006, 0.004, 0.0035, 0.003, 0.0025, 0.003, 0.0035, 0.0035, 0.003, 0.002, -0.009}
	cagedNet2020 = [12]float64{0.003, 0.005, -0.006, -0.023, -0.009, -0.001, 0.0035, 0.006, 0.008, 0.010, 0.008, -0.002}
	// cagedYear scales the positive months of a normal year.
	cagedYear = map[int]float64{2019: 0.6, 2021: 1.6, 2022: 1.4, 2023: 1.05, 2024: 1.2, 2025: 1.0}
	// cagedHires is the seasonal pattern of admissions.
	cagedHires = [12]float64{1.05, 1.10, 1.10, 1.00, 1.00, 0.95, 1.00, 1.05, 1.00, 1.00, 0.95, 0.75}
)

const monthlyHireRate = 0.042

// cagedRow is one row of marts.caged_monthly.
type cagedRow struct {
	m                       month
	mun                     int // index in municipalities
	section                 int // index in cnaeSections
	admissions, separations int64
}

// formalJobs is the formal job stock a municipality starts 2019 with.
func formalJobs(mu municipality) float64 {
	return mu.pop2022 * (0.22 + 0.2*math.Min(mu.pibpc2021/80_000, 1)) * 0.95
}

// sectorShare adapts the typical mix to the municipality: more industry in
// rich non-capitals, more farming in the agribusiness towns of the
// Centre-West.
func sectorShare(mu municipality, s cnaeSection) float64 {
	w := s.share
	if !mu.capital && s.code == "C" && mu.pibpc2021 > 50_000 {
		w *= 1.6
	}
	if !mu.capital && s.code == "A" && regionOf(mu.uf) == "Centro-Oeste" {
		w *= 6
	}
	return w
}

// genCaged calls emit for every row, month by month; separations follow
// from admissions and the net change, and the stock carries over.
func genCaged(seed int64, emit func(cagedRow) error) error {
	stock := make([][]float64, len(municipalities))
	for i, mu := range municipalities {
		stock[i] = make([]float64, len(cnaeSections))
		var total float64
		for _, s := range cnaeSections {
			total += sectorShare(mu, s)
		}
		for j, s := range cnaeSections {
			stock[i][j] = formalJobs(mu) * sectorShare(mu, s) / total
		}
	}
	for m := month(0); m < monthsInDemo; m++ {
		year, moy := m.year(firstYear), m.moy()
		net := cagedNet[moy-1]
		if year == 2020 {
			net = cagedNet2020[moy-1]
		} else if net > 0 {
			net *= cagedYear[year]
		}
		hires := cagedHires[moy-1]
		if year == 2020 && moy >= 4 && moy <= 6 {
			hires *= [3]float64{0.6, 0.6, 0.75}[moy-4]
		}
		for i := range municipalities {
			r := newRand(seed, "caged", uint64(m), uint64(i))
			for j := range cnaeSections {
				s := &cnaeSections[j]
				st := stock[i][j]
				adm := math.Round(st * monthlyHireRate * hires * s.turnover * lognoise(r, 0.06))
				n := math.Round(st * (net*s.netFactor + 0.002*r.NormFloat64()))
				if n > adm {
					n = math.Round(adm / 2)
				}
				sep := adm - n
				stock[i][j] = math.Max(st+n, 0)
				if err := emit(cagedRow{m: m, mun: i, section: j, admissions: int64(adm), separations: int64(sep)}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
