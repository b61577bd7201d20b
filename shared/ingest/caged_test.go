package ingest_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/ingest/delim"
)

// loadDTB fills the territorial table, which the other sources join.
func loadDTB(t *testing.T, db *sql.DB) {
	t.Helper()
	loadFile(t, db, "ibge_territorio", dataFile(t, "ibge_municipios/ibge_dtb_relatorio_municipio.csv"), ingest.LoadParams{})
}

func TestCAGEDExclusions(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := dataFile(t, "caged/CAGEDEXC202301.txt")
	rep := loadFile(t, db, "caged", path, ingest.LoadParams{})
	if rep.RowsRead != 7900 || rep.Layout != "cagedexc" {
		t.Fatalf("report %+v", rep)
	}

	// The file's own sums, read with encoding/csv: admissions and
	// separations, and those in a municipality that is not one (999999).
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	header, _ := r.Read()
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var adm, sep, ignoredAdm, ignoredSep int64
	codes := map[string]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		mun := rec[col["município"]]
		codes[mun] = true
		switch s := rec[col["saldomovimentação"]]; {
		case s == "1" && mun == "999999":
			ignoredAdm++
		case s == "-1" && mun == "999999":
			ignoredSep++
		case s == "1":
			adm++
		case s == "-1":
			sep++
		}
	}
	if adm+sep+ignoredAdm+ignoredSep != 7900 || ignoredAdm+ignoredSep == 0 {
		t.Fatalf("the file: %d + %d + %d ignored rows", adm, sep, ignoredAdm+ignoredSep)
	}
	// The 999999 records are skipped, counted, not noted.
	if skipped := cagedNotIdentified(t, path); rep.RowsSkipped != skipped || skipped != ignoredAdm+ignoredSep ||
		len(rep.SkippedWhy) != 1 || !strings.Contains(rep.SkippedWhy[0], "999999") || len(rep.Notes) != 0 {
		t.Fatalf("skipped %d %q, notes %q; the file has %d records of no municipality", rep.RowsSkipped, rep.SkippedWhy, rep.Notes, skipped)
	}
	var madm, msep, mnet int64
	if err := db.QueryRow(`SELECT sum(admissions), sum(separations), sum(net) FROM marts.caged_monthly`).Scan(&madm, &msep, &mnet); err != nil {
		t.Fatal(err)
	}
	// Exclusions subtract from their months.
	if madm != -adm || msep != -sep || mnet != -(adm-sep) {
		t.Fatalf("mart admissions %d separations %d net %d, want %d %d %d", madm, msep, mnet, -adm, -sep, -(adm - sep))
	}

	// Every 6-digit code but 999999 maps to a 7-digit code of the territorial
	// table, and agrees with IBGE's check digit rule (exceptions included).
	for code := range codes {
		var full string
		err := db.QueryRow(`SELECT municipio FROM core.dim_municipio WHERE left(municipio, 6) = ?`, code).Scan(&full)
		if code == "999999" {
			if err == nil {
				t.Fatalf("999999 mapped to %s", full)
			}
			continue
		}
		if err != nil {
			t.Fatalf("CAGED code %s does not join the territorial table: %v", code, err)
		}
		if got, ok := delim.IBGECode7(code); !ok || got != full {
			t.Errorf("IBGECode7(%s) = %s, the table says %s", code, got, full)
		}
	}
	var unmapped int
	if err := db.QueryRow(`SELECT count(*) FROM marts.caged_monthly m LEFT JOIN core.dim_municipio d USING (municipio)
		WHERE d.municipio IS NULL OR length(m.municipio) <> 7`).Scan(&unmapped); err != nil || unmapped != 0 {
		t.Fatalf("%d mart rows without a 7-digit municipality of the table (%v)", unmapped, err)
	}
}

// No person-level row survives landing: the CAGED tables hold counts per
// cell, and no column describes a person.
func TestCAGEDNoPersonLevelData(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	rep := loadFile(t, db, "caged", dataFile(t, "caged/CAGEDEXC202301.txt"), ingest.LoadParams{})
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns
		WHERE table_schema IN ('landing', 'staging', 'core', 'marts')
		  AND regexp_matches(column_name, 'idade|sexo|sal[aá]rio|ra[cç]a|cbo|instru|defici|horas|aprendiz')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d warehouse columns describe a person", n)
	}
	var rows, movements, cells int64
	if err := db.QueryRow(`SELECT count(*), sum(movements), count(DISTINCT (competencia_mov, municipio6, secao)) FROM landing.caged`).Scan(&rows, &movements, &cells); err != nil {
		t.Fatal(err)
	}
	if movements+rep.RowsSkipped != 7900 || rows != cells || rows >= 7900 {
		t.Fatalf("landing.caged: %d rows for %d movements in %d cells (%d records skipped)", rows, movements, cells, rep.RowsSkipped)
	}
}

