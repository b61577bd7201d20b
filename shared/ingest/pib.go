package ingest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mirante/mirante/shared/ingest/delim"
	brazil "github.com/mirante/mirante/shared/territory"
)

// PIB dos Municípios: SIDRA table 5938 downloaded as XLSX. One sheet per
// variable (the loader reads "Produto Interno Bruto a preços correntes (Mil
// Reais)"), title lines, a header "Unidade da Federação e Município" /
// "Ano", a row of years, then the UFs (by name) and the municipalities,
// named only "Nome (UF)"; "..." where a year is not published; a "Fonte"
// footer. Values are R$ thousands: the mart stores R$.
//
// Municipalities are matched to IBGE codes by UF and name, accents, case and
// punctuation aside (core.municipio_name, filled by the territorial load),
// so the territorial table must be loaded first; a name that matches none
// refuses the whole file, naming its line, since leaving it out would make
// its UF's and Brazil's totals short. The XLSX format forces the file into
// memory (excelize opens the zip), but rows are streamed with its row
// iterator.

var pibNameRE = regexp.MustCompile(`^(.+?)\s*\(([A-Z]{2})\)$`)

func loadPIB(j *job) error {
	j.Layout = "sidra_5938_xlsx"
	x, err := excelize.OpenReader(j.in)
	if err != nil {
		return j.contractErr(0, "", "not an XLSX workbook: %v", err)
	}
	defer x.Close()
	sheet, err := pibSheet(j, x)
	if err != nil {
		return err
	}
	rows, err := x.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := j.runModels("landing_pib"); err != nil {
		return err
	}
	l, err := j.land("pib", "nome", "uf", "name_key", "year", "pib_mil")
	if err != nil {
		return err
	}
	p := pibReader{j: j, l: l}
	for rows.Next() {
		p.line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return j.contractErr(p.line, "", "%v", err)
		}
		if err := p.row(cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return err
	}
	j.skip(int64(p.ufRows), "UF rows (the state totals; the mart sums the municipalities)")
	if err := l.close(); err != nil {
		return err
	}
	if len(j.periods) == 0 {
		return j.contractErr(0, "", "no municipality value")
	}
	j.finish = func() error {
		if err := j.runModels("ref_dim_uf", "ddl_core_dim_municipio", "ddl_core_municipio_name", "ref_municipio_alias", "staging_pib"); err != nil {
			return err
		}
		if err := checkPIBMapped(j); err != nil {
			return err
		}
		return j.runModels("ddl_core_fact_pib", "core_fact_pib", "ddl_core_fact_populacao", "ddl_marts_pib_municipal", "marts_pib_municipal")
	}
	return nil
}

// pibSheet finds the workbook's sheet of the PIB at current prices, in R$
// thousands, and checks that the workbook is SIDRA table 5938.
func pibSheet(j *job, x *excelize.File) (string, error) {
	sheet := ""
	for _, s := range x.GetSheetList() {
		v, _ := x.GetCellValue(s, "A2")
		n := delim.Name(v)
		if strings.Contains(n, "produto_interno_bruto_a_precos_correntes") {
			sheet = s
			if !strings.Contains(n, "mil_reais") {
				return "", j.contractErr(2, "Variável", "the PIB is not in R$ thousands (Mil Reais): %q", v)
			}
			break
		}
	}
	if sheet == "" {
		return "", j.contractErr(2, "Variável", "no sheet of \"Produto Interno Bruto a preços correntes (Mil Reais)\" (SIDRA table 5938)")
	}
	title, _ := x.GetCellValue(sheet, "A1")
	if !strings.HasPrefix(delim.Name(title), "tabela_5938") {
		return "", j.contractErr(1, "", "not SIDRA table 5938: %q", title)
	}
	return sheet, nil
}

// pibReader reads the sheet's rows in order: two title lines, the header,
// the row of years, then UFs and municipalities, and a footer.
type pibReader struct {
	j      *job
	l      *lander
	line   int
	years  []int
	ufRows int
}

// row reads the sheet's next row.
func (p *pibReader) row(cells []string) error {
	j, line := p.j, p.line
	first := ""
	if len(cells) > 0 {
		first = strings.TrimSpace(cells[0])
	}
	switch {
	case line <= 2:
		return nil
	case line == 3:
		if len(cells) < 2 || delim.Name(first) != "unidade_da_federacao_e_municipio" || delim.Name(cells[1]) != "ano" {
			return j.contractErr(line, "Unidade da Federação e Município", "the header is not \"Unidade da Federação e Município\" / \"Ano\": %q", cells)
		}
		return nil
	case line == 4:
		for i, c := range cells[1:] {
			y, err := strconv.Atoi(strings.TrimSpace(c))
			if err != nil || y < 1990 || y > 2200 {
				return j.contractErr(line, "Ano", "column %d is not a year: %q", i+2, c)
			}
			p.years = append(p.years, y)
		}
		if len(p.years) == 0 {
			return j.contractErr(line, "Ano", "no years")
		}
		return nil
	case first == "" || strings.HasPrefix(first, "Fonte:"):
		return nil
	}
	m := pibNameRE.FindStringSubmatch(first)
	if m == nil {
		if _, ok := ufByName(first); ok {
			j.Report.RowsRead++
			p.ufRows++
			return nil
		}
		return j.contractErr(line, "Unidade da Federação e Município", "neither a UF nor \"Município (UF)\": %q", first)
	}
	if _, ok := brazil.BySigla(m[2]); !ok {
		return j.contractErr(line, "Unidade da Federação e Município", "unknown UF %q in %q", m[2], first)
	}
	j.Report.RowsRead++
	for i, y := range p.years {
		cell := ""
		if i+1 < len(cells) {
			cell = cells[i+1]
		}
		v, ok, err := delim.ParseSIDRA(cell, delim.Point)
		if err != nil {
			return j.contractErr(line, strconv.Itoa(y), "%s: not a SIDRA value: %q", first, cell)
		}
		if !ok {
			continue
		}
		j.addPeriod(strconv.Itoa(y))
		if err := p.l.add(line, m[1], m[2], delim.Name(m[1]), int64(y), v); err != nil {
			return err
		}
	}
	return nil
}

// pibNameColumn is the column of SIDRA 5938 that names the place.
const pibNameColumn = "Unidade da Federação e Município"

// checkPIBMapped refuses the file when one of its municipalities resolves
// to no IBGE code: every landed row must reach core. (A file without the
// territorial table is refused before, see Source.Requires.)
func checkPIBMapped(j *job) error {
	var (
		line      int64
		nome, uf  string
		unmatched int
	)
	found, err := j.firstUnmapped("pib mapping check", "check_pib_mapped", &line, &nome, &uf, &unmatched)
	if err != nil || !found {
		return err
	}
	return j.contractErr(int(line), pibNameColumn, "município %q (%s) not in the territorial table (%d values of this file name no known municipality)", nome, uf, unmatched)
}
