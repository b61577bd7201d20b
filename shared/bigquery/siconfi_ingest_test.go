package bigquery_test

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"

	mbq "github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/ingest"
)

// FINBRA on the wire, both real samples of RGF Anexo 02 2018 (the head is
// the zip's first 3,000 rows, the same report): each lands its rows with
// the account (Conta) and the column (Coluna) apart, one row per
// municipality, account and column; its script replaces the year's core
// rows of the same report and rebuilds the year's mart from one declared
// figure per municipality, account and column, never a sum.
func TestIngestSiconfiOneFigurePerColumn(t *testing.T) {
	fake := bqfake.New(t)
	wh := ingestWarehouse(t, fake)
	files := []struct {
		name, rel string
		rows      int
	}{
		{"finbraRGF_MUN_DCL_semestral_2018_head3000.csv", "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv", 3000},
		{"finbraRGF_MUN_Dividaconsolidadaliquida-SaldodoExercicioAnterior_semestrais_2018.zip",
			"siconfi/finbraRGF_MUN_Dividaconsolidadaliquida-SaldodoExercicioAnterior_semestrais_2018.zip", 98853},
	}
	for _, f := range files {
		rep, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "siconfi", f.name, sample(t, f.rel), ingest.LoadParams{})
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if rep.RowsLoaded != int64(f.rows) {
			t.Fatalf("%s: %d rows loaded, want %d", f.name, rep.RowsLoaded, f.rows)
		}
	}
	loads, jobs := fake.Loads(), fake.Jobs()
	if len(loads) != 2 || len(jobs) != 4 {
		t.Fatalf("%d loads and %d scripts, want 2 and 4 (setup and transaction per file)", len(loads), len(jobs))
	}
	columns := map[string]bool{"SALDO DO EXERCÍCIO ANTERIOR": true, "Até o 1º Semestre": true, "Até o 2º Semestre": true}
	var reports []string
	for i, f := range files {
		cells := map[[3]string]bool{}
		sc := bufio.NewScanner(strings.NewReader(string(loads[i].Media)))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r struct {
				CodIBGE string `json:"cod_ibge"`
				Conta   string `json:"conta"`
				Account string `json:"account"`
				Coluna  string `json:"coluna"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if !columns[r.Coluna] || strings.Contains(r.Account, r.Coluna) || !strings.HasSuffix(r.Account, r.Conta) {
				t.Fatalf("%s: landed account %q, column %q, Conta %q: want the Conta without its column", f.name, r.Account, r.Coluna, r.Conta)
			}
			k := [3]string{r.CodIBGE, r.Account, r.Coluna}
			if cells[k] {
				t.Fatalf("%s: %v landed twice", f.name, k)
			}
			cells[k] = true
		}
		if len(cells) != f.rows {
			t.Errorf("%s: %d cells landed, want one per row (%d)", f.name, len(cells), f.rows)
		}

		q := obj(t, jobs[2*i+1].Body, "configuration", "query")
		script := q["query"].(string)
		mart := script[strings.Index(script, "-- model marts_siconfi_annual"):]
		mart = mart[:strings.Index(mart, ";\n")]
		for _, want := range []string{"MERGE marts.siconfi_annual", "ROW_NUMBER() OVER (PARTITION BY municipio, account, coluna ORDER BY period_end DESC", "WHERE pick = 1",
			"WHEN NOT MATCHED BY SOURCE AND t.year = @year THEN DELETE", "s.coluna, s.value_brl"} {
			if !strings.Contains(mart, want) {
				t.Errorf("%s: the mart statement does not hold %q:\n%s", f.name, want, mart)
			}
		}
		if strings.Contains(strings.ToUpper(mart), "SUM(") {
			t.Errorf("%s: the mart statement adds figures up:\n%s", f.name, mart)
		}
		if !strings.Contains(script, "WHEN NOT MATCHED BY SOURCE AND t.year = @year AND t.report = @report THEN DELETE") {
			t.Errorf("%s: core does not replace the year's rows of the same report", f.name)
		}
		values := map[string]string{}
		for _, p := range q["queryParameters"].([]any) {
			m := p.(map[string]any)
			if v, ok := obj(t, m, "parameterValue")["value"].(string); ok {
				values[m["name"].(string)] = v
			}
		}
		if values["year"] != "2018" || !strings.HasSuffix(values["report"], "| 2o. semestre") {
			t.Errorf("%s: @year %q, @report %q", f.name, values["year"], values["report"])
		}
		reports = append(reports, values["report"])
	}
	if reports[0] != reports[1] {
		t.Errorf("the samples are one report, bound as %q and %q", reports[0], reports[1])
	}
}
