package synthetic

import (
	"hash/fnv"
	"math"
	"strings"
)

// metric is one series a demo org uploads: a monthly level per
// municipality, its seasonality and yearly growth, noise, and decimals. A
// bounded metric (a rate) does not grow and stays within [lo, hi].
type metric struct {
	name     string
	level    float64
	growth   float64
	season   [12]float64
	noise    float64
	decimals int
	lo, hi   float64
}

// tenantProfile is what one kind of org uploads, and where.
type tenantProfile struct {
	metrics        []metric
	municipalities []string // IBGE codes
}

var (
	seasonHarvest = seasonal([12]float64{1.4, 1.6, 1.5, 1.2, 0.9, 0.6, 0.5, 0.5, 0.6, 0.9, 1.1, 1.2})
	seasonCredit  = seasonal([12]float64{0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.15})
	seasonBerths  = seasonal([12]float64{0.90, 0.95, 1.05, 1.10, 1.10, 1.05, 1.00, 1.00, 0.95, 0.95, 0.95, 0.95})
)

// tenantProfiles are the demo orgs of ../shared/API.md, by slug.
var tenantProfiles = map[string]tenantProfile{
	"porto-sul": {
		metrics: []metric{
			{name: "movimentacao_conteineres_teu", level: 12_000, growth: 0.04, season: seasonExports, noise: 0.08},
			{name: "carga_movimentada_t", level: 350_000, growth: 0.03, season: seasonSoy, noise: 0.10},
			{name: "navios_atendidos", level: 45, growth: 0.02, season: seasonFlat, noise: 0.12},
			{name: "tempo_medio_atracacao_h", level: 28, season: seasonFlat, noise: 0.10, decimals: 1, lo: 8, hi: 96},
			{name: "taxa_ocupacao_berco_pct", level: 72, season: seasonBerths, noise: 0.05, decimals: 1, lo: 20, hi: 99},
		},
		// Santos, Paranaguá, Itajaí, Rio Grande and Porto Alegre.
		municipalities: []string{"3548500", "4118204", "4208203", "4315602", "4314902"},
	},
	"agro-nordeste": {
		metrics: []metric{
			{name: "area_plantada_ha", level: 45_000, growth: 0.05, season: seasonHarvest, noise: 0.06},
			{name: "producao_soja_t", level: 60_000, growth: 0.06, season: seasonSoy, noise: 0.15},
			{name: "producao_milho_t", level: 35_000, growth: 0.04, season: seasonCorn, noise: 0.15},
			{name: "cooperados_ativos", level: 1_800, growth: 0.03, season: seasonFlat, noise: 0.02},
			{name: "preco_medio_soja_saca_brl", level: 135, growth: 0.05, season: seasonFlat, noise: 0.06, decimals: 2},
		},
		// São Luís, Teresina, Salvador, Petrolina and Fortaleza.
		municipalities: []string{"2111300", "2211001", "2927408", "2611101", "2304400"},
	},
	"banco-regional": {
		metrics: []metric{
			{name: "credito_concedido_brl", level: 85e6, growth: 0.08, season: seasonCredit, noise: 0.10, decimals: 2},
			{name: "carteira_ativa_brl", level: 1.2e9, growth: 0.09, season: seasonFlat, noise: 0.02, decimals: 2},
			{name: "clientes_ativos", level: 42_000, growth: 0.05, season: seasonFlat, noise: 0.02},
			{name: "inadimplencia_pct", level: 3.4, season: seasonFlat, noise: 0.10, decimals: 2, lo: 0.5, hi: 12},
			{name: "taxa_media_juros_aa_pct", level: 14.5, season: seasonFlat, noise: 0.05, decimals: 2, lo: 4, hi: 40},
		},
		// Belo Horizonte, Goiânia, Brasília, Campo Grande and Curitiba.
		municipalities: []string{"3106200", "5208707", "5300108", "5002704", "4106902"},
	},
}

// profileFor returns the slug's profile, or for an unknown slug a generic
// one whose metric names carry the slug (so they differ from every other
// org's) and whose municipalities are three capitals picked by the slug.
func profileFor(slug string) tenantProfile {
	if p, ok := tenantProfiles[slug]; ok {
		return p
	}
	prefix := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, slug)
	h := fnv.New32a()
	h.Write([]byte(slug))
	k := int(h.Sum32() % 27)
	return tenantProfile{
		metrics: []metric{
			{name: prefix + "_receita_brl", level: 2.5e6, growth: 0.06, season: seasonExports, noise: 0.08, decimals: 2},
			{name: prefix + "_volume_operacoes", level: 3_000, growth: 0.04, season: seasonFlat, noise: 0.08},
			{name: prefix + "_satisfacao_pct", level: 82, season: seasonFlat, noise: 0.04, decimals: 1, lo: 40, hi: 100},
		},
		municipalities: []string{
			municipalities[k].code,
			municipalities[(k+9)%27].code,
			municipalities[(k+18)%27].code,
		},
	}
}

// tenantRow is one row of a tenant_metrics table.
type tenantRow struct {
	m      month
	mun    *municipality
	metric string
	value  float64
}

// genTenant calls emit for every row of one org, month by month. The
// numbers depend on the seed and the slug, not on the org id, so a
// re-created org gets the same data.
func genTenant(seed int64, slug string, emit func(tenantRow) error) error {
	p := profileFor(slug)
	r := newRand(seed, "tenant:"+slug)
	// Each municipality is a fixed multiple of the org's typical size.
	scale := make([]float64, len(p.municipalities))
	for i := range scale {
		scale[i] = 0.4 + 1.2*r.Float64()
	}
	for m := month(0); m < monthsInDemo; m++ {
		year, moy := m.year(firstYear), m.moy()
		for i, code := range p.municipalities {
			mu := &municipalities[municipalityIndex[code]]
			for _, x := range p.metrics {
				v := x.level * x.season[moy-1] * lognoise(r, x.noise)
				if x.hi > 0 {
					v = math.Min(math.Max(v, x.lo), x.hi)
				} else {
					v *= scale[i] * math.Pow(1+x.growth, float64(year-firstYear)+float64(moy-1)/12)
				}
				if err := emit(tenantRow{m: m, mun: mu, metric: x.name, value: roundTo(v, x.decimals)}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// metricNames lists a slug's metrics in order.
func metricNames(slug string) []string {
	p := profileFor(slug)
	out := make([]string, len(p.metrics))
	for i, x := range p.metrics {
		out[i] = x.name
	}
	return out
}