// cagedMOVFrom writes a CAGEDMOV file (the EXC layout less competênciaexc
// and indicadordeexclusão) holding the rows of the EXC sample whose
// movement month is month and that keep selects.
func cagedMOVFrom(t *testing.T, dir, name, month string, keep func(i int) bool) (string, int64, int64) {
	t.Helper()
	raw, err := os.ReadFile(dataFile(t, "caged/CAGEDEXC202301.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\r\n"), "\r\n")
	header := strings.Split(lines[0], ";")
	drop := map[int]bool{}
	for i, h := range header {
		if h == "competênciaexc" || h == "indicadordeexclusão" {
			drop[i] = true
		}
	}
	cut := func(f []string) string {
		var out []string
		for i, v := range f {
			if !drop[i] {
				out = append(out, v)
			}
		}
		return strings.Join(out, ";")
	}
	var b strings.Builder
	b.WriteString(cut(header) + "\r\n")
	var adm, sep int64
	for i, l := range lines[1:] {
		f := strings.Split(l, ";")
		if f[0] != month || f[3] == "999999" || !keep(i) {
			continue
		}
		if f[6] == "1" {
			adm++
		} else {
			sep++
		}
		b.WriteString(cut(f) + "\r\n")
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, adm, sep
}

// In-time movements add, exclusions subtract from their movement's month;
// a revised CAGEDMOV of the same competência replaces the first one.
func TestCAGEDMovementsMinusExclusions(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	dir := t.TempDir()
	movPath, movAdm, movSep := cagedMOVFrom(t, dir, "CAGEDMOV202212.txt", "202212", func(int) bool { return true })
	rep := loadFile(t, db, "caged", movPath, ingest.LoadParams{})
	if rep.Layout != "cagedmov" || rep.Watermark != "2022-12" || len(rep.Periods) != 1 {
		t.Fatalf("report %+v", rep)
	}
	dec := func() (adm, sep, net int64) {
		t.Helper()
		if err := db.QueryRow(`SELECT sum(admissions), sum(separations), sum(net) FROM marts.caged_monthly WHERE month = DATE '2022-12-01'`).Scan(&adm, &sep, &net); err != nil {
			t.Fatal(err)
		}
		return
	}
	if a, s, n := dec(); a != movAdm || s != movSep || n != movAdm-movSep {
		t.Fatalf("after CAGEDMOV: %d %d %d, want %d %d", a, s, n, movAdm, movSep)
	}
	// The exclusions of 2023-01 cancel (among others) every one of those
	// December movements: December nets to zero.
	loadFile(t, db, "caged", dataFile(t, "caged/CAGEDEXC202301.txt"), ingest.LoadParams{})
	if a, s, n := dec(); a != 0 || s != 0 || n != 0 {
		t.Fatalf("after CAGEDEXC: December %d %d %d, want 0 0 0", a, s, n)
	}
	// A revised CAGEDMOV202212 with half the rows replaces the first.
	rev, revAdm, revSep := cagedMOVFrom(t, t.TempDir(), "CAGEDMOV202212.txt", "202212", func(i int) bool { return i%2 == 0 })
	loadFile(t, db, "caged", rev, ingest.LoadParams{})
	if a, s, _ := dec(); a != revAdm-movAdm || s != revSep-movSep {
		t.Fatalf("after the revision: %d %d, want %d %d", a, s, revAdm-movAdm, revSep-movSep)
	}
	if w, err := duckdb.Watermark(context.Background(), db, "caged"); err != nil || w != "2022-12" {
		t.Fatalf("watermark %q, %v", w, err)
	}
}

// cagedNotIdentified counts, with encoding/csv, the records of a CAGED file
// that the layout names as no municipality (999999, <uf>9999) or no section
// (Z): the records a load must report as skipped.
func cagedNotIdentified(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var n int64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		mun, uf := rec[col["município"]], rec[col["uf"]]
		if mun == "999999" || mun == uf+"9999" || rec[col["seção"]] == "Z" {
			n++
		}
	}
}

