package ingest

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/ingest/delim"
	brazil "github.com/mirante/mirante/shared/territory"
)

// Novo CAGED microdata (MTE): one row per hiring or separation of a person.
// CAGEDMOV holds the month's movements declared in time, CAGEDFOR those
// declared late, CAGEDEXC those excluded (the CAGEDMOV layout plus
// competênciaexc;indicadordeexclusão). UTF-8, ';', decimal comma, the
// municipality as IBGE's 6-digit code (no check digit).
//
// LGPD: rows are counted into cells of competência (of the movement) x
// municipality x CNAE section as they are read, in Go; only those counts
// are landed. No person-level row, and no column that describes a person
// (age, sex, race, wage, occupation...), ever reaches the warehouse.
//
// Exclusions subtract: a CAGEDEXC row with saldomovimentação 1 removes an
// admission from the month of the movement it cancels (competênciamov),
// -1 a separation. The mart is MOV + FOR - EXC per month.
//
// No silent drops: the layout (Layout_Novo_Caged_Movimentacao)
// names the records no municipality or section can hold: município 999999
// ({ñ class}, with uf 99 "Não identificado") or <uf>9999 (Ignorado), and
// seção Z (Não identificado). Those are counted as skipped and never
// landed; every other record lands and must reach core: a município code
// the territorial table does not have refuses the file (checkCAGEDMapped),
// as does a seção that is not a CNAE 2.0 section (A to U) or Z.

var cagedContract = &Contract{Source: "caged", Layout: "cagedmov", Mark: delim.Comma, Columns: []Column{
	{Name: "competênciamov", Kind: Int},
	{Name: "município", Kind: Code, Width: 6},
	{Name: "seção", Kind: Text, Nullable: true},
	{Name: "saldomovimentação", Kind: Int},
	// Read by name only to know the layout; their values are never read.
	{Name: "região", Optional: true}, {Name: "uf", Optional: true}, {Name: "subclasse", Optional: true},
	{Name: "cbo2002ocupação", Optional: true}, {Name: "categoria", Optional: true}, {Name: "graudeinstrução", Optional: true},
	{Name: "idade", Optional: true}, {Name: "horascontratuais", Optional: true}, {Name: "raçacor", Optional: true},
	{Name: "sexo", Optional: true}, {Name: "tipoempregador", Optional: true}, {Name: "tipoestabelecimento", Optional: true},
	{Name: "tipomovimentação", Optional: true}, {Name: "tipodedeficiência", Optional: true},
	{Name: "indtrabintermitente", Optional: true}, {Name: "indtrabparcial", Optional: true}, {Name: "salário", Optional: true},
	{Name: "tamestabjan", Optional: true}, {Name: "indicadoraprendiz", Optional: true}, {Name: "origemdainformação", Optional: true},
	{Name: "competênciadec", Optional: true}, {Name: "indicadordeforadoprazo", Optional: true},
	{Name: "unidadesaláriocódigo", Optional: true}, {Name: "valorsaláriofixo", Optional: true},
	{Name: "competênciaexc", Kind: Int, Optional: true},
	{Name: "indicadordeexclusão", Kind: Int, Optional: true},
}}

const (
	cagedComp = iota
	cagedMun
	cagedSecao
	cagedSaldo
)

// The exclusion columns are the contract's last two.
var cagedCompExc, cagedIndExc = len(cagedContract.Columns) - 2, len(cagedContract.Columns) - 1

var cagedNameRE = regexp.MustCompile(`(?i)^CAGED(MOV|FOR|EXC)(\d{6})`)

type cagedKey struct {
	comp int64 // yyyymm of the movement
	mun  string
	sec  string
}

type cagedCell struct {
	adm, sep, rows int64
	line           int
}

