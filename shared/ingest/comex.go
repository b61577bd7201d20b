package ingest

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/mirante/mirante/shared/ingest/delim"
)

// Comex Stat bulk files (MDIC/SECEX): Windows-1252 (a superset of the
// latin-1 they also come in), ';', codes quoted or bare, metrics bare
// integers. Layouts:
//
//   - ncm: EXP_<year>.csv / IMP_<year>.csv, one row per month x NCM x unit
//     x country x UF x mode x customs unit; IMP adds VL_FRETE;VL_SEGURO.
//   - mun: EXP_<year>_MUN.csv / IMP_<year>_MUN.csv, by the exporter's
//     municipality and SH4. CO_MUN there is NOT the IBGE code: its first two
//     digits are SECEX's UF code (SP 34, MS 52, GO 53, DF 54 where IBGE has
//     35, 50, 52, 53) and its last five are IBGE's. Staging maps it through
//     SG_UF_MUN, so the territorial table must be loaded first. The codes
//     Comex Stat publishes without a municipality (comexMunWithout) stay in
//     core.fact_comex_municipio with municipio NULL and are counted as
//     skipped; any other code that maps to no municipality refuses the file
//     (checkComexMunMapped). NCM files resolve no municipality.
//   - aux_ncm (NCM.csv), aux_ncm_sh (NCM_SH.csv), aux_pais (PAIS.csv),
//     aux_uf (UF.csv), aux_urf (URF.csv): the auxiliary tables, each a full
//     snapshot of its dimension; loading one renames the mart's rows.

var comexEXPContract = &Contract{Source: "comex", Layout: "ncm", Columns: []Column{
	{Name: "CO_ANO", Kind: Int}, {Name: "CO_MES", Kind: Int},
	{Name: "CO_NCM", Kind: Code, Width: 8}, {Name: "CO_UNID", Kind: Code, Width: 2},
	{Name: "CO_PAIS", Kind: Code, Width: 3}, {Name: "SG_UF_NCM", Kind: Text},
	{Name: "CO_VIA", Kind: Code, Width: 2}, {Name: "CO_URF", Kind: Code, Width: 7},
	{Name: "QT_ESTAT", Kind: Int}, {Name: "KG_LIQUIDO", Kind: Int}, {Name: "VL_FOB", Kind: Int},
}}

var comexIMPContract = &Contract{Source: "comex", Layout: "ncm", Columns: append(append([]Column(nil), comexEXPContract.Columns...),
	Column{Name: "VL_FRETE", Kind: Int}, Column{Name: "VL_SEGURO", Kind: Int})}

var comexMUNContract = &Contract{Source: "comex", Layout: "mun", Columns: []Column{
	{Name: "CO_ANO", Kind: Int}, {Name: "CO_MES", Kind: Int},
	{Name: "SH4", Kind: Code, Width: 4}, {Name: "CO_PAIS", Kind: Code, Width: 3},
	{Name: "SG_UF_MUN", Kind: Text}, {Name: "CO_MUN", Kind: Code, Width: 7},
	{Name: "KG_LIQUIDO", Kind: Int}, {Name: "VL_FOB", Kind: Int},
}}

// comexUFs is what SG_UF_NCM may hold: the values of the landing enum
// landing.comex_uf, Comex Stat's UF table (UF.csv: the 27 states and the
// pseudo-UFs), read from its model so that the loader and the warehouse
// share one list. Each value maps to itself, so that a landed row holds
// the list's string, not a piece of its record.
var comexUFs = enumValues("landing_comex_ncm", "landing.comex_uf")

// enumValues reads the values of a CREATE TYPE ... AS ENUM in a DuckDB
// model (embedded: a model without it is a build mistake, hence the panic),
// each to itself.
func enumValues(model, typ string) map[string]string {
	text, err := Model("duckdb", model)
	if err != nil {
		panic(err)
	}
	def := regexp.MustCompile(`CREATE TYPE IF NOT EXISTS ` + regexp.QuoteMeta(typ) + `\s+AS ENUM\s*\(([^)]*)\)`).FindStringSubmatch(text)
	if def == nil {
		panic(fmt.Sprintf("model %s does not create the enum %s", model, typ))
	}
	out := map[string]string{}
	for _, v := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(def[1], -1) {
		out[v[1]] = v[1]
	}
	return out
}

// comexUF is column i as a Comex Stat UF, upper-cased, as comexUFs holds
// it; a value UF.csv does not have is refused (the landing enum could not
// hold it).
func (r *row) comexUF(i int) string {
	s := strings.ToUpper(r.text(i))
	v, ok := comexUFs[s]
	if s != "" && !ok {
		r.fail(i, "%q is not a UF of Comex Stat's UF table (UF.csv)", s)
	}
	if !ok {
		return s
	}
	return v
}

