package ingest_test

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/ingest"
)

const (
	siconfiZip = "siconfi/finbraRGF_MUN_Dividaconsolidadaliquida-SaldodoExercicioAnterior_semestrais_2018.zip"
	siconfiDCL = "DÍVIDA CONSOLIDADA LÍQUIDA (DCL) (III) = (I - II)"
)

// siconfiKey is one cell of marts.siconfi_annual for a year: municipality,
// account and column.
type siconfiKey struct{ municipio, account, coluna string }

// finbraCSV is the FINBRA CSV of a sample: the file itself, or the CSV a
// zip holds, extracted to a temporary file.
func finbraCSV(t *testing.T, path string) string {
	t.Helper()
	if !strings.HasSuffix(path, ".zip") {
		return path
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "finbraRGF.csv")
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// finbraFigures reads a FINBRA CSV with encoding/csv: the R$ figures it
// declares (percentages left out), in cents, by municipality, account and
// column. The account is Conta, "Internos"/"Externos" qualified by the
// Empréstimos or Financiamentos above them in the municipality's column,
// a power other than the executive prefixed. A key the file repeats fails
// the test: each must be one declared figure.
func finbraFigures(t *testing.T, path string) map[siconfiKey]int64 {
	t.Helper()
	col, recs, lines := finbraRecords(t, path)
	out := map[siconfiKey]int64{}
	parent := map[string]string{}
	for i, rec := range recs {
		mun, poder, coluna, conta := rec[col["Cod.IBGE"]], rec[col["PODER"]], rec[col["Coluna"]], rec[col["Conta"]]
		block := mun + "|" + poder + "|" + coluna
		account := conta
		switch conta {
		case "Empréstimos", "Financiamentos":
			parent[block] = conta
		case "Internos", "Externos":
			if parent[block] == "" {
				parent[block] = "Empréstimos"
			}
			account = parent[block] + " - " + conta
		}
		if strings.HasPrefix(conta, "%") {
			continue
		}
		if poder != "" && poder != "Executivo" {
			account = poder + ": " + account
		}
		v, err := strconv.ParseFloat(strings.Replace(rec[col["Valor"]], ",", ".", 1), 64)
		if err != nil {
			t.Fatalf("%s line %d: Valor %q: %v", path, lines[i], rec[col["Valor"]], err)
		}
		k := siconfiKey{mun, account, coluna}
		if _, ok := out[k]; ok {
			t.Fatalf("%s line %d: %v declared twice", path, lines[i], k)
		}
		out[k] = int64(math.Round(v * 100))
	}
	return out
}

// martFigures reads a year of marts.siconfi_annual in cents; a key it holds
// twice fails the test.
func martFigures(t *testing.T, db *sql.DB, year int) map[siconfiKey]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT municipio, account, coalesce(coluna, ''), value_brl FROM marts.siconfi_annual WHERE year = ?`, year)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[siconfiKey]int64{}
	for rows.Next() {
		var k siconfiKey
		var v float64
		if err := rows.Scan(&k.municipio, &k.account, &k.coluna, &v); err != nil {
			t.Fatal(err)
		}
		if _, ok := out[k]; ok {
			t.Fatalf("the mart holds %v twice", k)
		}
		out[k] = int64(math.Round(v * 100))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFigures fails t unless the mart holds exactly the figures of want.
func sameFigures(t *testing.T, got, want map[siconfiKey]int64) {
	t.Helper()
	wrong := 0
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			if wrong++; wrong <= 10 {
				t.Errorf("%v: the mart holds %d cents (present %v), the file declares %d", k, g, ok, w)
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			if wrong++; wrong <= 10 {
				t.Errorf("%v: the mart holds %d cents, the file declares nothing", k, g)
			}
		}
	}
	if wrong > 0 {
		t.Fatalf("%d of %d mart cells differ from the declared figures", wrong, len(want))
	}
}

// Both real samples are the same report (RGF Anexo 02, 2018, 2º semestre;
// the head is the zip's first 3,000 rows): whichever is loaded last
// replaces the other, and each mart cell is the figure that file declares
// for the municipality, account and column, in either order. The DCL of
// the first municipalities, present in both, is each column's figure, the
// same in both files, never their sum.
func TestSiconfiBothSamplesEachCellIsTheDeclaredFigure(t *testing.T) {
	head, zipped := dataFile(t, siconfiSample), dataFile(t, siconfiZip)
	headFigs, zipFigs := finbraFigures(t, head), finbraFigures(t, finbraCSV(t, zipped))
	var common []siconfiKey
	for k, v := range headFigs {
		if k.account == siconfiDCL && len(common) < 9 {
			if zipFigs[k] != v {
				t.Fatalf("%v: the head declares %d, the zip %d", k, v, zipFigs[k])
			}
			common = append(common, k)
		}
	}
	if len(common) == 0 {
		t.Fatal("no DCL cell in both samples")
	}
	for _, order := range [][2]string{{head, zipped}, {zipped, head}} {
		t.Run(filepath.Ext(order[0])+" then "+filepath.Ext(order[1]), func(t *testing.T) {
			db := warehouse(t)
			loadDTB(t, db)
			loadFile(t, db, "siconfi", order[0], ingest.LoadParams{})
			loadFile(t, db, "siconfi", order[1], ingest.LoadParams{})
			got := martFigures(t, db, 2018)
			last := headFigs
			if order[1] == zipped {
				last = zipFigs
			}
			sameFigures(t, got, last)
			for _, k := range common {
				if got[k] != headFigs[k] || got[k] != zipFigs[k] {
					t.Errorf("%v: the mart holds %d, both files declare %d", k, got[k], headFigs[k])
				}
			}
			var columns int
			if err := db.QueryRow(`SELECT count(DISTINCT coluna) FROM marts.siconfi_annual WHERE year = 2018 AND account = ?`, siconfiDCL).Scan(&columns); err != nil || columns != 3 {
				t.Errorf("the DCL in %d columns (%v), want the file's 3", columns, err)
			}
		})
	}
}

// brlText writes cents as FINBRA does: decimal comma, a minus sign.
func brlText(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d,%02d", sign, c/100, c%100)
}

// firstSemester writes the 1º semestre report of the same year from the
// zip's first rows: the metadata lines with "Período: 1o. semestre", the
// header, and the rows of the two columns that report has (the previous
// year's balance and "Até o 1º Semestre"), each figure one real more than
// the 2º semestre report's, as a figure rectified later would be. The rows
// go beyond the head sample's municipalities.
func firstSemester(t *testing.T, csvPath string, rows int) string {
	t.Helper()
	raw, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	var b bytes.Buffer
	for i, l := range lines {
		switch {
		case i < 6:
			if bytes.HasPrefix(l, []byte(latin1("Período:"))) {
				l = []byte(latin1("Período: 1o. semestre\n"))
			}
			b.Write(l)
			continue
		case i >= 6+rows:
		case bytes.Contains(l, []byte(latin1(`;"SALDO DO EXERCÍCIO ANTERIOR";`))), bytes.Contains(l, []byte(latin1(`;"Até o 1º Semestre";`))):
			cut := bytes.LastIndexByte(l, ';')
			v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(string(l[cut+1:])), ",", ".", 1), 64)
			if err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			b.Write(l[:cut+1])
			b.WriteString(brlText(int64(math.Round(v*100)) + 100))
			b.WriteString("\n")
		}
	}
	out := filepath.Join(t.TempDir(), "finbraRGF_1sem.csv")
	if err := os.WriteFile(out, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// Two reports of one year declare the same columns: the 1º semestre's
// previous-year balance and "Até o 1º Semestre" are declared again by the
// 2º semestre's. The mart holds one figure per municipality, account and
// column, in either load order: the later period's where it declares the
// cell, the earlier's where only it does; never their sum (which would
// double a municipality's debt at the end of the previous year).
func TestSiconfiAnEarlierReportOfTheYearIsNotAdded(t *testing.T) {
	head := dataFile(t, siconfiSample)
	first := firstSemester(t, finbraCSV(t, dataFile(t, siconfiZip)), 6000)
	headFigs, firstFigs := finbraFigures(t, head), finbraFigures(t, first)
	want := map[siconfiKey]int64{}
	var both, onlyFirst int
	for k, v := range firstFigs {
		want[k] = v
		if _, ok := headFigs[k]; ok {
			both++
		} else {
			onlyFirst++
		}
	}
	for k, v := range headFigs {
		want[k] = v
	}
	if both == 0 || onlyFirst == 0 {
		t.Fatalf("%d cells in both reports, %d only in the 1º semestre's: the test needs both kinds", both, onlyFirst)
	}
	for _, order := range [][2]string{{head, first}, {first, head}} {
		t.Run(filepath.Base(order[0])+" first", func(t *testing.T) {
			db := warehouse(t)
			loadDTB(t, db)
			loadFile(t, db, "siconfi", order[0], ingest.LoadParams{})
			loadFile(t, db, "siconfi", order[1], ingest.LoadParams{})
			var reports int
			if err := db.QueryRow(`SELECT count(DISTINCT report) FROM core.fact_siconfi WHERE year = 2018`).Scan(&reports); err != nil || reports != 2 {
				t.Fatalf("core holds %d reports of 2018 (%v), want both", reports, err)
			}
			sameFigures(t, martFigures(t, db, 2018), want)
		})
	}
}
