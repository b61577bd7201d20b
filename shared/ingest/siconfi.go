package ingest

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/mirante/mirante/shared/ingest/delim"
)

// Siconfi "Consultar FINBRA" downloads (Tesouro Nacional): a zip holding one
// CSV, or the CSV itself. Latin-1, ';', decimal comma with negatives, five
// metadata lines ("Exercício: 2018", "Período: 2o. semestre", "Escopo:
// Municípios", the annex and the table) before the header
// Instituição;Cod.IBGE;UF;PODER;População;Coluna;Conta;Valor.
//
// The mart's account is Conta; its Coluna ("SALDO DO EXERCÍCIO ANTERIOR",
// "Até o 2º Semestre": the date or span of the figure) is a dimension of
// its own, with the file's label, and the mart holds one declared figure
// per account and column, never a sum (marts_siconfi_annual says which).
// Where the report repeats a Conta under different parents (RGF Anexo 02:
// "Internos"/"Externos" under Empréstimos and under Financiamentos), the
// parent is named too ("Financiamentos - Internos"). Rows of a legislative
// institution are prefixed with the power. Percentages ("% da DC sobre a
// RCL") are not R$: they stay in core, out of value_brl, and the report
// counts them as skipped (the rows the contract does not publish). A file
// replaces its year's rows of the same annex, table and period. Its
// População column is kept as core.fact_populacao, the population source
// of pib_municipal.
//
// Cod.IBGE resolves against the territorial table, so that table must be
// loaded first; a code it does not have refuses the whole file, naming the
// first such line: a landed row must reach the mart, or the municipality's
// accounts would be missing with only a note to say so.

var siconfiContract = &Contract{Source: "siconfi", Layout: "finbra_csv", Extra: true, Mark: delim.Comma, Columns: []Column{
	{Name: "Instituição", Kind: Text},
	{Name: "Cod.IBGE", Kind: Code, Width: 7},
	{Name: "UF", Kind: Text},
	{Name: "PODER", Kind: Text, Optional: true, Nullable: true},
	{Name: "População", Kind: Int, Optional: true, Nullable: true},
	{Name: "Coluna", Kind: Text, Nullable: true},
	{Name: "Conta", Kind: Text},
	{Name: "Valor", Kind: Decimal},
}}

// siconfiParents are the accounts whose sub-accounts repeat names.
var siconfiParents = map[string]bool{"emprestimos": true, "financiamentos": true}
var siconfiRepeated = map[string]bool{"internos": true, "externos": true}

func loadSiconfi(j *job) error {
	j.Layout = "finbra_csv"
	in := j.in
	if strings.EqualFold(path.Ext(j.File), ".zip") || j.Params.Layout == "finbra_zip" {
		j.Layout = "finbra_zip"
		entry, cleanup, err := zipEntry(j, ".csv")
		if err != nil {
			return err
		}
		defer cleanup()
		in = entry
	}
	text, _, err := delim.Decode(in, delim.Windows1252)
	if err != nil {
		return err
	}
	rd := delim.NewReader(text, ';')
	meta, b, err := siconfiHeader(j, rd)
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(meta["exercicio"])
	if err != nil || year < 1990 || year > 2200 {
		return j.contractErr(1, "Exercício", "the metadata lines give no year (\"Exercício: 2018\"): %q", meta["exercicio"])
	}
	report := strings.TrimSpace(meta["anexo"] + " | " + meta["tabela"] + " | " + meta["periodo"])
	j.Scope = report
	j.addPeriod(strconv.Itoa(year))
	if err := j.runModels("landing_siconfi"); err != nil {
		return err
	}
	l, err := j.landConst("siconfi", []Const{{Column: "exercicio", Value: int64(year)}, {Column: "report", Value: report}},
		"instituicao", "cod_ibge", "uf", "poder", "populacao", "coluna", "conta", "account", "valor")
	if err != nil {
		return err
	}
	var blockKey, parent string
	var percent int64
	err = j.eachRecord(rd, b, true, func(r *row) error {
		cod, coluna, conta, poder := r.code(1), r.text(5), r.text(6), r.text(3)
		var pop any
		if r.present(4) && strings.TrimSpace(r.raw(4)) != "" {
			pop = r.int(4)
		}
		valor := r.decimal(7)
		if err := r.err(); err != nil {
			return err
		}
		if siconfiPercent(conta) {
			percent++
		}
		if k := cod + "|" + poder + "|" + coluna; k != blockKey {
			blockKey, parent = k, "Empréstimos"
		}
		var account string
		account, parent = siconfiAccount(conta, poder, parent)
		return l.add(r.line, r.text(0), cod, strings.ToUpper(r.text(2)), nullable(poder), pop, coluna, conta, account, valor)
	})
	if err != nil {
		return err
	}
	if err := l.close(); err != nil {
		return err
	}
	if j.Report.RowsRead == 0 {
		return j.contractErr(0, "", "no data rows")
	}
	j.skipLanded(percent, "percentage rows (Conta \"% da … sobre a RCL\": not R$, kept in core, out of value_brl)")
	j.finish = func() error { return finishSiconfi(j, year, report) }
	return nil
}

