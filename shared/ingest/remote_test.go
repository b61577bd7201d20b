package ingest_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/semantic/sqlcheck"
)

// recorder is an in-memory bigquery.Remote: reads answer no rows (a fresh
// warehouse), every Exec and every landing table sent is kept.
type recorder struct {
	queries []bigquery.RemoteQuery
	execs   []bigquery.RemoteQuery
	appends []*recordedAppend
	// failScript makes the transaction script fail with this error.
	failScript error
}

// recordedAppend is one landing table's rows: the values appended, one
// line per row, and whether they were sent.
type recordedAppend struct {
	bigquery.RemoteTable
	r      *recorder
	data   strings.Builder
	rows   int64
	closed bool
}

func (a *recordedAppend) AppendRow(vals ...driver.Value) error {
	if len(vals) != len(a.Columns) {
		return fmt.Errorf("appending %d values to %d columns", len(vals), len(a.Columns))
	}
	fmt.Fprintln(&a.data, slices.Clone(vals))
	a.rows++
	return nil
}

func (a *recordedAppend) Close() error { a.closed = true; return nil }
func (a *recordedAppend) Rows() int64  { return a.rows }
func (a *recordedAppend) Discard()     {}

func (a *recordedAppend) Send(context.Context) error {
	if !a.closed {
		return fmt.Errorf("landing.%s sent before its rows were closed", a.Table)
	}
	a.r.appends = append(a.r.appends, a)
	return nil
}

func (r *recorder) Query(_ context.Context, q bigquery.RemoteQuery) ([][]any, error) {
	r.queries = append(r.queries, q)
	return nil, nil
}

func (r *recorder) Exec(_ context.Context, q bigquery.RemoteQuery) error {
	r.execs = append(r.execs, q)
	if r.failScript != nil && strings.HasPrefix(q.SQL, "BEGIN TRANSACTION;") {
		return r.failScript
	}
	return nil
}

func (r *recorder) Land(t bigquery.RemoteTable) (bigquery.RemoteLanding, error) {
	return &recordedAppend{RemoteTable: t, r: r}, nil
}

var modelMark = regexp.MustCompile(`(?m)^-- model ([a-z0-9_]+)$`)

func marked(sql string) []string {
	var out []string
	for _, m := range modelMark.FindAllStringSubmatch(sql, -1) {
		out = append(out, m[1])
	}
	return out
}

