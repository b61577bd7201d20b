package ingest_test

import (
	"archive/zip"
	"bufio"
	"io"
	"math"
	"os"
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
			if err := db.QueryRow(`SELECT sum(value_brl), count(*) - count(DISTINCT (municipio, account)) FROM marts.siconfi_annual WHERE year = 2018`).Scan(&got, &dupKeys); err != nil {
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
			if err := db.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM landing.siconfi GROUP BY cod_ibge, account HAVING count(*) > 1)`).Scan(&repeated); err != nil || repeated != 0 {
				t.Fatalf("%d accounts repeat within a municipality (%v)", repeated, err)
			}
		})
	}
}
