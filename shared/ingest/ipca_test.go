package ingest_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
)

func TestIPCALayoutsRowCounts(t *testing.T) {
	cases := []struct {
		file             string
		read, loaded     int64
		first, watermark string
	}{
		{"ipca/sidra_tabela1737_v63_wide_csvbr.csv", 1, 515, "1980-01", "2022-10"},
		{"ipca/sidra_tabela1737_variacao_mensal.tsv", 500, 500, "1980-01", "2021-07"},
		{"ipca/bcb_sgs_433_ipca_variacao_mensal.json", 557, 557, "1980-01", "2026-05"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			db := warehouse(t)
			rep := loadFile(t, db, "ipca", dataFile(t, tc.file), ingest.LoadParams{})
			if rep.RowsRead != tc.read || rep.RowsLoaded != tc.loaded || rep.Periods[0] != tc.first || rep.Watermark != tc.watermark {
				t.Fatalf("report: read %d loaded %d periods %s..%s, want %d %d %s..%s", rep.RowsRead, rep.RowsLoaded,
					rep.Periods[0], rep.Watermark, tc.read, tc.loaded, tc.first, tc.watermark)
			}
			var idx float64
			if err := db.QueryRow(`SELECT "index" FROM marts.ipca_monthly WHERE month = DATE '1993-12-01'`).Scan(&idx); err != nil || math.Abs(idx-100) > 1e-9 {
				t.Fatalf("index of Dec 1993 = %v, %v", idx, err)
			}
		})
	}
}