func loadCAGED(j *job) error {
	kind, fileComp := "", ""
	if m := cagedNameRE.FindStringSubmatch(path.Base(j.File)); m != nil {
		kind, fileComp = strings.ToLower(m[1]), m[2]
	}
	rd, header, err := j.openDelimited(j.in, delim.UTF8, ';')
	if err != nil {
		return err
	}
	b, err := cagedContract.bind(j.File, rd.Line(), header)
	if err != nil {
		return err
	}
	if kind, err = cagedKind(j, b, kind, rd.Line()); err != nil {
		return err
	}
	j.Layout = "caged" + kind
	cells, maxComp, err := countCAGED(j, rd, b, kind)
	if err != nil {
		return err
	}
	if fileComp == "" {
		fileComp = fmt.Sprintf("%06d", maxComp)
	}
	fc, err := time.Parse("200601", fileComp)
	if err != nil {
		return j.contractErr(0, "", "file competência %q is not aaaamm", fileComp)
	}
	j.Scope = kind + ":" + fc.Format("2006-01")
	if kind != "exc" {
		j.watermark = fc.Format("2006-01")
	}
	if err := landCAGED(j, cells, kind, fc); err != nil {
		return err
	}
	j.finish = func() error { return finishCAGED(j, kind, fc) }
	return nil
}

// cagedKind is the file's layout (mov, for or exc): the one the load
// forces, else the one its name says, else exc when the header has the
// exclusion columns, else mov.
func cagedKind(j *job, b *binding, kind string, headerLine int) (string, error) {
	hasExc := b.idx[cagedCompExc] >= 0 && b.idx[cagedIndExc] >= 0
	switch {
	case j.Params.Layout != "":
		kind = strings.TrimPrefix(j.Params.Layout, "caged")
	case kind == "" && hasExc:
		kind = "exc"
	case kind == "":
		kind = "mov"
	}
	if kind != "mov" && kind != "for" && kind != "exc" {
		return "", j.contractErr(0, "", "unknown CAGED layout %q (cagedmov, cagedfor, cagedexc)", kind)
	}
	if kind == "exc" && !hasExc {
		col := "competênciaexc"
		if b.idx[cagedCompExc] >= 0 {
			col = "indicadordeexclusão"
		}
		return "", j.contractErr(headerLine, col, "missing from the header (cagedexc layout)")
	}
	return kind, nil
}