var comexAux = map[string]*Contract{
	"aux_ncm": {Source: "comex", Layout: "aux_ncm", Extra: true, Columns: []Column{
		{Name: "CO_NCM", Kind: Code, Width: 8}, {Name: "CO_UNID", Kind: Code, Width: 2},
		{Name: "CO_SH6", Kind: Code, Width: 6}, {Name: "NO_NCM_POR", Kind: Text}}},
	"aux_ncm_sh": {Source: "comex", Layout: "aux_ncm_sh", Extra: true, Columns: []Column{
		{Name: "CO_SH6", Kind: Code, Width: 6}, {Name: "NO_SH6_POR", Kind: Text},
		{Name: "CO_SH4", Kind: Code, Width: 4}, {Name: "NO_SH4_POR", Kind: Text},
		{Name: "CO_SH2", Kind: Code, Width: 2}, {Name: "NO_SH2_POR", Kind: Text}}},
	"aux_pais": {Source: "comex", Layout: "aux_pais", Extra: true, Columns: []Column{
		{Name: "CO_PAIS", Kind: Code, Width: 3}, {Name: "CO_PAIS_ISOA3", Kind: Text, Nullable: true},
		{Name: "NO_PAIS", Kind: Text}}},
	"aux_uf": {Source: "comex", Layout: "aux_uf", Extra: true, Columns: []Column{
		{Name: "CO_UF", Kind: Code, Width: 2}, {Name: "SG_UF", Kind: Text}, {Name: "NO_UF", Kind: Text},
		{Name: "NO_REGIAO", Kind: Text, Nullable: true}}},
	"aux_urf": {Source: "comex", Layout: "aux_urf", Extra: true, Columns: []Column{
		{Name: "CO_URF", Kind: Code, Width: 7}, {Name: "NO_URF", Kind: Text}}},
}

// comexLayoutByName tells the layout from the official file names.
func comexLayoutByName(name string) (layout, flow string) {
	base := strings.ToUpper(path.Base(strings.ReplaceAll(name, "\\", "/")))
	base = strings.TrimSuffix(base, path.Ext(base))
	switch base {
	case "NCM":
		return "aux_ncm", ""
	case "NCM_SH":
		return "aux_ncm_sh", ""
	case "PAIS":
		return "aux_pais", ""
	case "UF":
		return "aux_uf", ""
	case "URF":
		return "aux_urf", ""
	}
	switch {
	case strings.HasPrefix(base, "EXP_"):
		flow = "export"
	case strings.HasPrefix(base, "IMP_"):
		flow = "import"
	}
	if flow != "" {
		if strings.Contains(base, "_MUN") {
			return "mun", flow
		}
		return "ncm", flow
	}
	return "", ""
}

func loadComex(j *job) error {
	layout, flow := comexLayoutByName(j.File)
	if j.Params.Layout != "" {
		layout = j.Params.Layout
	}
	if j.Params.Flow != "" {
		flow = j.Params.Flow
	}
	rd, header, err := j.openDelimited(j.in, delim.Windows1252, ';')
	if err != nil {
		return err
	}
	if layout == "" {
		switch {
		case comexMUNContract.matches(header):
			layout = "mun"
		case comexEXPContract.matches(header):
			layout = "ncm"
		default:
			for id, c := range comexAux {
				if c.matches(header) {
					layout = id
				}
			}
		}
	}
	j.Layout = layout
	switch layout {
	case "ncm", "mun":
		if flow != "export" && flow != "import" {
			return j.contractErr(0, "", "flow unknown: name the file EXP_... or IMP_..., or pass Flow export|import")
		}
		j.Scope = flow
		if layout == "mun" {
			return loadComexMun(j, rd, header, flow)
		}
		return loadComexNCM(j, rd, header, flow)
	}
	if c, ok := comexAux[layout]; ok {
		return loadComexAux(j, rd, header, c)
	}
	return j.contractErr(1, "", "not a Comex Stat layout this loader knows (ncm, mun, %s)", strings.Join(mapKeys(comexAux), ", "))
}

// month checks CO_ANO and CO_MES and records the period.
func (j *job) comexMonth(r *row, year, month int64) error {
	if year < 1989 || year > 2200 {
		r.fail(0, "is not a year: %d", year)
	}
	if month < 1 || month > 12 {
		r.fail(1, "is not a month: %d", month)
	}
	if err := r.err(); err != nil {
		return err
	}
	j.addPeriod(fmt.Sprintf("%04d-%02d", year, month))
	return nil
}

