package ingest_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
)

// checksums fingerprints every table of the warehouse's layers (the ingest
// log aside): row count and an order-independent digest of the rows.
func checksums(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_schema IN ('landing', 'staging', 'core', 'marts') AND table_type = 'BASE TABLE'
		  AND table_name <> 'ingest_files' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, s)
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range tables {
		var n int64
		var digest sql.NullString
		q := fmt.Sprintf(`SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) FROM %s t`, tb)
		if err := db.QueryRow(q).Scan(&n, &digest); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		out[tb] = fmt.Sprintf("%d:%s", n, digest.String)
	}
	return out
}

func sameChecksums(t *testing.T, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed: %s -> %s", k, v, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && !strings.HasPrefix(after[k], "0:") {
			t.Errorf("%s appeared with rows: %s", k, after[k])
		}
	}
}

// copyWith writes a temporary copy of a sample with one replacement made.
func copyWith(t *testing.T, path, old, new string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, bytes.Replace(raw, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func loadErr(t *testing.T, db *sql.DB, source, path string) error {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = duckdb.Load(context.Background(), db, source, filepath.Base(path), f, ingest.LoadParams{})
	return err
}

// A broken header (a column renamed or dropped in a copy of the sample) is
// refused naming the column and line, as a 400-able apperr, and nothing in
// any layer changes.
func TestBrokenHeaderIsRefusedAndNothingChanges(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	comex := dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
	caged := dataFile(t, "caged/CAGEDEXC202301.txt")
	siconfi := dataFile(t, "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv")
	loadFile(t, db, "comex", comex, ingest.LoadParams{Flow: "export"})
	loadFile(t, db, "caged", caged, ingest.LoadParams{})
	loadFile(t, db, "siconfi", siconfi, ingest.LoadParams{})
	before := checksums(t, db)

	siconfiHeader := "Instituição;Cod.IBGE;UF;PODER;População;Coluna;Conta;Valor"
	cases := []struct {
		source, path, column string
		line                 int
	}{
		{"comex", copyWith(t, comex, "KG_LIQUIDO", "KG_LIQ"), "KG_LIQUIDO", 1},
		{"comex", copyWith(t, comex, ";CO_PAIS;", ";"), "CO_PAIS", 1},
		{"caged", copyWith(t, caged, "saldomovimentação", "saldo"), "saldomovimentação", 1},
		{"siconfi", copyWith(t, siconfi, latin1(siconfiHeader), latin1(strings.Replace(siconfiHeader, "Valor", "Valores", 1))), "Valor", 6},
		{"comex", copyWith(t, comex, "2025;09;84713019;11;063;SP;07;1017500;42;13;608", "2025;09;84713019;11;063;SP;07;1017500;42;treze;608"), "KG_LIQUIDO", 2},
	}
	for _, tc := range cases {
		err := loadErr(t, db, tc.source, tc.path)
		var ce *ingest.ContractError
		if !errors.As(err, &ce) || ce.Column != tc.column || ce.Line != tc.line {
			t.Errorf("%s: error %v, want a contract error on column %q line %d", tc.path, err, tc.column, tc.line)
			continue
		}
		if !strings.Contains(err.Error(), tc.column) || !strings.Contains(err.Error(), fmt.Sprintf("line %d", tc.line)) {
			t.Errorf("the message %q does not name the column and line", err)
		}
		ae, ok := apperr.As(err)
		if !ok || ae.Code != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Field != tc.column {
			t.Errorf("apperr view of %v: %+v", err, ae)
		}
	}
	sameChecksums(t, before, checksums(t, db))
}

func latin1(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// The same file twice, or the same content in other bytes (LF turned into
// CRLF), changes nothing.
func TestLoadingTwiceChangesNothing(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	files := []struct{ source, rel string }{
		{"ipca", "ipca/bcb_sgs_433_ipca_variacao_mensal.json"},
		{"comex", "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv"},
		{"caged", "caged/CAGEDEXC202301.txt"},
		{"siconfi", "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv"},
		{"pib_municipal", "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx"},
	}
	p := ingest.LoadParams{Flow: "export"}
	for _, f := range files {
		loadFile(t, db, f.source, dataFile(t, f.rel), p)
	}
	before := checksums(t, db)
	for _, f := range files {
		rep := loadFile(t, db, f.source, dataFile(t, f.rel), p)
		if !rep.Skipped {
			t.Errorf("%s loaded again: %+v", f.rel, rep)
		}
	}
	dtb := loadFile(t, db, "ibge_territorio", dataFile(t, "ibge_municipios/ibge_dtb_relatorio_municipio.csv"), p)
	if !dtb.Skipped {
		t.Errorf("the territorial table loaded again")
	}
	// Same rows, other bytes: CRLF line ends.
	comex := dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
	raw, _ := os.ReadFile(comex)
	crlf := filepath.Join(t.TempDir(), "EXP_2025_crlf.csv")
	os.WriteFile(crlf, bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")), 0o644)
	if rep := loadFile(t, db, "comex", crlf, p); !rep.Skipped {
		t.Errorf("the same content with CRLF loaded again: %+v", rep)
	}
	sameChecksums(t, before, checksums(t, db))
}

// A revised file replaces exactly the periods it covers: the other months
// stay as they were, the revised month holds the new values once.
func TestRevisedFileReplacesItsPeriods(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
	loadFile(t, db, "comex", path, ingest.LoadParams{})
	monthSums := func() map[string]string {
		out := map[string]string{}
		rows, err := db.Query(`SELECT strftime(month, '%Y-%m'), count(*), sum(vl_fob_usd), sum(kg_liquido) FROM marts.comex_monthly GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			var n int
			var fob, kg float64
			rows.Scan(&m, &n, &fob, &kg)
			out[m] = fmt.Sprintf("%d rows, fob %.0f, kg %.0f", n, fob, kg)
		}
		return out
	}
	before := monthSums()
	revPath, septRows, septFOB := septemberRevision(t, path)
	rep := loadFile(t, db, "comex", revPath, ingest.LoadParams{})
	if len(rep.Periods) != 1 || rep.Periods[0] != "2025-09" || rep.Skipped {
		t.Fatalf("revision report %+v", rep)
	}
	after := monthSums()
	for m, v := range before {
		if m == "2025-09" {
			continue
		}
		if after[m] != v {
			t.Errorf("%s changed: %s -> %s", m, v, after[m])
		}
	}
	var n int
	var fob float64
	if err := db.QueryRow(`SELECT count(*), sum(vl_fob_usd) FROM marts.comex_monthly WHERE month = DATE '2025-09-01'`).Scan(&n, &fob); err != nil {
		t.Fatal(err)
	}
	if fob != septFOB || !strings.HasPrefix(before["2025-09"], fmt.Sprintf("%d rows", n)) {
		t.Fatalf("September: %d rows, FOB %.0f; want FOB %.0f and the rows of before (%s)", n, fob, septFOB, before["2025-09"])
	}
	var landed int
	if err := db.QueryRow(`SELECT count(*) FROM landing.comex_ncm WHERE co_mes = 9`).Scan(&landed); err != nil || landed != septRows {
		t.Fatalf("landing holds %d September rows, want %d (%v)", landed, septRows, err)
	}
	// Loading the original again restores September.
	loadFile(t, db, "comex", path, ingest.LoadParams{})
	if got := monthSums(); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after reloading the original: %v, want %v", got, before)
	}
}

// septemberRevision writes a revision of the Comex sample at path: its
// September rows only, FOB doubled. It returns the file, its rows and their
// FOB.
func septemberRevision(t *testing.T, path string) (string, int, float64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	rev := []string{lines[0]}
	var rows int
	var fob float64
	for _, l := range lines[1:] {
		f := strings.Split(l, ";")
		if f[1] != "09" {
			continue
		}
		var v float64
		fmt.Sscan(f[10], &v)
		f[10] = fmt.Sprint(int64(v) * 2)
		fob += 2 * v
		rows++
		rev = append(rev, strings.Join(f, ";"))
	}
	revPath := filepath.Join(t.TempDir(), "EXP_2025.csv")
	if err := os.WriteFile(revPath, []byte(strings.Join(rev, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return revPath, rows, fob
}

// A Comex load commits its landed rows before it builds the marts (see
// job.twoStep). One that fails after that first commit changes nothing
// anyone reads: core, the marts and the ingest log stay as they were, and
// its landed rows, which are there, are invisible; the next load of their
// month deletes them.
func TestLoadFailingAfterLandingChangesNothingRead(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
	loadFile(t, db, "comex", path, ingest.LoadParams{})
	digest := func(q string) string {
		t.Helper()
		var n int64
		var d sql.NullString
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) FROM (%s) t`, q)).Scan(&n, &d); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return fmt.Sprintf("%d:%s", n, d.String)
	}
	reads := []string{"SELECT * FROM core.fact_comex", "SELECT * FROM marts.comex_monthly",
		"SELECT * EXCLUDE (loaded_at) FROM landing.ingest_files"}
	before := map[string]string{}
	for _, q := range reads {
		before[q] = digest(q)
	}
	var landedBefore, septBefore int
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (co_mes = 9) FROM landing.comex_ncm`).Scan(&landedBefore, &septBefore); err != nil {
		t.Fatal(err)
	}

	// The marts cannot be written (a view stands in their table's place),
	// so the load fails in its second transaction, after landing committed.
	mustExec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`ALTER TABLE marts.comex_monthly RENAME TO comex_monthly_kept`)
	mustExec(`CREATE VIEW marts.comex_monthly AS SELECT * FROM marts.comex_monthly_kept`)
	revPath, septRows, septFOB := septemberRevision(t, path)
	if err := loadErr(t, db, "comex", revPath); err == nil {
		t.Fatal("the revision loaded with its marts table replaced by a view")
	}
	mustExec(`DROP VIEW marts.comex_monthly`)
	mustExec(`ALTER TABLE marts.comex_monthly_kept RENAME TO comex_monthly`)

	for _, q := range reads {
		if got := digest(q); got != before[q] {
			t.Errorf("%s changed: %s -> %s", q, before[q], got)
		}
	}
	var landed int
	if err := db.QueryRow(`SELECT count(*) FROM landing.comex_ncm`).Scan(&landed); err != nil || landed != landedBefore+septRows {
		t.Fatalf("landing holds %d rows (%v), want %d: the failed load's %d rows, committed but unpublished, beside the %d in effect",
			landed, err, landedBefore+septRows, septRows, landedBefore)
	}

	// Loading the revision again publishes it once: the failed try's rows
	// go with the September rows it replaces.
	loadFile(t, db, "comex", revPath, ingest.LoadParams{})
	var sept int
	var fob float64
	if err := db.QueryRow(`SELECT count(*) FILTER (co_mes = 9), count(*) FROM landing.comex_ncm`).Scan(&sept, &landed); err != nil {
		t.Fatal(err)
	}
	if sept != septRows || landed != landedBefore-septBefore+septRows {
		t.Errorf("landing after the retry: %d rows, %d in September; want %d and %d", landed, sept, landedBefore-septBefore+septRows, septRows)
	}
	if err := db.QueryRow(`SELECT sum(vl_fob_usd) FROM marts.comex_monthly WHERE month = DATE '2025-09-01'`).Scan(&fob); err != nil || fob != septFOB {
		t.Errorf("September FOB in the mart %.0f (%v), want %.0f", fob, err, septFOB)
	}
	if err := db.QueryRow(`SELECT sum(vl_fob) FROM core.fact_comex WHERE month = DATE '2025-09-01'`).Scan(&fob); err != nil || fob != septFOB {
		t.Errorf("September FOB in core %.0f (%v), want %.0f", fob, err, septFOB)
	}
}

func TestWatermarks(t *testing.T) {
	db := warehouse(t)
	if w, err := duckdb.Watermark(context.Background(), db, "ipca"); err != nil || w != "" {
		t.Fatalf("empty warehouse: %q, %v", w, err)
	}
	loadDTB(t, db)
	loadFile(t, db, "ipca", dataFile(t, "ipca/bcb_sgs_433_ipca_variacao_mensal.json"), ingest.LoadParams{})
	loadFile(t, db, "comex", dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv"), ingest.LoadParams{Flow: "export"})
	loadFile(t, db, "siconfi", dataFile(t, "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv"), ingest.LoadParams{})
	want := map[string]string{"ipca": "2026-05", "comex": "2025-12", "siconfi": "2018", "antaq": "", "caged": "", "pib_municipal": ""}
	for src, w := range want {
		got, err := duckdb.Watermark(context.Background(), db, src)
		if err != nil || got != w {
			t.Errorf("Watermark(%s) = %q, %v; want %q", src, got, err, w)
		}
	}
	if w, err := duckdb.Watermark(context.Background(), db, "ibge_territorio"); err != nil || len(w) != 10 {
		t.Errorf("territorial watermark %q, %v", w, err)
	}
	if _, err := duckdb.Watermark(context.Background(), db, "nope"); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("unknown source: %v", err)
	}
}
