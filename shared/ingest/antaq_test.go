package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
)

func antaqMonths(t *testing.T, db sqlQuerier) map[string]antaqExpect {
	t.Helper()
	rows, err := db.Query(`SELECT strftime(month, '%Y-%m'), sum(tonnes), sum(teu), sum(berthings) FROM marts.antaq_monthly GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]antaqExpect{}
	for rows.Next() {
		var m string
		var e antaqExpect
		if err := rows.Scan(&m, &e.tonnes, &e.teu, &e.berthings); err != nil {
			t.Fatal(err)
		}
		out[m] = e
	}
	return out
}

func sameANTAQ(t *testing.T, got, want map[string]antaqExpect) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("months: got %v, want %v", got, want)
	}
	for m, w := range want {
		g := got[m]
		if math.Abs(g.tonnes-w.tonnes) > 1e-6*w.tonnes || g.teu != w.teu || g.berthings != w.berthings {
			t.Errorf("%s: got %+v, want %+v", m, g, w)
		}
	}
}

func TestANTAQGeneratedFiles(t *testing.T) {
	atracacao, carga, bs := antaq2023(t)
	dir := t.TempDir()
	zipPath := antaqZip(t, dir, 2023, atracacao, carga)
	db := warehouse(t)
	rep := loadFile(t, db, "antaq", zipPath, ingest.LoadParams{})
	lines := 0
	for _, b := range bs {
		lines += len(b.Cargo)
	}
	if rep.RowsRead != int64(len(bs)+lines) || rep.Watermark != "2023-03" || len(rep.Periods) != 3 {
		t.Fatalf("report %+v (want %d berthings + %d cargo lines)", rep, len(bs), lines)
	}
	sameANTAQ(t, antaqMonths(t, db), antaqExpected(bs))

	// Every enum value is the catalog's.
	raw, err := os.ReadFile(filepath.Join("..", "semantic", "catalog", "antaq_monthly.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Dimensions []struct {
			ID     string   `json:"id"`
			Values []string `json:"values"`
		} `json:"dimensions"`
	}
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	for _, d := range cat.Dimensions {
		if len(d.Values) == 0 {
			continue
		}
		var bad int
		q := `SELECT count(*) FROM marts.antaq_monthly WHERE ` + d.ID + ` NOT IN ('` + strings.Join(d.Values, "','") + `')`
		if err := db.QueryRow(q).Scan(&bad); err != nil || bad != 0 {
			t.Errorf("%s: %d rows outside the catalog's values (%v)", d.ID, bad, err)
		}
	}
	// The port whose installation name holds ';' (quoted in the file) came through.
	var ports int
	if err := db.QueryRow(`SELECT count(DISTINCT port) FROM marts.antaq_monthly`).Scan(&ports); err != nil || ports != len(antaqPorts) {
		t.Fatalf("ports %d, %v", ports, err)
	}
}

// Years with Mes as a number and the newer columns load the same.
func TestANTAQNumericMonthsAndNewerColumns(t *testing.T) {
	bs := antaqFixture(2024, 2, 25, 7, 1)
	a, c := antaqFiles(bs, false, true)
	db := warehouse(t)
	loadFile(t, db, "antaq", antaqZip(t, t.TempDir(), 2024, a, c), ingest.LoadParams{})
	sameANTAQ(t, antaqMonths(t, db), antaqExpected(bs))
}

func TestANTAQRefusesSchemaBreaks(t *testing.T) {
	atracacao, carga, _ := antaq2023(t)
	cases := []struct {
		name       string
		a, c       []byte
		column     string
		line       int
		fileSuffix string
	}{
		{"unknown navigation type", bytes.Replace(atracacao, []byte(";Cabotagem;"), []byte(";Cabotage;"), 1), carga,
			"Tipo de Navegação da Atracação", 0, "Atracacao.txt"},
		{"carga lacks Sentido", atracacao, bytes.Replace(carga, []byte(";Sentido;"), []byte(";Direcao;"), 1),
			"Sentido", 1, "Carga.txt"},
		{"unknown column", bytes.Replace(atracacao, []byte("Nº do IMO"), []byte("Nº do IMO;Calado"), 1), carga,
			"Calado", 1, "Atracacao.txt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := warehouse(t)
			p := antaqZip(t, t.TempDir(), 2023, tc.a, tc.c)
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = duckdb.Load(context.Background(), db, "antaq", "2023.zip", f, ingest.LoadParams{})
			var ce *ingest.ContractError
			if !errors.As(err, &ce) || ce.Column != tc.column || (tc.line > 0 && ce.Line != tc.line) || !strings.HasSuffix(ce.File, tc.fileSuffix) {
				t.Fatalf("error %v (%#v), want a contract error on column %q", err, ce, tc.column)
			}
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM marts.antaq_monthly`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("the mart has %d rows", n)
			}
		})
	}
}

// A revised file for February replaces February only.
func TestANTAQRevisionReplacesItsMonths(t *testing.T) {
	atracacao, carga, bs := antaq2023(t)
	db := warehouse(t)
	loadFile(t, db, "antaq", antaqZip(t, t.TempDir(), 2023, atracacao, carga), ingest.LoadParams{})
	var feb []antaqBerthing
	for _, b := range antaqFixture(2023, 3, 60, 42, 2) { // same berthings, twice the tonnes
		if b.Month == 2 {
			feb = append(feb, b)
		}
	}
	a2, c2 := antaqFiles(feb, true, false)
	loadFile(t, db, "antaq", antaqZip(t, t.TempDir(), 2023, a2, c2), ingest.LoadParams{})
	want := antaqExpected(bs)
	want["2023-02"] = antaqExpected(feb)["2023-02"]
	sameANTAQ(t, antaqMonths(t, db), want)
}