// duckModels lists the models a DuckDB load ran, in order, from its steps.
func duckModels(t *testing.T, rep ingest.Report) []string {
	t.Helper()
	names, err := ingest.Models("duckdb")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range rep.Steps {
		if slices.Contains(names, s.Name) && (len(out) == 0 || out[len(out)-1] != s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

// The BigQuery plan of a file runs the models the DuckDB load runs, in the
// same order: tables first (BigQuery allows no permanent DDL inside a
// transaction), then the rest in one BEGIN … COMMIT script, with the
// ingest log's row inside it.
func TestRemotePlanRunsTheDuckDBModelsInOrder(t *testing.T) {
	cases := []struct{ file, name string }{
		{"comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv", "EXP_2025.csv"},
		{"ipca/sidra_tabela1737_variacao_mensal.tsv", "sidra_tabela1737_variacao_mensal.tsv"},
		{"caged/CAGEDEXC202301.txt", "CAGEDEXC202301.txt"},
		{"ibge_municipios/ibge_dtb_relatorio_municipio.csv", "RELATORIO_DTB_BRASIL_MUNICIPIO.csv"},
		{"siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv", "finbra.csv"},
		{"comexstat/tabelas_auxiliares/PAIS.csv", "PAIS.csv"},
	}
	sources := map[string]string{"comexstat": "comex", "ipca": "ipca", "caged": "caged", "ibge_municipios": "ibge_territorio", "siconfi": "siconfi"}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := dataFile(t, c.file)
			source := sources[strings.Split(c.file, "/")[0]]
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			db := warehouse(t)
			if source == "caged" || source == "siconfi" {
				loadDTB(t, db) // both are refused before the territorial table
			}
			rep, err := duckdb.Load(context.Background(), db, source, c.name, f, ingest.LoadParams{Now: now})
			if err != nil {
				t.Fatalf("DuckDB load: %v", err)
			}
			want := duckModels(t, rep)
			if len(want) < 3 {
				t.Fatalf("the DuckDB load ran only %v", want)
			}

			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			rrep, err := bigquery.LoadRemote(context.Background(), rec, source, c.name, f, ingest.LoadParams{Now: now})
			if err != nil {
				t.Fatalf("remote load: %v", err)
			}
			if rrep.RowsLoaded != rep.RowsLoaded || rrep.SHA256 != rep.SHA256 || !slices.Equal(rrep.Periods, rep.Periods) {
				t.Errorf("remote report %d rows %s %v, DuckDB's %d rows %s %v", rrep.RowsLoaded, rrep.SHA256, rrep.Periods, rep.RowsLoaded, rep.SHA256, rep.Periods)
			}
			if len(rec.execs) != 2 {
				t.Fatalf("%d scripts, want the setup and the transaction", len(rec.execs))
			}
			setup, script := rec.execs[0].SQL, rec.execs[1].SQL
			if !strings.HasPrefix(script, "BEGIN TRANSACTION;") || !strings.HasSuffix(script, "COMMIT TRANSACTION;") {
				t.Errorf("the script does not run as one transaction:\n%.200s\n…\n%s", script, script[max(0, len(script)-200):])
			}
			if !strings.Contains(script, "INSERT INTO landing.ingest_files") {
				t.Error("the ingest log's row is not written inside the transaction")
			}
			inSetup, inScript := marked(setup), marked(script)
			var wantSetup, wantScript []string
			for _, m := range want {
				text, err := ingest.Model("bigquery", m)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(text, "CREATE TABLE IF NOT EXISTS") || strings.Contains(text, "ADD COLUMN IF NOT EXISTS") {
					wantSetup = append(wantSetup, m)
				} else {
					wantScript = append(wantScript, m)
				}
			}
			// ddl_ingest_files runs first in both, but DuckDB's log reads
			// come after it: it is in want.
			if !slices.Equal(inSetup, wantSetup) {
				t.Errorf("setup models %v, want %v", inSetup, wantSetup)
			}
			if !slices.Equal(inScript, wantScript) {
				t.Errorf("script models %v, want %v (DuckDB ran %v)", inScript, wantScript, want)
			}
			for _, s := range strings.Split(script, ";\n") {
				up := strings.ToUpper(s)
				if strings.Contains(up, "CREATE OR REPLACE TABLE") || strings.Contains(up, "CREATE TABLE IF NOT EXISTS") {
					t.Errorf("permanent DDL inside the transaction: %.120s", s)
				}
			}
			// Each statement of both scripts parses as BigQuery's (the
			// models are parsed by TestBigQueryModelsParse; this covers the
			// runner's own: the IPCA check, the log row, BEGIN/COMMIT).
			var files []string
			for i, stmt := range splitScript(setup + "\n\n" + script) {
				p := filepath.Join(t.TempDir(), fmt.Sprintf("stmt%03d.sql", i))
				if err := os.WriteFile(p, []byte(stmt), 0o600); err != nil {
					t.Fatal(err)
				}
				files = append(files, p)
			}
			sqlcheck.ParseBigQuery(t, files...)
			var landed int64
			for _, a := range rec.appends {
				landed += a.rows
				if n := int64(strings.Count(a.data.String(), "\n")); n != a.rows {
					t.Errorf("landing.%s: %d lines uploaded, %d rows counted", a.Table, n, a.rows)
				}
				if !strings.Contains(setup, "DELETE FROM landing."+a.Table+" WHERE file_sha256 = @file_sha256 AND "+bigquery.RecentLanding+";") {
					t.Errorf("landing.%s: an earlier try's rows are not dropped before the load", a.Table)
				}
			}
			if source != "caged" && landed != rep.RowsLoaded {
				t.Errorf("uploaded %d landing rows, DuckDB landed %d", landed, rep.RowsLoaded)
			}
		})
	}
}

// splitScript cuts a script at its statements: each starts with a "-- "
// marker line, BEGIN/COMMIT or a DELETE of landing rows.
func splitScript(script string) []string {
	var out []string
	for _, chunk := range strings.Split(script, "\n\n") {
		if chunk = strings.TrimSpace(chunk); chunk != "" {
			out = append(out, chunk)
		}
	}
	return out
}

