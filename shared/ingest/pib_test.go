package ingest_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mirante/mirante/shared/ingest"
)

func TestPIBMunicipal(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := dataFile(t, "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx")
	rep := loadFile(t, db, "pib_municipal", path, ingest.LoadParams{})
	if rep.RowsRead != 5597 || len(rep.Periods) != 22 || rep.Watermark != "2023" {
		t.Fatalf("report: read %d, periods %v", rep.RowsRead, rep.Periods)
	}
	for _, n := range rep.Notes {
		t.Log(n)
	}

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