func loadComexNCM(j *job, rd *delim.Reader, header []string, flow string) error {
	c := comexEXPContract
	if flow == "import" {
		c = comexIMPContract
	}
	b, err := c.bind(j.File, rd.Line(), header)
	if err != nil {
		return err
	}
	if err := j.runModels("landing_comex_ncm"); err != nil {
		return err
	}
	if err := j.twoStep(); err != nil {
		return err
	}
	imp := flow == "import"
	// Export files have no freight or insurance: their columns are left to
	// their default (NULL) rather than appended as a NULL per row.
	columns := []string{"co_ano", "co_mes", "co_ncm", "co_unid", "co_pais", "sg_uf_ncm", "co_via", "co_urf", "qt_estat", "kg_liquido", "vl_fob"}
	if imp {
		columns = append(columns, "vl_frete", "vl_seguro")
	}
	l, err := j.landConst("comex_ncm", []Const{{Column: "flow", Value: flow}}, columns...)
	if err != nil {
		return err
	}
	// The period's values are checked once per period, not once per row: a
	// file holds a few months, in runs. lastPeriod starts at no valid
	// period, so the first record is always checked.
	lastPeriod := [2]int64{-1, -1}
	err = j.landEach(rd, b, l, func(r *row) error {
		year, month := r.int(0), r.int(1)
		if lastPeriod != [2]int64{year, month} {
			if err := j.comexMonth(r, year, month); err != nil {
				return err
			}
			lastPeriod = [2]int64{year, month}
		}
		l.begin(r.line)
		l.int(year)
		l.int(month)
		l.intOrNull(r.codeInt(2))
		l.intOrNull(r.codeInt(3))
		l.intOrNull(r.codeInt(4))
		l.text(r.comexUF(5))
		l.intOrNull(r.codeInt(6))
		l.intOrNull(r.codeInt(7))
		l.int(r.int(8))
		l.int(r.int(9))
		l.int(r.int(10))
		if imp {
			l.int(r.int(11))
			l.int(r.int(12))
		}
		if err := r.err(); err != nil {
			return err
		}
		return l.end()
	})
	if err != nil {
		return err
	}
	j.finish = func() error {
		models := append([]string{"ref_dim_uf", "staging_comex_ncm", "ddl_core_fact_comex"}, comexDimDDL...)
		params := map[string]any{"flow": flow}
		if j.LoadSeq != 0 {
			params["load_seq"] = j.LoadSeq
		}
		return j.runModelsWith(params, append(models, "core_fact_comex", "ddl_marts_comex_monthly", "marts_comex_monthly")...)
	}
	return nil
}

func loadComexMun(j *job, rd *delim.Reader, header []string, flow string) error {
	b, err := comexMUNContract.bind(j.File, rd.Line(), header)
	if err != nil {
		return err
	}
	if err := j.runModels("landing_comex_mun"); err != nil {
		return err
	}
	l, err := j.landConst("comex_mun", []Const{{Column: "flow", Value: flow}}, "co_ano", "co_mes", "sh4", "co_pais", "sg_uf_mun", "co_mun", "kg_liquido", "vl_fob")
	if err != nil {
		return err
	}
	without := make([]int64, len(comexMunWithout))
	err = j.landEach(rd, b, l, func(r *row) error {
		year, month := r.int(0), r.int(1)
		if err := j.comexMonth(r, year, month); err != nil {
			return err
		}
		coMun, munOK := r.codeInt(5)
		for i, w := range comexMunWithout {
			if munOK && coMun == w.code {
				without[i]++
			}
		}
		l.begin(r.line)
		l.int(year)
		l.int(month)
		l.intOrNull(r.codeInt(2))
		l.intOrNull(r.codeInt(3))
		l.text(strings.ToUpper(r.text(4)))
		l.intOrNull(coMun, munOK)
		l.int(r.int(6))
		l.int(r.int(7))
		if err := r.err(); err != nil {
			return err
		}
		return l.end()
	})
	if err != nil {
		return err
	}
	for i, w := range comexMunWithout {
		j.skipLanded(without[i], w.why)
	}
	j.finish = func() error {
		params := map[string]any{"flow": flow}
		if err := j.runModelsWith(params, "ref_dim_uf", "ddl_core_dim_municipio", "staging_comex_mun"); err != nil {
			return err
		}
		if err := checkComexMunMapped(j); err != nil {
			return err
		}
		// The mart names SH4, SH2 and countries from the Comex dimensions,
		// which a municipal file does not load: created empty when absent.
		models := append([]string{"ddl_core_fact_comex_municipio", "core_fact_comex_municipio"}, comexDimDDL...)
		return j.runModelsWith(params, append(models, "ddl_marts_comex_municipal_monthly", "marts_comex_municipal_monthly")...)
	}
	return nil
}