// cagedSampleWith writes a copy of the CAGEDEXC sample, under its own name,
// with the values of the given lines (1 is the header) and columns changed.
func cagedSampleWith(t *testing.T, edits map[int]map[string]string) string {
	t.Helper()
	raw, err := os.ReadFile(dataFile(t, "caged/CAGEDEXC202301.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\r\n")
	header := strings.Split(lines[0], ";")
	for line, cols := range edits {
		f := strings.Split(lines[line-1], ";")
		for name, v := range cols {
			i := slices.Index(header, name)
			if i < 0 {
				t.Fatalf("no column %s", name)
			}
			f[i] = v
		}
		lines[line-1] = strings.Join(f, ";")
	}
	p := filepath.Join(t.TempDir(), "CAGEDEXC202301.txt")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// cagedMart is the mart's row count and sums.
func cagedMart(t *testing.T, db *sql.DB) (n, adm, sep int64) {
	t.Helper()
	if err := db.QueryRow(`SELECT count(*), coalesce(sum(admissions), 0), coalesce(sum(separations), 0) FROM marts.caged_monthly`).Scan(&n, &adm, &sep); err != nil {
		t.Fatal(err)
	}
	return n, adm, sep
}

// CAGED loaded before the territorial table is refused, naming
// the command that fixes it, and changes no mart; once the table is
// loaded, the same file loads.
func TestCAGEDBeforeTheTerritoryIsRefusedThenLoads(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, "caged/CAGEDEXC202301.txt")
	var ce *ingest.ContractError
	if err := loadErr(t, db, "caged", path); !errors.As(err, &ce) || !strings.HasPrefix(ce.Reason, "load ibge_territorio first: make ingest SOURCE=ibge_territorio") {
		t.Fatalf("CAGED before the territory: %v", err)
	}
	if n, _, _ := cagedMart(t, db); n != 0 {
		t.Fatalf("a refused load left %d rows in the mart", n)
	}
	loadDTB(t, db)
	rep := loadFile(t, db, "caged", path, ingest.LoadParams{})
	if rep.Skipped {
		t.Fatal("the same file, refused before, was skipped as already loaded")
	}
	if n, _, _ := cagedMart(t, db); n == 0 {
		t.Fatal("after the territory: the mart is empty")
	}
}

// A município code the territorial table does not have, or a
// seção that is no CNAE section, refuses the file naming the record's line,
// column and value; the mart keeps what it had.
func TestCAGEDUnknownCodesAreRefused(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	loadFile(t, db, "caged", dataFile(t, "caged/CAGEDEXC202301.txt"), ingest.LoadParams{})
	n0, adm0, sep0 := cagedMart(t, db)
	var known int
	if err := db.QueryRow(`SELECT count(*) FROM core.dim_municipio WHERE left(municipio, 6) = '119998'`).Scan(&known); err != nil || known != 0 {
		t.Fatalf("119998 is a municipality of the table (%d, %v)", known, err)
	}
	cases := []struct {
		name, column, value, reason string
		line                        int
	}{
		{"município", "município", "119998", `município "119998" (RO) not in the territorial table`, 41},
		{"seção", "seção", "W", `not a CNAE 2.0 section (A to U) nor Z (não identificado): "W"`, 77},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			broken := cagedSampleWith(t, map[int]map[string]string{tc.line: {tc.column: tc.value}, tc.line + 500: {tc.column: tc.value}})
			var ce *ingest.ContractError
			err := loadErr(t, db, "caged", broken)
			if !errors.As(err, &ce) || ce.Line != tc.line || ce.Column != tc.column || !strings.Contains(ce.Reason, tc.reason) {
				t.Fatalf("a file with %s %q on lines %d and %d: %v", tc.column, tc.value, tc.line, tc.line+500, err)
			}
			if n, adm, sep := cagedMart(t, db); n != n0 || adm != adm0 || sep != sep0 {
				t.Fatalf("the refused file changed the mart: %d rows, %d, %d; was %d, %d, %d", n, adm, sep, n0, adm0, sep0)
			}
		})
	}
}

// The layout's other not-identified codes, a UF's <uf>9999
// (Ignorado) and seção Z, are skipped and counted like 999999, and stay
// out of core.
func TestCAGEDNotIdentifiedAreSkipped(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := cagedSampleWith(t, map[int]map[string]string{
		2: {"município": "179999"}, // its uf is 17 (TO)
		3: {"seção": "Z"},
	})
	rep := loadFile(t, db, "caged", path, ingest.LoadParams{})
	want := cagedNotIdentified(t, path)
	if want != cagedNotIdentified(t, dataFile(t, "caged/CAGEDEXC202301.txt"))+2 {
		t.Fatalf("the copy has %d not-identified records", want)
	}
	if rep.RowsSkipped != want || len(rep.SkippedWhy) != 2 || !strings.Contains(rep.SkippedWhy[1], "seção Z") || len(rep.Notes) != 0 {
		t.Fatalf("skipped %d %q, notes %q; want %d", rep.RowsSkipped, rep.SkippedWhy, rep.Notes, want)
	}
	var core, odd int64
	if err := db.QueryRow(`SELECT sum(movements), count(*) FILTER (WHERE municipio IS NULL OR cnae_section = 'Z') FROM core.fact_caged`).Scan(&core, &odd); err != nil {
		t.Fatal(err)
	}
	if core+rep.RowsSkipped != rep.RowsRead || odd != 0 {
		t.Fatalf("core holds %d movements (%d cells without a municipality or section) of %d read, %d skipped", core, odd, rep.RowsRead, rep.RowsSkipped)
	}
}
