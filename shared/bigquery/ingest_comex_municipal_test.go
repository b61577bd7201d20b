package bigquery_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	mbq "github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/ingest"
)

// scriptParams reads a script job's parameters: name -> value (scalars)
// or the values of an array.
func scriptParams(t *testing.T, body map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	q := obj(t, body, "configuration", "query")
	params, _ := q["queryParameters"].([]any)
	for _, p := range params {
		m := p.(map[string]any)
		v := obj(t, m["parameterValue"])
		name := m["name"].(string)
		if arr, ok := v["arrayValues"].([]any); ok {
			for _, a := range arr {
				out[name] = append(out[name], a.(map[string]any)["value"].(string))
			}
			continue
		}
		if s, ok := v["value"].(string); ok {
			out[name] = []string{s}
		}
	}
	return out
}

// inOrder reports the first of markers that script does not hold after the
// one before it ("" when all are in order).
func inOrder(script string, markers ...string) string {
	at := -1
	for _, m := range markers {
		i := strings.Index(script, m)
		if i <= at {
			return m
		}
		at = i
	}
	return ""
}

// A municipal Comex Stat file on BigQuery builds marts.comex_municipal_monthly
// in its transaction, after core and before the ingest log, replacing the
// file's months of its flow (@periods, @flow), and the strict fake, which
// requires a partition filter on that mart as Terraform does, accepts the
// script. An auxiliary table's script renames the mart, with its
// partition predicate, and creates the mart first when it is absent; so
// does the refresh a territorial reload runs (marts_refresh_municipio_comex).
func TestIngestComexMunicipalMartOnTheStrictFake(t *testing.T) {
	if _, ok := bqfake.PartitionFilters["marts.comex_municipal_monthly"]; !ok {
		t.Fatal("the fake does not require a partition filter on marts.comex_municipal_monthly")
	}
	mun := `"CO_ANO";"CO_MES";"SH4";"CO_PAIS";"SG_UF_MUN";"CO_MUN";"KG_LIQUIDO";"VL_FOB"` + "\r\n" +
		`2024;"01";"0201";"160";"SP";"3416200";500;1000` + "\r\n" +
		`2024;"03";"1201";"249";"BA";"2927408";700;1400` + "\r\n" +
		`2024;"03";"1201";"160";"ND";"9999999";300;600` + "\r\n"
	fake := bqfake.New(t)
	rep, err := mbq.LoadRemote(context.Background(), ingestWarehouse(t, fake).Ingest(), "comex", "EXP_2024_MUN.csv",
		strings.NewReader(mun), ingest.LoadParams{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsSkipped != 1 || !slices.Equal(rep.Periods, []string{"2024-01", "2024-03"}) {
		t.Fatalf("report %+v", rep)
	}
	jobs := fake.Jobs()
	if len(jobs) != 2 {
		t.Fatalf("%d scripts, want the setup and the transaction", len(jobs))
	}
	setup := obj(t, jobs[0].Body, "configuration", "query")["query"].(string)
	for _, want := range []string{"CREATE TABLE IF NOT EXISTS core.dim_sh", "CREATE TABLE IF NOT EXISTS core.dim_pais",
		"CREATE TABLE IF NOT EXISTS marts.comex_municipal_monthly"} {
		if !strings.Contains(setup, want) {
			t.Errorf("the setup script lacks %q", want)
		}
	}
	script := obj(t, jobs[1].Body, "configuration", "query")["query"].(string)
	if m := inOrder(script, "-- model staging_comex_mun\n", "-- comex_mun mapping check\n", "-- model core_fact_comex_municipio\n",
		"-- model marts_comex_municipal_monthly\n", "INSERT INTO landing.ingest_files"); m != "" {
		t.Fatalf("the script does not hold %q in its place", m)
	}
	mart := script[strings.Index(script, "-- model marts_comex_municipal_monthly\n"):]
	mart = mart[:strings.Index(mart, ";\n")]
	for _, want := range []string{"MERGE marts.comex_municipal_monthly", "municipio IS NOT NULL",
		"WHEN NOT MATCHED BY SOURCE AND t.flow = @flow AND t.month IN UNNEST(@periods) THEN DELETE"} {
		if !strings.Contains(mart, want) {
			t.Errorf("the mart's statement lacks %q", want)
		}
	}
	p := scriptParams(t, jobs[1].Body)
	if !slices.Equal(p["periods"], []string{"2024-01-01", "2024-03-01"}) || !slices.Equal(p["flow"], []string{"export"}) {
		t.Errorf("@periods %v, @flow %v; want the file's months and export", p["periods"], p["flow"])
	}

	pais := `"CO_PAIS";"CO_PAIS_ISON3";"CO_PAIS_ISOA3";"NO_PAIS";"NO_PAIS_ING";"NO_PAIS_ESP"` + "\r\n" +
		`"160";"156";"CHN";"China";"China";"China"` + "\r\n"
	aux := bqfake.New(t)
	if _, err := mbq.LoadRemote(context.Background(), ingestWarehouse(t, aux).Ingest(), "comex", "PAIS.csv",
		strings.NewReader(pais), ingest.LoadParams{}); err != nil {
		t.Fatal(err)
	}
	jobs = aux.Jobs()
	if len(jobs) != 2 {
		t.Fatalf("%d scripts for PAIS.csv, want 2", len(jobs))
	}
	if s := obj(t, jobs[0].Body, "configuration", "query")["query"].(string); !strings.Contains(s, "CREATE TABLE IF NOT EXISTS marts.comex_municipal_monthly") {
		t.Error("the auxiliary table's setup does not create the municipal mart")
	}
	script = obj(t, jobs[1].Body, "configuration", "query")["query"].(string)
	if m := inOrder(script, "-- model core_dim_aux_pais\n", "-- model marts_comex_municipal_names\n", "INSERT INTO landing.ingest_files"); m != "" {
		t.Fatalf("the auxiliary table's script does not hold %q in its place", m)
	}

	// The refresh the territorial reload runs passes the strict fake too.
	terr := ingestWarehouse(t, bqfake.New(t)).Ingest()
	for _, m := range []string{"ddl_core_dim_municipio", "ddl_marts_comex_municipal_monthly", "marts_refresh_municipio_comex"} {
		sql, err := ingest.Model("bigquery", m)
		if err != nil {
			t.Fatal(err)
		}
		if err := terr.Exec(context.Background(), mbq.RemoteQuery{Source: "ibge_territorio", SQL: sql}); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
}