// comexMunWithout are the CO_MUN codes Comex Stat's own municipal table
// (UF_MUN.csv) gives no municipality: trade it publishes without one. Their
// rows reach core.fact_comex_municipio with municipio NULL, in Brazil's
// totals and in no municipality's, and the report counts them as skipped;
// any other code the territorial table cannot resolve refuses the file.
var comexMunWithout = []struct {
	code int64
	why  string
}{
	{9999999, `rows of CO_MUN 9999999 ("Município Não Declarado", UF ND in Comex Stat's UF_MUN.csv): in core with municipio NULL, in no municipality's total`},
	{9300000, `rows of CO_MUN 9300000 ("Exterior", UF EX in Comex Stat's UF_MUN.csv): in core with municipio NULL, in no municipality's total`},
}

// comexMunWithoutSQL lists comexMunWithout as staging spells CO_MUN.
func comexMunWithoutSQL() string {
	codes := make([]string, len(comexMunWithout))
	for i, w := range comexMunWithout {
		codes[i] = fmt.Sprintf("'%07d'", w.code)
	}
	return strings.Join(codes, ", ")
}

// checkComexMunMapped refuses the municipal file when a CO_MUN other than
// comexMunWithout maps to no municipality: every landed row must reach core with its
// municipality, or its state's and municipality's totals come out short.
// It runs after staging_comex_mun, before core.
func checkComexMunMapped(j *job) error {
	var (
		line      int64
		code, uf  string
		unmatched int
	)
	found, err := j.firstUnmapped("comex_mun mapping check", "check_comex_mun_mapped", &line, &code, &uf, &unmatched)
	if err != nil || !found {
		return err
	}
	return j.contractErr(int(line), "CO_MUN", comexMunUnmapped, code, uf, unmatched)
}

// comexMunUnmapped is the refusal of an unmapped CO_MUN (value, SG_UF_MUN,
// rows), in fmt's verbs and BigQuery's FORMAT alike; no apostrophe or
// semicolon, as BigQuery's check quotes it.
var comexMunUnmapped = `CO_MUN "%s" (SG_UF_MUN %s) maps to no municipality of the territorial table (%d rows of this file map nowhere, and only ` +
	strings.ReplaceAll(comexMunWithoutSQL(), "'", "") + ` are published without one)`

func loadComexAux(j *job, rd *delim.Reader, header []string, c *Contract) error {
	b, err := c.bind(j.File, rd.Line(), header)
	if err != nil {
		return err
	}
	table := "comex_" + c.Layout
	if err := j.runModels("landing_" + table); err != nil {
		return err
	}
	cols := map[string][]string{
		"aux_ncm":    {"co_ncm", "co_unid", "co_sh6", "no_ncm_por"},
		"aux_ncm_sh": {"co_sh6", "no_sh6_por", "co_sh4", "no_sh4_por", "co_sh2", "no_sh2_por"},
		"aux_pais":   {"co_pais", "co_pais_isoa3", "no_pais"},
		"aux_uf":     {"co_uf", "sg_uf", "no_uf", "no_regiao"},
		"aux_urf":    {"co_urf", "no_urf"},
	}[c.Layout]
	l, err := j.land(table, cols...)
	if err != nil {
		return err
	}
	vals := make([]any, len(c.Columns))
	err = j.landEach(rd, b, l, func(r *row) error {
		for i, col := range c.Columns {
			if col.Kind == Code {
				vals[i] = r.code(i)
			} else {
				vals[i] = nullable(r.text(i))
			}
		}
		if err := r.err(); err != nil {
			return err
		}
		return l.add(r.line, vals...)
	})
	if err != nil {
		return err
	}
	j.finish = func() error {
		models := append(append([]string{}, comexDimDDL...), "core_dim_"+c.Layout)
		return j.runModels(append(models, j.dependentRefreshes()...)...)
	}
	return nil
}

// comexDimDDL creates the Comex Stat dimensions the mart joins, loaded or not.
var comexDimDDL = []string{"ddl_core_dim_ncm", "ddl_core_dim_sh", "ddl_core_dim_pais", "ddl_core_dim_comex_uf", "ddl_core_dim_urf"}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