// siconfiHeader reads FINBRA's metadata lines ("Exercício: 2018", the
// annex, table and period) up to the header, the first line with several
// fields, and binds the header.
func siconfiHeader(j *job, rd *delim.Reader) (map[string]string, *binding, error) {
	meta := map[string]string{}
	for {
		rec, err := rd.Read()
		if err != nil {
			return nil, nil, j.contractErr(rd.Line(), "", "no header line (Instituição;Cod.IBGE;...): %v", err)
		}
		// The metadata lines have one field; bind names what the header lacks.
		if len(rec) >= 4 || rd.Line() > 20 {
			b, err := siconfiContract.bind(j.File, rd.Line(), rec)
			return meta, b, err
		}
		line := strings.Join(rec, ";")
		if k, v, ok := strings.Cut(line, ":"); ok {
			meta[delim.Name(k)] = strings.TrimSpace(strings.TrimRight(v, "; "))
		} else if t := strings.TrimSpace(strings.TrimRight(line, "; ")); t != "" {
			meta["anexo"] = t
		}
	}
}

// siconfiAccount names a Conta as the mart's account: the sub-accounts
// FINBRA repeats under several parents ("Internos", "Externos") are
// qualified by the last parent seen in their block, and a power other
// than the executive prefixes the name. It returns the parent for the
// next line.
func siconfiAccount(conta, poder, parent string) (account, nextParent string) {
	key := delim.Name(conta)
	account = conta
	switch {
	case siconfiParents[key]:
		parent = conta
	case siconfiRepeated[key]:
		account = parent + " - " + conta
	}
	if poder != "" && delim.Name(poder) != "executivo" {
		account = poder + ": " + account
	}
	return account, parent
}

// finishSiconfi runs the models of a FINBRA file once its rows landed.
func finishSiconfi(j *job, year int, report string) error {
	p := map[string]any{"year": int64(year), "report": report}
	if err := j.runModelsWith(p, "ref_dim_uf", "ddl_core_dim_municipio", "staging_siconfi"); err != nil {
		return err
	}
	if err := checkSiconfiMapped(j); err != nil {
		return err
	}
	if err := j.runModelsWith(p, "ddl_core_fact_siconfi", "core_fact_siconfi", "ddl_core_fact_populacao", "core_fact_populacao_siconfi",
		"ddl_marts_siconfi_annual", "marts_siconfi_annual", "ddl_marts_pib_municipal", "marts_pib_population"); err != nil {
		return err
	}
	return j.noteSiconfi()
}

// siconfiPercent tells a percentage row (its Conta, trimmed, starts with
// "%"), as staging_siconfi's is_percent does.
func siconfiPercent(conta string) bool { return strings.HasPrefix(conta, "%") }

// siconfiCodeColumn is the FINBRA column that names the municipality.
const siconfiCodeColumn = "Cod.IBGE"

// checkSiconfiMapped refuses the file when a Cod.IBGE of it is not in the
// territorial table: every landed row must reach core with its
// municipality.
func checkSiconfiMapped(j *job) error {
	var (
		line      int64
		code      string
		unmatched int
	)
	found, err := j.firstUnmapped("siconfi mapping check", "check_siconfi_mapped", &line, &code, &unmatched)
	if err != nil || !found {
		return err
	}
	return j.contractErr(int(line), siconfiCodeColumn, "%q is not in the territorial table (%d rows of this file name a code it does not have)", code, unmatched)
}

// noteSiconfi notes the accounts a municipality repeats in one column, of
// which the mart publishes the first line's figure.
func (j *job) noteSiconfi() error {
	var dups int64
	recent := ""
	if b := j.sess.LandingBound(); b != "" {
		recent = " AND " + b
	}
	err := j.sess.QueryRow(j.ctx, `SELECT count(*) FROM (SELECT 1 FROM landing.siconfi WHERE file_sha256 = ?`+recent+`
		GROUP BY cod_ibge, account, coluna HAVING count(*) > 1)`, j.SHA256).Scan(&dups)
	if err != nil {
		return fmt.Errorf("checking the FINBRA load: %w", err)
	}
	if dups > 0 {
		j.note("%d accounts repeat within a municipality and column: the mart publishes the figure of the first line of each, not their sum", dups)
	}
	return nil
}