// countCAGED counts the file's records into cells, skipping (and
// reporting) those the layout names as having no municipality or section;
// it returns the cells and the latest competência read.
func countCAGED(j *job, rd *delim.Reader, b *binding, kind string) (map[cagedKey]*cagedCell, int64, error) {
	cells := map[cagedKey]*cagedCell{}
	var maxComp, noMunicipio, noSection int64
	err := j.eachRecord(rd, b, false, func(r *row) error {
		comp, mun, sec, saldo := r.int(cagedComp), r.code(cagedMun), strings.ToUpper(r.text(cagedSecao)), r.int(cagedSaldo)
		if kind == "exc" {
			if c := r.int(cagedCompExc); c > maxComp {
				maxComp = c
			}
			r.int(cagedIndExc)
		} else if comp > maxComp {
			maxComp = comp
		}
		if err := r.err(); err != nil {
			return err
		}
		if comp%100 < 1 || comp%100 > 12 || comp/100 < 2000 || comp/100 > 2200 {
			return j.contractErr(r.line, "competênciamov", "not a month (aaaamm): %d", comp)
		}
		if saldo != 1 && saldo != -1 {
			return j.contractErr(r.line, "saldomovimentação", "must be 1 or -1, is %d", saldo)
		}
		if sec != cagedNoSection && (len(sec) != 1 || sec[0] < 'A' || sec[0] > 'U') {
			return j.contractErr(r.line, "seção", "not a CNAE 2.0 section (A to U) nor %s (não identificado): %q", cagedNoSection, sec)
		}
		if cagedNoMunicipio(mun) {
			noMunicipio++
			return nil
		}
		if sec == cagedNoSection {
			noSection++
			return nil
		}
		k := cagedKey{comp, mun, sec}
		c := cells[k]
		if c == nil {
			c = &cagedCell{line: r.line}
			cells[k] = c
		}
		c.rows++
		if saldo == 1 {
			c.adm++
		} else {
			c.sep++
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if j.Report.RowsRead == 0 {
		return nil, 0, j.contractErr(0, "", "no movement rows")
	}
	j.skip(noMunicipio, "records (one movement each) of município 999999 or <uf>9999, not identified in the CAGED layout: no municipality to publish them in")
	j.skip(noSection, "records (one movement each) of seção "+cagedNoSection+", not identified in the CAGED layout: no CNAE section to publish them in")
	return cells, maxComp, nil
}

// landCAGED lands the cells in key order, so that the same counts land
// as the same rows whatever order the file had.
func landCAGED(j *job, cells map[cagedKey]*cagedCell, kind string, fc time.Time) error {
	keys := make([]cagedKey, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		x, y := keys[a], keys[b]
		if x.comp != y.comp {
			return x.comp < y.comp
		}
		if x.mun != y.mun {
			return x.mun < y.mun
		}
		return x.sec < y.sec
	})
	if err := j.runModels("landing_caged"); err != nil {
		return err
	}
	l, err := j.landConst("caged", []Const{{Column: "kind", Value: kind}, {Column: "file_competencia", Value: fc}},
		"competencia_mov", "municipio6", "secao", "admissions", "separations", "movements")
	if err != nil {
		return err
	}
	for _, k := range keys {
		c := cells[k]
		m := time.Date(int(k.comp/100), time.Month(k.comp%100), 1, 0, 0, 0, 0, time.UTC)
		j.addPeriod(m.Format("2006-01"))
		if err := l.add(c.line, m, k.mun, k.sec, c.adm, c.sep, c.rows); err != nil {
			return err
		}
	}
	return l.close()
}

// finishCAGED runs the models of a CAGED file once its cells landed.
func finishCAGED(j *job, kind string, fc time.Time) error {
	p := map[string]any{"kind": kind, "file_competencia": fc}
	// The models replace the months the replaced cells touched too.
	if err := j.sess.ExtendScope(j.ctx, `SELECT DISTINCT month FROM core.fact_caged WHERE kind = ? AND file_competencia = ?`, kind, fc); err != nil {
		return err
	}
	if err := j.runModelsWith(p, "ref_dim_uf", "ref_dim_cnae_secao", "ddl_core_dim_municipio", "staging_caged"); err != nil {
		return err
	}
	if err := checkCAGEDMapped(j); err != nil {
		return err
	}
	return j.runModelsWith(p, "ddl_core_fact_caged", "core_fact_caged", "ddl_marts_caged_monthly", "marts_caged_monthly")
}

// cagedNoSection is the seção the CAGED layout names "Não identificado".
const cagedNoSection = "Z"

// cagedNoMunicipio reports whether a 6-digit município code is one the CAGED
// layout names as no municipality: 999999 ({ñ class}) or a UF's <uf>9999
// (Ignorado). No IBGE municipality has such a code.
func cagedNoMunicipio(mun string) bool {
	if len(mun) != 6 || mun[2:] != "9999" {
		return false
	}
	_, uf := brazil.ByCode(mun[:2])
	return uf || mun == "999999"
}

// cagedMunicipioColumn is the CAGED column of the 6-digit município code.
const cagedMunicipioColumn = "município"

// checkCAGEDMapped refuses the file when one of its landed cells has a
// município code the territorial table does not have: every landed cell
// must reach core. A cell keeps the line
// of its first record, so the first such cell names the first such record.
func checkCAGEDMapped(j *job) error {
	var (
		line, records int64
		mun, uf       string
	)
	found, err := j.firstUnmapped("caged mapping check", "check_caged_mapped", &line, &mun, &uf, &records)
	if err != nil || !found {
		return err
	}
	return j.contractErr(int(line), cagedMunicipioColumn, "município %q (%s) not in the territorial table (records of this file with a município code it does not have: %d)", mun, uf, records)
}
