package ingest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

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
	// Requires is the reference data the source's files resolve against.
	Requires []Requirement
}

// Requirement is reference data a source's files depend on. A load whose
// resolving requirement was never loaded is refused with the command that
// loads it; a load of the reference data runs Refresh, which rebuilds from
// core what the dependent source's marts took from it, in the same
// transaction. A file whose typed content was loaded before is loaded
// again when a requirement it resolved against has changed since.
type Requirement struct {
	Source string // the source that holds the reference data
	// Layouts are the source's layouts that provide it, any one of them;
	// none means every layout.
	Layouts []string
	// For are the dependent source's layouts that need it; none means all.
	For []string
	// NamesOnly marks reference data the dependent's rows do not resolve
	// against, only take their names from: a load goes on without it and
	// its marts are named when it arrives (Refresh).
	NamesOnly bool
	What      string // what the reference data is, for the refusal
	File      string // the official file that provides it, for the refusal
	Why       string // what the dependent resolves against it
	// Refresh are the models that bring the dependent's marts up to date
	// with newly loaded reference data, from core.
	Refresh []string
}

// applies tells whether the requirement holds for the dependent's layout.
func (q Requirement) applies(layout string) bool {
	return len(q.For) == 0 || slices.Contains(q.For, layout)
}

// providedBy tells whether a load of the reference source's layout provides
// the requirement.
func (q Requirement) providedBy(source, layout string) bool {
	return q.Source == source && (len(q.Layouts) == 0 || slices.Contains(q.Layouts, layout))
}

// Command is the refusal of a load whose requirement is missing: what to
// load first and how. It holds no single quote (BigQuery's check puts it in
// a string literal).
func (q Requirement) Command() string {
	name := q.Source
	if len(q.Layouts) > 0 {
		name += " " + strings.Join(q.Layouts, " or ")
	}
	return fmt.Sprintf("load %s first: make ingest SOURCE=%s FILE=<%s> (%s)", name, q.Source, q.File, q.Why)
}

// territory is the requirement of the sources that name municipalities.
func territory(why string, refresh ...string) Requirement {
	return Requirement{Source: "ibge_territorio", What: "the territorial table", File: "the IBGE RELATORIO_DTB_BRASIL_MUNICIPIO CSV",
		Why: why, Refresh: refresh}
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
		Grain: "month", Layouts: []string{"ncm", "mun", "aux_ncm", "aux_ncm_sh", "aux_pais", "aux_uf", "aux_urf"},
		Requires: []Requirement{
			withLayouts(territory("CO_MUN is a SECEX code, which the territorial table resolves to the IBGE code",
				"ddl_marts_comex_municipal_monthly", "marts_refresh_municipio_comex"), "mun"),
			{Source: "comex", Layouts: []string{"aux_ncm", "aux_ncm_sh", "aux_pais", "aux_uf", "aux_urf"}, For: []string{"ncm", "mun"}, NamesOnly: true,
				What: "the Comex Stat auxiliary tables", File: "NCM.csv, NCM_SH.csv, PAIS.csv, UF.csv or URF.csv",
				Why:     "the names of NCM codes, headings, chapters and countries",
				Refresh: []string{"ddl_marts_comex_monthly", "marts_comex_names", "ddl_marts_comex_municipal_monthly", "marts_comex_municipal_names"}},
		}},
	{ID: "antaq", Title: "ANTAQ — Estatístico Aquaviário", Owner: "ANTAQ", Frequency: "monthly", SLA: 75 * day,
		URL:   "https://web3.antaq.gov.br/ea/sense/download.html",
		Grain: "month", Layouts: []string{"atracacao_carga_zip"}},
	{ID: "caged", Title: "Novo CAGED — movimentações", Owner: "MTE", Frequency: "monthly", SLA: 60 * day,
		URL:   "ftp://ftp.mtps.gov.br/pdet/microdados/NOVO%20CAGED/",
		Grain: "month", Layouts: []string{"cagedmov", "cagedfor", "cagedexc"},
		Requires: []Requirement{territory("CAGED names municipalities by the first 6 digits of their IBGE code, which the territorial table completes",
			"ddl_marts_caged_monthly", "marts_refresh_municipio_caged")}},
	{ID: "pib_municipal", Title: "PIB dos Municípios", Owner: "IBGE", Frequency: "annual", SLA: 760 * day,
		URL:   "https://sidra.ibge.gov.br/tabela/5938",
		Grain: "year", Layouts: []string{"sidra_5938_xlsx"},
		Requires: []Requirement{territory(`this file names municipalities only as "Nome (UF)", which the territorial table resolves`,
			"ddl_marts_pib_municipal", "marts_refresh_municipio_pib")}},
	{ID: "siconfi", Title: "Siconfi — FINBRA", Owner: "Tesouro Nacional", Frequency: "annual", SLA: 200 * day,
		URL:   "https://siconfi.tesouro.gov.br/siconfi/pages/public/consulta_finbra/finbra_list.jsf",
		Grain: "year", Layouts: []string{"finbra_csv", "finbra_zip"},
		Requires: []Requirement{territory("the Cod.IBGE of a FINBRA file resolves against the territorial table",
			"ddl_marts_siconfi_annual", "marts_refresh_municipio_siconfi")}},
}

// Sources returns the official sources in catalog order (a copy).
func Sources() []Source {
	out := make([]Source, len(sources))
	copy(out, sources)
	for i := range out {
		out[i].Layouts = append([]string(nil), sources[i].Layouts...)
		out[i].Requires = append([]Requirement(nil), sources[i].Requires...)
	}
	return out
}

// withLayouts narrows a requirement to some of the dependent's layouts.
func withLayouts(q Requirement, layouts ...string) Requirement {
	q.For = layouts
	return q
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
