package ingest_test

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/mirante/mirante/shared/ingest"
)

// finbraSums reads a FINBRA CSV with a parser of its own: the data rows, the
// sum of Valor outside percentages, and the IBGE codes.
func finbraSums(t *testing.T, r io.Reader) (rows int, sum float64, codes map[string]bool) {
	t.Helper()
	sc := bufio.NewScanner(charmap.ISO8859_1.NewDecoder().Reader(r))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	codes = map[string]bool{}
	header := false
	for sc.Scan() {
		line := sc.Text()
		if !header {
			header = strings.HasPrefix(line, "Instituição;Cod.IBGE")
			continue
		}
		f := strings.Split(line, ";")
		rows++
		codes[f[1]] = true
		if strings.HasPrefix(strings.Trim(f[6], `"`), "%") {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(f[7], ",", "."), 64)
		if err != nil {
			t.Fatalf("row %d: %v", rows, err)
		}
		sum += v
	}
	return rows, sum, codes
}

func TestSiconfi(t *testing.T) {
	cases := []struct {
		file string
		rows int64
	}{
		{"siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv", 3000},
		{"siconfi/finbraRGF_MUN_Dividaconsolidadaliquida-SaldodoExercicioAnterior_semestrais_2018.zip", 98853},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			db := warehouse(t)
			loadDTB(t, db)
			path := dataFile(t, tc.file)
			rep := loadFile(t, db, "siconfi", path, ingest.LoadParams{})
			if rep.RowsRead != tc.rows || rep.RowsLoaded != tc.rows || rep.Watermark != "2018" {
				t.Fatalf("report: %+v", rep)
			}
			var r io.Reader
			if strings.HasSuffix(path, ".zip") {
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
				r = rc
			} else {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				r = f
			}
			n, sum, codes := finbraSums(t, r)
			if int64(n) != tc.rows {
				t.Fatalf("the file has %d rows", n)
			}
			var got float64
			var dupKeys int
			if err := db.QueryRow(`SELECT sum(value_brl), count(*) - count(DISTINCT (municipio, account, coluna)) FROM marts.siconfi_annual WHERE year = 2018`).Scan(&got, &dupKeys); err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(got - sum); d > 1e-12*math.Abs(sum) || dupKeys != 0 {
				t.Fatalf("mart value_brl %.2f, the file sums %.2f (%d duplicate keys)", got, sum, dupKeys)
			}
			for code := range codes {
				var m string
				if err := db.QueryRow(`SELECT municipio FROM core.dim_municipio WHERE municipio = ?`, code).Scan(&m); err != nil {
					t.Fatalf("Cod.IBGE %s does not join the territorial table", code)
				}
			}
			var repeated int
			if err := db.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM landing.siconfi GROUP BY cod_ibge, account, coluna HAVING count(*) > 1)`).Scan(&repeated); err != nil || repeated != 0 {
				t.Fatalf("%d accounts repeat within a municipality (%v)", repeated, err)
			}
		})
	}
}

const siconfiSample = "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv"

// finbraRecords reads a FINBRA CSV with encoding/csv (latin-1, ';', the
// metadata lines before the header): the header's columns by name and the
// data records, each with the line it starts on.
func finbraRecords(t *testing.T, path string) (col map[string]int, recs [][]string, lines []int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := csv.NewReader(charmap.ISO8859_1.NewDecoder().Reader(f))
	rd.Comma, rd.FieldsPerRecord = ';', -1
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if col == nil {
			if len(rec) > 1 && rec[0] == "Instituição" {
				col = map[string]int{}
				for i, name := range rec {
					col[name] = i
				}
			}
			continue
		}
		line, _ := rd.FieldPos(0)
		recs, lines = append(recs, rec), append(lines, line)
	}
	if col == nil || len(recs) == 0 {
		t.Fatalf("%s: no header or no data", path)
	}
	return col, recs, lines
}

// A FINBRA file loaded before the territorial table is refused,
// naming the command that fixes it, and changes nothing; once the table is
// loaded, the same file loads whole.
func TestSiconfiBeforeTheTerritoryIsRefusedThenLoads(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, siconfiSample)
	before := checksums(t, db)
	var ce *ingest.ContractError
	err := loadErr(t, db, "siconfi", path)
	if !errors.As(err, &ce) || !strings.HasPrefix(ce.Reason, "load ibge_territorio first: make ingest SOURCE=ibge_territorio FILE=") {
		t.Fatalf("FINBRA before the territory: %v", err)
	}
	sameChecksums(t, before, checksums(t, db))
	loadDTB(t, db)
	rep := loadFile(t, db, "siconfi", path, ingest.LoadParams{})
	if rep.Skipped || rep.RowsLoaded != 3000 {
		t.Fatalf("after the territory: %+v", rep)
	}
	var core, unmapped, mart int
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (municipio IS NULL), (SELECT count(*) FROM marts.siconfi_annual)
		FROM core.fact_siconfi`).Scan(&core, &unmapped, &mart); err != nil {
		t.Fatal(err)
	}
	if core != 3000 || unmapped != 0 || mart == 0 {
		t.Fatalf("after the territory: %d core rows, %d without a municipality, %d mart rows", core, unmapped, mart)
	}
}