// A file that breaks its contract sends nothing that writes.
func TestRemoteContractErrorSendsNoJob(t *testing.T) {
	bad := "CO_ANO;CO_MES;CO_NCM;CO_UNID;CO_PAIS;SG_UF_NCM;CO_VIA;CO_URF;QT_ESTAT;KG_LIQUIDO;VL_FOB\n" +
		"2025;1;01012100;10;249;SP;01;0817800;1;100;1000\n" +
		"2025;13;01012100;10;249;SP;01;0817800;1;100;1000\n"
	rec := &recorder{}
	_, err := bigquery.LoadRemote(context.Background(), rec, "comex", "EXP_2025.csv", strings.NewReader(bad), ingest.LoadParams{})
	var ce *ingest.ContractError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a contract error", err)
	}
	if len(rec.execs) != 0 || len(rec.appends) != 0 {
		t.Errorf("a refused file sent %d scripts and %d load jobs", len(rec.execs), len(rec.appends))
	}
}

// A script that fails is the load's error; one that raised a contract
// refusal (the IPCA chain) is a *ContractError.
func TestRemoteFailingScript(t *testing.T) {
	path := dataFile(t, "ipca/sidra_tabela1737_variacao_mensal.tsv")
	for _, c := range []struct {
		err      error
		contract bool
	}{
		{errors.New("bigquery: Error 400: Transaction is aborted due to concurrent update, invalidQuery"), false},
		// ERROR()'s message as a job error reports it (the position and the
		// expression around it are BigQuery's).
		{errors.New(`bigquery: Query error: mirante-contract: the monthly changes from 1993-12 to 2025-09 miss 2 months: the index chain needs every month :end-contract (while evaluating error(...)) at [2:72]`), true},
		{errors.New(`bigquery: Query error: mirante-contract: no monthly changes (Variação mensal) are loaded: the index (Dec 1993 = 100) needs them; load the monthly series first :end-contract at [2:26]`), true},
	} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{failScript: c.err}
		_, err = bigquery.LoadRemote(context.Background(), rec, "ipca", "ipca.tsv", f, ingest.LoadParams{})
		f.Close()
		var ce *ingest.ContractError
		switch {
		case err == nil:
			t.Errorf("%v: the load succeeded", c.err)
		case c.contract && !errors.As(err, &ce):
			t.Errorf("got %v, want a contract error", err)
		case c.contract && !strings.HasPrefix(ce.Reason, "the monthly changes from 1993-12 to 2025-09 miss 2 months") && !strings.HasSuffix(ce.Reason, "; load the monthly series first") ||
			c.contract && (strings.Contains(ce.Reason, "at [") || strings.Contains(ce.Reason, "end-contract") || strings.Contains(ce.Reason, "evaluating")):
			t.Errorf("contract reason %q", ce.Reason)
		case !c.contract && errors.As(err, &ce):
			t.Errorf("a failed script became a contract error: %v", err)
		}
		if len(rec.execs) != 2 {
			t.Errorf("%d scripts sent, want the setup and the transaction", len(rec.execs))
		}
		if c.contract {
			continue
		}
		if !strings.Contains(rec.execs[1].SQL, "mirante-contract: the monthly changes from %s to %s miss %d months") {
			t.Error("the transaction does not check the IPCA chain")
		}
	}
}

func TestParseColumns(t *testing.T) {
	text, err := ingest.Model("bigquery", "landing_caged")
	if err != nil {
		t.Fatal(err)
	}
	cols, err := ingest.ParseColumns(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []ingest.ModelColumn{{"file_sha256", "STRING", true}, {"line", "INT64", true}, {"kind", "STRING", true},
		{"file_competencia", "DATE", true}, {"competencia_mov", "DATE", true}, {"municipio6", "STRING", true}, {"secao", "STRING", true},
		{"admissions", "INT64", true}, {"separations", "INT64", true}, {"movements", "INT64", true}}
	if !slices.Equal(cols, want) {
		t.Errorf("got %v, want %v", cols, want)
	}
	names, err := ingest.Models("bigquery")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "landing_") {
			continue
		}
		text, _ := ingest.Model("bigquery", n)
		if _, err := ingest.ParseColumns(text); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}