// readSIDRATSV reads a SIDRA TSV's month rows with a parser of its own.
func readSIDRATSV(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	months := map[string]int{"janeiro": 1, "fevereiro": 2, "março": 3, "abril": 4, "maio": 5, "junho": 6, "julho": 7,
		"agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12}
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 2 {
			continue
		}
		name := strings.Fields(parts[0])
		if len(name) != 2 {
			continue
		}
		m, ok := months[name[0]]
		y, err := strconv.Atoi(name[1])
		if !ok || err != nil {
			continue
		}
		out[time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")] = parts[1]
	}
	return out
}

// The 12-month change the mart computes from monthly changes matches SIDRA's
// published series. SIDRA compounds unrounded index numbers, we compound
// the published (rounded) monthly changes, so the two may differ by the
// propagated rounding: at most sum_i 0.005/(1+mom_i/100) * prod(1+mom/100)
// plus 0.005 for the published rounding. Since the Real (1995) that bound
// is below 0.02 and the rounded values are equal or one hundredth apart.
func TestIPCAYoYMatchesSIDRA(t *testing.T) {
	db := warehouse(t)
	loadFile(t, db, "ipca", dataFile(t, "ipca/sidra_tabela1737_variacao_mensal.tsv"), ingest.LoadParams{})
	published := readSIDRATSV(t, dataFile(t, "ipca/sidra_tabela1737_variacao_acum_12m.tsv"))
	monthly := readSIDRATSV(t, dataFile(t, "ipca/sidra_tabela1737_variacao_mensal.tsv"))
	rows, err := db.Query(`SELECT strftime(month, '%Y-%m'), yoy_pct FROM marts.ipca_monthly WHERE yoy_pct IS NOT NULL ORDER BY month`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	compared, exact, sinceReal, exactSinceReal := 0, 0, 0, 0
	for rows.Next() {
		var m string
		var yoy float64
		if err := rows.Scan(&m, &yoy); err != nil {
			t.Fatal(err)
		}
		pub, err := strconv.ParseFloat(published[m], 64)
		if err != nil {
			t.Fatalf("%s: published 12-month change %q", m, published[m])
		}
		mt, _ := time.Parse("2006-01", m)
		prod, bound := 1.0, 0.0
		for k := 0; k < 12; k++ {
			v, err := strconv.ParseFloat(monthly[mt.AddDate(0, -k, 0).Format("2006-01")], 64)
			if err != nil {
				t.Fatalf("%s: monthly change missing", m)
			}
			prod *= 1 + v/100
			bound += 0.005 / (1 + v/100)
		}
		bound = bound*prod + 0.005 + 1e-9
		compared++
		if d := math.Abs(yoy - pub); d > bound {
			t.Errorf("%s: computed %.4f, SIDRA %.2f: off by %.4f, beyond the rounding bound %.4f", m, yoy, pub, d, bound)
		}
		if math.Round(yoy*100) == math.Round(pub*100) {
			exact++
		}
		if m >= "1995-07" {
			sinceReal++
			d := math.Abs(math.Round(yoy*100) - math.Round(pub*100))
			if d > 1 {
				t.Errorf("%s: computed %.2f, SIDRA %.2f", m, yoy, pub)
			}
			if d == 0 {
				exactSinceReal++
			}
		}
	}
	if compared != 488 {
		t.Fatalf("compared %d months, want 488 (Dec 1980 to Jul 2021)", compared)
	}
	if float64(exactSinceReal) < 0.95*float64(sinceReal) {
		t.Errorf("since Jul 1995 only %d of %d months match to the hundredth", exactSinceReal, sinceReal)
	}
	t.Logf("12-month change: %d months compared, %d equal to the hundredth (%d of %d since Jul 1995)", compared, exact, exactSinceReal, sinceReal)
}

// A revised IPCA month (the JSON with one value changed) replaces that
// month's change; the index chain and the 12-month changes that depend on
// it follow, and nothing is duplicated.
func TestIPCARevision(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, "ipca/bcb_sgs_433_ipca_variacao_mensal.json")
	loadFile(t, db, "ipca", path, ingest.LoadParams{})
	var before, idxBefore float64
	db.QueryRow(`SELECT mom_pct, "index" FROM marts.ipca_monthly WHERE month = DATE '2024-03-01'`).Scan(&before, &idxBefore)
	rev := copyWith(t, path, `{"data":"01/03/2024","valor":"0.16"}`, `{"data":"01/03/2024","valor":"0.26"}`)
	rep := loadFile(t, db, "ipca", rev, ingest.LoadParams{})
	if rep.Skipped {
		t.Fatal("the revision was skipped")
	}
	var n int
	var mom, idx, feb float64
	if err := db.QueryRow(`SELECT count(*) FROM marts.ipca_monthly`).Scan(&n); err != nil || n != 557 {
		t.Fatalf("%d mart rows, want 557", n)
	}
	db.QueryRow(`SELECT mom_pct, "index" FROM marts.ipca_monthly WHERE month = DATE '2024-03-01'`).Scan(&mom, &idx)
	db.QueryRow(`SELECT "index" FROM marts.ipca_monthly WHERE month = DATE '2024-02-01'`).Scan(&feb)
	if before != 0.16 || mom != 0.26 || math.Abs(idx/feb-1.0026) > 1e-12 || math.Abs(idx/idxBefore-1.0026/1.0016) > 1e-12 {
		t.Fatalf("March 2024: mom %v -> %v, index %v -> %v (Feb %v)", before, mom, idxBefore, idx, feb)
	}
}

// SIDRA's "..." is NULL in landing and no period; the published 12-month
// series lands as its own variable and leaves the mart to the changes.
func TestIPCASIDRASymbolsAndVariables(t *testing.T) {
	db := warehouse(t)
	loadFile(t, db, "ipca", dataFile(t, "ipca/sidra_tabela1737_v63_wide_csvbr.csv"), ingest.LoadParams{})
	var v sql.NullFloat64
	if err := db.QueryRow(`SELECT value FROM landing.ipca WHERE month = DATE '1979-12-01'`).Scan(&v); err != nil || v.Valid {
		t.Fatalf("Dec 1979 = %v, %v; want NULL", v, err)
	}
	var first time.Time
	db.QueryRow(`SELECT min(month) FROM marts.ipca_monthly`).Scan(&first)
	rep := loadFile(t, db, "ipca", dataFile(t, "ipca/sidra_tabela1737_variacao_acum_12m.tsv"), ingest.LoadParams{})
	if rep.RowsRead != 500 || len(rep.Periods) != 488 {
		t.Fatalf("12-month file: %+v", rep)
	}
	var yoy, mom int
	db.QueryRow(`SELECT count(*) FILTER (WHERE variable = 'yoy'), count(*) FILTER (WHERE variable = 'mom') FROM core.fact_ipca`).Scan(&yoy, &mom)
	if yoy != 488 || mom != 514 || first.Format("2006-01") != "1980-01" {
		t.Fatalf("core: %d yoy, %d mom; mart starts %s", yoy, mom, first)
	}
	// A series that does not reach back to Dec 1993 cannot anchor the index.
	short := filepath.Join(t.TempDir(), "ipca_2024.json")
	os.WriteFile(short, []byte(`[{"data":"01/01/2024","valor":"0.42"},{"data":"01/02/2024","valor":"0.83"}]`), 0o644)
	fresh := warehouse(t)
	f, _ := os.Open(short)
	defer f.Close()
	_, err := duckdb.Load(context.Background(), fresh, "ipca", "ipca_2024.json", f, ingest.LoadParams{})
	var ce *ingest.ContractError
	if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "Dec 1993") {
		t.Fatalf("short series: %v", err)
	}
}