// One Cod.IBGE the territorial table does not have refuses the
// file, naming its line, the column and the value, and every layer keeps
// what it had: the row is not kept in core, out of the mart, with a note.
func TestSiconfiUnknownCodeIsRefused(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := dataFile(t, siconfiSample)
	loadFile(t, db, "siconfi", path, ingest.LoadParams{})
	before := checksums(t, db)

	const unknown = "5299999"
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM core.dim_municipio WHERE municipio = ?`, unknown).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%s is in the territorial table (%d, %v)", unknown, n, err)
	}
	col, recs, lines := finbraRecords(t, path)
	i := len(recs) / 2
	line, code := lines[i], recs[i][col["Cod.IBGE"]]
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitAfter(string(raw), "\n")
	if !strings.Contains(rows[line-1], ";"+code+";") {
		t.Fatalf("line %d does not hold Cod.IBGE %s: %q", line, code, rows[line-1])
	}
	rows[line-1] = strings.Replace(rows[line-1], ";"+code+";", ";"+unknown+";", 1)
	broken := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(broken, []byte(strings.Join(rows, "")), 0o600); err != nil {
		t.Fatal(err)
	}

	err = loadErr(t, db, "siconfi", broken)
	var ce *ingest.ContractError
	if !errors.As(err, &ce) || ce.Line != line || ce.Column != "Cod.IBGE" || !strings.Contains(ce.Reason, `"`+unknown+`" is not in the territorial table`) {
		t.Fatalf("a file with an unknown Cod.IBGE: %v (want line %d, column Cod.IBGE, value %s)", err, line, unknown)
	}
	for _, want := range []string{fmt.Sprintf("line %d", line), `"Cod.IBGE"`, unknown} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message %q does not name %s", err, want)
		}
	}
	sameChecksums(t, before, checksums(t, db))
}

// The percentage rows are the rows FINBRA carries that the mart
// does not publish (not R$): the report counts them as skipped, as many as
// the file has, with no note; every row still reaches core.
func TestSiconfiPercentagesAreSkipped(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := dataFile(t, siconfiSample)
	col, recs, _ := finbraRecords(t, path)
	var percent int64
	for _, rec := range recs {
		if strings.HasPrefix(strings.TrimSpace(rec[col["Conta"]]), "%") {
			percent++
		}
	}
	if percent == 0 {
		t.Fatal("the sample has no percentage row")
	}
	rep := loadFile(t, db, "siconfi", path, ingest.LoadParams{})
	if rep.RowsSkipped != percent || len(rep.SkippedWhy) != 1 || !strings.HasPrefix(rep.SkippedWhy[0], fmt.Sprintf("%d percentage rows (", percent)) {
		t.Fatalf("skipped %d %q, want the file's %d percentage rows", rep.RowsSkipped, rep.SkippedWhy, percent)
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "percentage") || strings.Contains(n, "territorial table") {
			t.Errorf("note %q: skipped or refused rows are not notes", n)
		}
	}
	var core, pct int64
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (is_percent) FROM core.fact_siconfi WHERE municipio IS NOT NULL`).Scan(&core, &pct); err != nil {
		t.Fatal(err)
	}
	if core != int64(len(recs)) || pct != percent {
		t.Fatalf("core holds %d rows with a municipality, %d of them percentages; the file %d and %d", core, pct, len(recs), percent)
	}
}
