package ingest_test

import (
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mirante/mirante/shared/ingest"
)

func TestPIBMunicipal(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := dataFile(t, "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx")
	rep := loadFile(t, db, "pib_municipal", path, ingest.LoadParams{})
	if rep.RowsRead != 5597 || len(rep.Periods) != 22 || rep.Watermark != "2023" || rep.RowsSkipped != 27 {
		t.Fatalf("report: read %d, periods %v", rep.RowsRead, rep.Periods)
	}
	for _, n := range rep.Notes {
		t.Log(n)
	}
	// Every landed row is published: the UF rows are skipped before they
	// land, and a municipality that did not resolve refuses the file.
	var inCore int64
	if err := db.QueryRow(`SELECT count(*) FROM core.fact_pib WHERE file_sha256 = ?`, rep.SHA256).Scan(&inCore); err != nil {
		t.Fatal(err)
	}
	if rep.RowsPublished != rep.RowsLoaded || rep.RowsPublished != inCore {
		t.Fatalf("%d rows landed, %d published, %d in core", rep.RowsLoaded, rep.RowsPublished, inCore)
	}
	t.Logf("%d published, %d landed, %d read, %d skipped", rep.RowsPublished, rep.RowsLoaded, rep.RowsRead, rep.RowsSkipped)

	// The file's own sum of municipal PIB for 2023 (R$ thousands), read
	// with excelize's GetRows: the mart holds it in R$.
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var sum2023 float64
	municipalities := 0
	for _, r := range rows[4:] {
		if len(r) < 23 || len(r[0]) < 5 || r[0][len(r[0])-1] != ')' {
			continue
		}
		municipalities++
		v, err := strconv.ParseFloat(r[22], 64)
		if err != nil {
			t.Fatalf("%s: %v", r[0], err)
		}
		sum2023 += v
	}
	if municipalities != 5570 {
		t.Fatalf("the sheet has %d municipalities", municipalities)
	}
	if len(rep.Notes) != 0 {
		t.Fatalf("%d names did not map", len(rep.Notes))
	}
	var mart float64
	var n int
	if err := db.QueryRow(`SELECT sum(pib_brl), count(*) FROM marts.pib_municipal WHERE year = 2023`).Scan(&mart, &n); err != nil {
		t.Fatal(err)
	}
	if n != 5570 || math.Abs(mart-sum2023*1000) > 1e-9*mart {
		t.Fatalf("mart 2023: %d municipalities, R$ %.0f; the file: 5570, R$ %.0f thousand", n, mart, sum2023)
	}
}

// pibMart is the mart's count and total of one year.
func pibMart(t *testing.T, db *sql.DB, year int) (n int, total float64) {
	t.Helper()
	if err := db.QueryRow(`SELECT count(*), coalesce(sum(pib_brl), 0) FROM marts.pib_municipal WHERE year = ?`, year).Scan(&n, &total); err != nil {
		t.Fatal(err)
	}
	return n, total
}

// PIB loaded before the territorial table is
// refused, naming the command that fixes it, and changes no mart; once the
// table is loaded, the same file loads whole.
func TestPIBBeforeTheTerritoryIsRefusedThenLoads(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx")
	var ce *ingest.ContractError
	if err := loadErr(t, db, "pib_municipal", path); !errors.As(err, &ce) || !strings.HasPrefix(ce.Reason, "load ibge_territorio first: make ingest SOURCE=ibge_territorio") {
		t.Fatalf("PIB before the territory: %v", err)
	}
	if n, _ := pibMart(t, db, 2021); n != 0 {
		t.Fatalf("a refused load left %d rows in the mart", n)
	}
	loadDTB(t, db)
	rep := loadFile(t, db, "pib_municipal", path, ingest.LoadParams{})
	if rep.Skipped {
		t.Fatal("the same file, refused before, was skipped as already loaded")
	}
	if n, _ := pibMart(t, db, 2021); n != 5570 {
		t.Fatalf("after the territory: %d municipalities in 2021, want 5570", n)
	}
}

// One municipality name the territorial table does not
// know refuses the file, naming its line, column and value; the mart keeps
// what it had, so no state's total comes out short.
func TestPIBUnknownMunicipalityIsRefused(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := dataFile(t, "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx")
	loadFile(t, db, "pib_municipal", path, ingest.LoadParams{})
	n0, total0 := pibMart(t, db, 2021)

	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := x.GetSheetList()[0]
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, r := range rows {
		if len(r) > 0 && strings.HasSuffix(r[0], "(RO)") {
			line = i + 1
			break
		}
	}
	if line == 0 {
		t.Fatal("the sheet has no municipality of RO")
	}
	cell := "A" + strconv.Itoa(line)
	if err := x.SetCellValue(sheet, cell, "Município Que Não Existe (RO)"); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "sidra_tabela5938_renamed.xlsx")
	if err := x.SaveAs(broken); err != nil {
		t.Fatal(err)
	}
	var ce *ingest.ContractError
	err = loadErr(t, db, "pib_municipal", broken)
	if !errors.As(err, &ce) || ce.Line != line || ce.Column != "Unidade da Federação e Município" ||
		!strings.Contains(ce.Reason, `município "Município Que Não Existe" (RO) not in the territorial table`) {
		t.Fatalf("a file with an unknown municipality: %v (want line %d)", err, line)
	}
	if n, total := pibMart(t, db, 2021); n != n0 || total != total0 {
		t.Fatalf("the refused file changed the mart: %d rows, R$ %.0f; was %d, R$ %.0f", n, total, n0, total0)
	}
}
