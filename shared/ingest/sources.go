package ingest

import "time"

// Source is one official data source as the catalog knows it. The ids and
// metadata match the source_catalog seed in shared/postgres/migrations.
type Source struct {
	ID        string
	Title     string
	Owner     string
	Frequency string        // daily | weekly | monthly | quarterly | annual | irregular
	SLA       time.Duration // how old the newest period may get before the source is stale
	URL       string        // where the official files are published
	// Grain is the period a file covers and the watermark counts in:
	// "month", "year" or "snapshot" (the territorial table).
	Grain string
	// Layouts names the file layouts Load accepts for the source.
	Layouts []string
}

const day = 24 * time.Hour

var sources = []Source{
	{ID: "ibge_territorio", Title: "IBGE — Divisão Territorial Brasileira", Owner: "IBGE", Frequency: "annual", SLA: 400 * day,
		URL:   "https://www.ibge.gov.br/geociencias/organizacao-do-territorio/estrutura-territorial/23701-divisao-territorial-brasileira.html",
		Grain: "snapshot", Layouts: []string{"dtb_municipio", "kelvins_municipios"}},
	{ID: "ipca", Title: "IPCA — Índice Nacional de Preços ao Consumidor Amplo", Owner: "IBGE", Frequency: "monthly", SLA: 45 * day,
		URL:   "https://sidra.ibge.gov.br/tabela/1737",
		Grain: "month", Layouts: []string{"sidra_csv_br", "sidra_tsv", "bcb_sgs_json"}},
	{ID: "comex", Title: "Comex Stat — exportações e importações", Owner: "MDIC/SECEX", Frequency: "monthly", SLA: 45 * day,
		URL:   "https://balanca.economia.gov.br/balanca/bd/comexstat-bd/ncm/",
		Grain: "month", Layouts: []string{"ncm", "mun", "aux_ncm", "aux_ncm_sh", "aux_pais", "aux_uf", "aux_urf"}},
	{ID: "antaq", Title: "ANTAQ — Estatístico Aquaviário", Owner: "ANTAQ", Frequency: "monthly", SLA: 75 * day,
		URL:   "https://web3.antaq.gov.br/ea/sense/download.html",
		Grain: "month", Layouts: []string{"atracacao_carga_zip"}},
	{ID: "caged", Title: "Novo CAGED — movimentações", Owner: "MTE", Frequency: "monthly", SLA: 60 * day,
		URL:   "ftp://ftp.mtps.gov.br/pdet/microdados/NOVO%20CAGED/",
		Grain: "month", Layouts: []string{"cagedmov", "cagedfor", "cagedexc"}},
	{ID: "pib_municipal", Title: "PIB dos Municípios", Owner: "IBGE", Frequency: "annual", SLA: 760 * day,
		URL:   "https://sidra.ibge.gov.br/tabela/5938",
		Grain: "year", Layouts: []string{"sidra_5938_xlsx"}},
	{ID: "siconfi", Title: "Siconfi — FINBRA", Owner: "Tesouro Nacional", Frequency: "annual", SLA: 200 * day,
		URL:   "https://siconfi.tesouro.gov.br/siconfi/pages/public/consulta_finbra/finbra_list.jsf",
		Grain: "year", Layouts: []string{"finbra_csv", "finbra_zip"}},
}

// Sources returns the official sources in catalog order (a copy).
func Sources() []Source {
	out := make([]Source, len(sources))
	copy(out, sources)
	for i := range out {
		out[i].Layouts = append([]string(nil), sources[i].Layouts...)
	}
	return out
}

// FindSource returns the source with the id.
func FindSource(id string) (Source, bool) {
	for _, s := range sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}
