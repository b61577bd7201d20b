package bigquery_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	mbq "github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/ingest"
)

// sample opens a file of ../shared/data beside the checkout, skipping when
// that folder is absent.
func sample(t *testing.T, rel string) *os.File {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = filepath.Dir(dir)
	}
	data := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("the shared data folder %s is absent", data)
	}
	f, err := os.Open(filepath.Join(data, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// ingestWarehouse opens the warehouse on the fake; opts change its
// configuration.
func ingestWarehouse(t *testing.T, fake *bqfake.Server, opts ...func(*mbq.Config)) *mbq.Warehouse {
	t.Helper()
	cfg := mbq.Config{
		Project:        bqfake.Project,
		Location:       "southamerica-east1",
		MaxBytesBilled: 1 << 30,
		Timeout:        20 * time.Second,
		IngestTimeout:  20 * time.Second,
		Endpoint:       fake.URL,
	}
	for _, o := range opts {
		o(&cfg)
	}
	wh, err := mbq.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	return wh
}

const comexSample = "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv"

func obj(t *testing.T, v any, path ...string) map[string]any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: not an object at %q", path, p)
		}
		v = m[p]
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v: not an object: %v", path, v)
	}
	return m
}

// A Comex Stat file on BigQuery: its rows go up in one load job into
// landing.comex_ncm, then its models run as one transaction script.
func TestIngestComexOnTheWire(t *testing.T) {
	fake := bqfake.New(t)
	wh := ingestWarehouse(t, fake)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	rep, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "comex", "EXP_2025.csv", sample(t, comexSample), ingest.LoadParams{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsLoaded != 60 || rep.Skipped {
		t.Fatalf("report: %d rows, skipped %v; want 60 rows loaded", rep.RowsLoaded, rep.Skipped)
	}
	wantLabels := map[string]any{"source": "comex", "endpoint": "ingest"}

	// The two log reads before anything is sent, and the count of
	// published rows the script wrote to the log.
	reads := fake.Queries()
	if len(reads) != 3 {
		t.Fatalf("%d reads, want the same-file and the same-content checks and the published count", len(reads))
	}
	for _, r := range reads {
		if r.Body["location"] != "southamerica-east1" || !reflect.DeepEqual(r.Body["labels"], wantLabels) {
			t.Errorf("read %v: location %v, labels %v", r.Body["query"], r.Body["location"], r.Body["labels"])
		}
		if !strings.Contains(r.Body["query"].(string), "landing.ingest_files") {
			t.Errorf("read %q is not of the ingest log", r.Body["query"])
		}
	}

	// The load job.
	loads := fake.Loads()
	if len(loads) != 1 {
		t.Fatalf("%d load jobs, want 1", len(loads))
	}
	ld := loads[0]
	if ld.Query.Get("uploadType") != "multipart" {
		t.Errorf("upload type %q", ld.Query.Get("uploadType"))
	}
	cfg := obj(t, ld.Body, "configuration")
	if !reflect.DeepEqual(cfg["labels"], wantLabels) {
		t.Errorf("load labels %v", cfg["labels"])
	}
	if loc := obj(t, ld.Body, "jobReference")["location"]; loc != "southamerica-east1" {
		t.Errorf("load location %v", loc)
	}
	load := obj(t, cfg, "load")
	if dst := load["destinationTable"]; !reflect.DeepEqual(dst, map[string]any{"projectId": bqfake.Project, "datasetId": "landing", "tableId": "comex_ncm"}) {
		t.Errorf("destination %v", dst)
	}
	if load["sourceFormat"] != "NEWLINE_DELIMITED_JSON" || load["writeDisposition"] != "WRITE_APPEND" || load["createDisposition"] != "CREATE_NEVER" {
		t.Errorf("format %v, write %v, create %v", load["sourceFormat"], load["writeDisposition"], load["createDisposition"])
	}
	var fields []string
	for _, f := range obj(t, load, "schema")["fields"].([]any) {
		m := f.(map[string]any)
		mode, _ := m["mode"].(string)
		fields = append(fields, m["name"].(string)+" "+m["type"].(string)+" "+mode)
	}
	wantFields := []string{"file_sha256 STRING REQUIRED", "line INTEGER REQUIRED", "flow STRING REQUIRED", "co_ano INTEGER REQUIRED",
		"co_mes INTEGER REQUIRED", "co_ncm INTEGER REQUIRED", "co_unid INTEGER ", "co_pais INTEGER REQUIRED", "sg_uf_ncm STRING REQUIRED",
		"co_via INTEGER ", "co_urf INTEGER ", "qt_estat INTEGER ", "kg_liquido INTEGER REQUIRED", "vl_fob INTEGER REQUIRED",
		"vl_frete INTEGER ", "vl_seguro INTEGER "}
	if !slices.Equal(fields, wantFields) {
		t.Errorf("schema\n got %v\nwant %v", fields, wantFields)
	}
	// The uploaded rows: one JSON object per line of the file.
	var rows []map[string]any
	sc := bufio.NewScanner(strings.NewReader(string(ld.Media)))
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("uploaded line %q: %v", sc.Text(), err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 60 {
		t.Fatalf("%d rows uploaded, want 60", len(rows))
	}
	// 2025;09;84713019;11;063;SP;07;1017500;42;13;608 (line 2): codes land
	// as numbers, and staging pads them back.
	first := map[string]any{"file_sha256": rep.SHA256, "flow": "export", "line": 2.0, "co_ano": 2025.0, "co_mes": 9.0, "co_ncm": 84713019.0,
		"co_unid": 11.0, "co_pais": 63.0, "sg_uf_ncm": "SP", "co_via": 7.0, "co_urf": 1017500.0, "qt_estat": 42.0, "kg_liquido": 13.0, "vl_fob": 608.0}
	if !reflect.DeepEqual(rows[0], first) {
		t.Errorf("first row\n got %v\nwant %v", rows[0], first)
	}
	if rows[59]["line"] != 61.0 {
		t.Errorf("last row is line %v, want 61", rows[59]["line"])
	}

	// The setup script, then the load, then the transaction.
	jobs := fake.Jobs()
	if len(jobs) != 2 {
		t.Fatalf("%d scripts, want the setup and the transaction", len(jobs))
	}
	calls := fake.Calls()
	order := map[string]int{}
	for i, c := range calls {
		switch {
		case strings.HasPrefix(c.Path, "/upload/"):
			order["load"] = i
		case c.Method == "POST" && strings.HasSuffix(c.Path, "/jobs"):
			if _, ok := order["setup"]; !ok {
				order["setup"] = i
			} else {
				order["script"] = i
			}
		}
	}
	if !(order["setup"] < order["load"] && order["load"] < order["script"]) {
		t.Errorf("job order %v, want setup < load < script", order)
	}
	setup := obj(t, jobs[0].Body, "configuration", "query")["query"].(string)
	if !strings.Contains(setup, "DELETE FROM landing.comex_ncm WHERE file_sha256 = @file_sha256 AND "+mbq.RecentLanding+";") ||
		!strings.Contains(setup, "PARTITION BY _PARTITIONDATE CLUSTER BY file_sha256") ||
		!strings.Contains(setup, "CREATE TABLE IF NOT EXISTS landing.comex_ncm") || !strings.Contains(setup, "CREATE TABLE IF NOT EXISTS landing.ingest_files") {
		t.Errorf("the setup script does not create the tables and drop an earlier try's rows:\n%s", setup)
	}

	jcfg := obj(t, jobs[1].Body, "configuration")
	q := obj(t, jcfg, "query")
	script := q["query"].(string)
	if !strings.HasPrefix(script, "BEGIN TRANSACTION;") || !strings.HasSuffix(script, "COMMIT TRANSACTION;") {
		t.Errorf("the script is not one transaction: %.80s … %s", script, script[len(script)-40:])
	}
	at := -1
	for _, m := range []string{"staging_comex_ncm", "core_fact_comex", "marts_comex_monthly"} {
		i := strings.Index(script, "-- model "+m+"\n")
		if i <= at {
			t.Errorf("model %s is not in the script after the previous one (at %d, previous %d)", m, i, at)
		}
		at = i
	}
	// Every landed row must be published: the check runs after the
	// models, with the file's 60 rows, before the log row.
	check := strings.Index(script, "-- published check\n")
	if check < at || !strings.Contains(script[check:], "WHEN (SELECT COUNT(*) FROM core.fact_comex WHERE file_sha256 = @file_sha256 AND month IN UNNEST(@periods)) <> 60 THEN ERROR(FORMAT(") {
		t.Errorf("no published check after the models:\n%s", script[max(check, 0):])
	}
	at = check
	if i := strings.Index(script, "INSERT INTO landing.ingest_files"); i < at {
		t.Errorf("the ingest log row is not written after the models, inside the transaction")
	}
	if q["useLegacySql"] != false || q["maximumBytesBilled"] != "1073741824" {
		t.Errorf("useLegacySql %v, maximumBytesBilled %v", q["useLegacySql"], q["maximumBytesBilled"])
	}
	if !reflect.DeepEqual(jcfg["labels"], wantLabels) {
		t.Errorf("script labels %v", jcfg["labels"])
	}
	if loc := obj(t, jobs[1].Body, "jobReference")["location"]; loc != "southamerica-east1" {
		t.Errorf("script location %v", loc)
	}
	params := map[string]string{}
	values := map[string]any{}
	for _, p := range q["queryParameters"].([]any) {
		m := p.(map[string]any)
		b, _ := json.Marshal(m["parameterType"])
		params[m["name"].(string)] = string(b)
		values[m["name"].(string)] = m["parameterValue"]
	}
	wantTypes := map[string]string{
		"periods":       `{"arrayType":{"type":"DATE"},"type":"ARRAY"}`,
		"flow":          `{"type":"STRING"}`,
		"file_sha256":   `{"type":"STRING"}`,
		"log_loaded_at": `{"type":"TIMESTAMP"}`,
		"log_bytes":     `{"type":"INT64"}`,
	}
	for name, want := range wantTypes {
		if params[name] != want {
			t.Errorf("@%s is %s, want %s", name, params[name], want)
		}
	}
	var months []string
	for _, v := range obj(t, values["periods"])["arrayValues"].([]any) {
		months = append(months, v.(map[string]any)["value"].(string))
	}
	var wantMonths []string
	for _, p := range rep.Periods {
		wantMonths = append(wantMonths, p+"-01")
	}
	if len(wantMonths) < 2 || !slices.Equal(months, wantMonths) {
		t.Errorf("@periods %v, the file's months %v", months, rep.Periods)
	}
	if v := obj(t, values["flow"])["value"]; v != "export" {
		t.Errorf("@flow = %v", v)
	}
}

// A file whose sha256 the ingest log holds as current sends no load job
// and no script.
func TestIngestAlreadyLoadedSendsNothing(t *testing.T) {
	fake := bqfake.New(t)
	fake.Answer = func(sql string, _ []any) bqfake.Answer {
		if strings.Contains(sql, "ORDER BY seq DESC LIMIT 1") {
			return bqfake.Answer{
				Schema: []bqfake.Field{{Name: "seq", Type: "INTEGER"}, {Name: "layout", Type: "STRING"}, {Name: "scope", Type: "STRING"}, {Name: "periods", Type: "STRING"},
					{Name: "watermark", Type: "STRING"}, {Name: "rows_read", Type: "INTEGER"}, {Name: "rows_loaded", Type: "INTEGER"},
					{Name: "rows_published", Type: "INTEGER"}, {Name: "rows_skipped", Type: "INTEGER"}, {Name: "skipped_why", Type: "STRING"},
					{Name: "bytes", Type: "INTEGER"}, {Name: "deps_sha256", Type: "STRING"}},
				Rows: [][]any{{3, "ncm", "export", "2025-01,2025-02", "2025-02", 60, 60, 60, 0, "", 2900, ""}},
			}
		}
		return bqfake.Answer{}
	}
	wh := ingestWarehouse(t, fake)
	rep, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "comex", "EXP_2025.csv", sample(t, comexSample), ingest.LoadParams{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Skipped || rep.RowsLoaded != 60 || rep.RowsPublished != 60 || rep.Watermark != "2025-02" {
		t.Errorf("report: skipped %v, %d rows, %d published, watermark %q", rep.Skipped, rep.RowsLoaded, rep.RowsPublished, rep.Watermark)
	}
	if n, m := len(fake.Loads()), len(fake.Jobs()); n != 0 || m != 0 {
		t.Errorf("a current file sent %d load jobs and %d scripts", n, m)
	}
	if len(fake.Queries()) != 2 {
		t.Errorf("%d reads, want the log's two", len(fake.Queries()))
	}
}

// A file that breaks its contract sends no job that writes.
func TestIngestContractErrorSendsNoJob(t *testing.T) {
	fake := bqfake.New(t)
	wh := ingestWarehouse(t, fake)
	bad := "CO_ANO;CO_MES;CO_NCM;CO_UNID;CO_PAIS;SG_UF_NCM;CO_VIA;CO_URF;QT_ESTAT;KG_LIQUIDO;VL_FOB\n2025;13;01012100;10;249;SP;01;0817800;1;100;1000\n"
	_, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "comex", "EXP_2025.csv", strings.NewReader(bad), ingest.LoadParams{})
	var ce *ingest.ContractError
	if !errors.As(err, &ce) || ce.Column != "CO_MES" {
		t.Fatalf("got %v, want a contract error on CO_MES", err)
	}
	if n, m := len(fake.Loads()), len(fake.Jobs()); n != 0 || m != 0 {
		t.Errorf("a refused file sent %d load jobs and %d scripts", n, m)
	}
}

// A script that fails is the load's error, after its load job.
func TestIngestFailingScript(t *testing.T) {
	fake := bqfake.New(t)
	fake.Fail = func(sql string) string {
		if strings.HasPrefix(sql, "BEGIN TRANSACTION;") {
			return "Transaction is aborted due to concurrent update against table mirante-test.core.fact_comex"
		}
		return ""
	}
	wh := ingestWarehouse(t, fake)
	_, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "comex", "EXP_2025.csv", sample(t, comexSample), ingest.LoadParams{})
	if err == nil || !strings.Contains(err.Error(), "concurrent update") {
		t.Fatalf("got %v, want the script's failure", err)
	}
	var ce *ingest.ContractError
	if errors.As(err, &ce) {
		t.Errorf("a failed script is not a contract error: %v", err)
	}
	if len(fake.Loads()) != 1 || len(fake.Jobs()) != 2 {
		t.Errorf("%d loads, %d scripts", len(fake.Loads()), len(fake.Jobs()))
	}
}

// The first load of all finds no ingest log: a missing table is nothing
// loaded, not an error.
func TestIngestFirstLoadFindsNoLog(t *testing.T) {
	fake := bqfake.New(t)
	fake.Answer = func(string, []any) bqfake.Answer { return bqfake.Answer{Reason: "notFound"} }
	wh := ingestWarehouse(t, fake)
	if _, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "comex", "EXP_2025.csv", sample(t, comexSample), ingest.LoadParams{}); err != nil {
		t.Fatal(err)
	}
	if len(fake.Jobs()) != 2 {
		t.Errorf("%d scripts, want 2", len(fake.Jobs()))
	}
	w, err := mbq.WatermarkRemote(context.Background(), wh.Ingest(), "comex")
	if err != nil || w != "" {
		t.Errorf("watermark %q, %v; want empty", w, err)
	}
}

// Every source's watermark reads through the fake, which refuses a read of
// a mart that requires a partition filter (comex, antaq) without one.
func TestIngestWatermark(t *testing.T) {
	cases := []struct{ source, table string }{
		{"ibge_territorio", "landing.ingest_files"},
		{"ipca", "marts.ipca_monthly"},
		{"comex", "marts.comex_monthly"},
		{"antaq", "marts.antaq_monthly"},
		{"caged", "core.fact_caged"},
		{"pib_municipal", "marts.pib_municipal"},
		{"siconfi", "marts.siconfi_annual"},
	}
	for _, tc := range cases {
		t.Run(tc.source, func(t *testing.T) {
			t.Parallel()
			fake := bqfake.New(t)
			fake.Answer = func(sql string, _ []any) bqfake.Answer {
				if strings.Contains(sql, "FROM "+tc.table) {
					return bqfake.Answer{Schema: []bqfake.Field{{Name: "w", Type: "STRING"}}, Rows: [][]any{{"2025-10"}}}
				}
				return bqfake.Answer{}
			}
			wh := ingestWarehouse(t, fake)
			w, err := mbq.WatermarkRemote(context.Background(), wh.Ingest(), tc.source)
			if err != nil || w != "2025-10" {
				t.Errorf("watermark %q, %v; want 2025-10", w, err)
			}
		})
	}
}

// CAGED on the wire: @kind and @file_competencia (DATE) are bound, and
// @periods holds the file's months and those the replaced cells touched
// (read from core.fact_caged before the script). Nothing is read after the
// script: CAGED has no notes.
func TestIngestCAGEDBindsTheReplacedMonths(t *testing.T) {
	fake := bqfake.New(t)
	var scopeParams []any
	fake.Answer = func(sql string, params []any) bqfake.Answer {
		if strings.Contains(sql, "SELECT DISTINCT month FROM core.fact_caged") {
			scopeParams = params
			return bqfake.Answer{Schema: []bqfake.Field{{Name: "month", Type: "DATE"}}, Rows: [][]any{{"2019-06-01"}}}
		}
		return bqfake.Answer{}
	}
	wh := ingestWarehouse(t, fake)
	rep, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "caged", "CAGEDEXC202301.txt", sample(t, "caged/CAGEDEXC202301.txt"), ingest.LoadParams{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(rep.Periods, "2019-06") {
		t.Fatalf("the sample covers 2019-06 itself; the test needs a month it does not: %v", rep.Periods)
	}
	// The scope read binds kind and competência as the models do.
	var bound []string
	for _, p := range scopeParams {
		m := p.(map[string]any)
		typ := obj(t, m, "parameterType")["type"]
		bound = append(bound, m["name"].(string)+" "+typ.(string)+" "+obj(t, m, "parameterValue")["value"].(string))
	}
	if !slices.Equal(bound, []string{"p1 STRING exc", "p2 DATE 2023-01-01"}) {
		t.Errorf("the scope read bound %v", bound)
	}
	jobs := fake.Jobs()
	if len(jobs) != 2 {
		t.Fatalf("%d scripts, want 2", len(jobs))
	}
	q := obj(t, jobs[1].Body, "configuration", "query")
	values := map[string]map[string]any{}
	types := map[string]string{}
	for _, p := range q["queryParameters"].([]any) {
		m := p.(map[string]any)
		values[m["name"].(string)] = obj(t, m, "parameterValue")
		b, _ := json.Marshal(m["parameterType"])
		types[m["name"].(string)] = string(b)
	}
	if types["file_competencia"] != `{"type":"DATE"}` || values["file_competencia"]["value"] != "2023-01-01" {
		t.Errorf("@file_competencia %s %v", types["file_competencia"], values["file_competencia"])
	}
	if values["kind"]["value"] != "exc" {
		t.Errorf("@kind %v", values["kind"])
	}
	var months []string
	for _, v := range values["periods"]["arrayValues"].([]any) {
		months = append(months, v.(map[string]any)["value"].(string))
	}
	want := []string{"2019-06-01"}
	for _, p := range rep.Periods {
		want = append(want, p+"-01")
	}
	slices.Sort(want)
	if !slices.Equal(months, want) {
		t.Errorf("@periods %v, want the file's months and 2019-06: %v", months, want)
	}
	// Reads: the log twice and the scope before the script; after it only
	// the log's count of published rows (CAGED has no notes: what does not
	// map is refused or skipped).
	var afterScript []string
	script := false
	for _, c := range fake.Calls() {
		if c.Method == "POST" && strings.HasSuffix(c.Path, "/jobs") && strings.HasPrefix(querySQLOf(c), "BEGIN TRANSACTION;") {
			script = true
		}
		if script && strings.HasSuffix(c.Path, "/queries") && c.Method == "POST" {
			afterScript = append(afterScript, c.Body["query"].(string))
		}
	}
	if len(afterScript) != 1 || !strings.HasPrefix(afterScript[0], "SELECT rows_published FROM landing.ingest_files") {
		t.Errorf("reads after the script: %q, want the count of published rows only", afterScript)
	}
}

func querySQLOf(c bqfake.Call) string {
	cfg, _ := c.Body["configuration"].(map[string]any)
	q, _ := cfg["query"].(map[string]any)
	s, _ := q["query"].(string)
	return s
}

// A landing spool larger than the upload chunk goes up as a resumable
// upload, in chunks, and arrives whole and in order: official files are
// mostly far above the 16 MiB default, so this is their usual path. The
// chunk here is the smallest the client allows (256 KiB).
func TestIngestLargeFileGoesUpResumable(t *testing.T) {
	fake := bqfake.New(t)
	wh := ingestWarehouse(t, fake, func(c *mbq.Config) { c.UploadChunk = 256 << 10 })
	const rows = 6000
	var b strings.Builder
	b.WriteString("\"CO_ANO\";\"CO_MES\";\"CO_NCM\";\"CO_UNID\";\"CO_PAIS\";\"SG_UF_NCM\";\"CO_VIA\";\"CO_URF\";\"QT_ESTAT\";\"KG_LIQUIDO\";\"VL_FOB\"\r\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "2024;\"%02d\";\"%08d\";\"10\";\"%03d\";\"SP\";\"01\";\"0817800\";%d;%d;%d\r\n", 1+i%12, 12019000+i, i%1000, i, i, 1000+i)
	}
	rep, err := mbq.LoadRemote(context.Background(), wh.Ingest(), "comex", "EXP_2024.csv", strings.NewReader(b.String()), ingest.LoadParams{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsLoaded != rows {
		t.Fatalf("%d rows loaded, want %d", rep.RowsLoaded, rows)
	}
	loads := fake.Loads()
	if len(loads) != 1 {
		t.Fatalf("%d load jobs, want 1", len(loads))
	}
	ld := loads[0]
	if ld.Query.Get("uploadType") != "resumable" || ld.Chunks < 3 || len(ld.Media) < 3*(256<<10) {
		t.Fatalf("upload %q in %d chunks of %d bytes in all; want resumable, in at least 3 chunks", ld.Query.Get("uploadType"), ld.Chunks, len(ld.Media))
	}
	if dst := obj(t, ld.Body, "configuration", "load")["destinationTable"]; !reflect.DeepEqual(dst, map[string]any{"projectId": bqfake.Project, "datasetId": "landing", "tableId": "comex_ncm"}) {
		t.Errorf("destination %v", dst)
	}
	lines := strings.Split(strings.TrimSuffix(string(ld.Media), "\n"), "\n")
	if len(lines) != rows {
		t.Fatalf("%d rows arrived, want %d", len(lines), rows)
	}
	for i, l := range lines {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if r["line"] != float64(i+2) || r["vl_fob"] != float64(1000+i) {
			t.Fatalf("row %d arrived as %v", i, r)
		}
	}
}

// Every source's load passes the strict fake: its landing rows fit the
// tables its setup script creates, and its scripts' reads and writes of
// the partition-required marts (MERGE, UPDATE, DELETE) carry a partition
// predicate.
func TestIngestEverySourceOnTheStrictFake(t *testing.T) {
	cases := []struct{ source, name, rel string }{
		{"ibge_territorio", "RELATORIO_DTB_BRASIL_MUNICIPIO.csv", "ibge_municipios/ibge_dtb_relatorio_municipio.csv"},
		{"ipca", "bcb_sgs_433_ipca_variacao_mensal.json", "ipca/bcb_sgs_433_ipca_variacao_mensal.json"},
		{"comex", "EXP_2025.csv", comexSample},
		{"comex", "PAIS.csv", "comexstat/tabelas_auxiliares/PAIS.csv"},
		{"caged", "CAGEDEXC202301.txt", "caged/CAGEDEXC202301.txt"},
		{"siconfi", "finbra.csv", "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv"},
		{"pib_municipal", "sidra_tabela5938_pib_municipios_2002_2023.xlsx", "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx"},
		{"antaq", "2023.zip", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var r io.Reader
			if tc.rel == "" {
				r = antaqZip(t)
			} else {
				r = sample(t, tc.rel)
			}
			fake := bqfake.New(t)
			wh := ingestWarehouse(t, fake)
			if _, err := mbq.LoadRemote(context.Background(), wh.Ingest(), tc.source, tc.name, r, ingest.LoadParams{}); err != nil {
				t.Fatal(err)
			}
			if n, m := len(fake.Loads()), len(fake.Jobs()); n < 1 || m != 2 {
				t.Errorf("%d load jobs and %d scripts, want at least 1 and 2", n, m)
			}
		})
	}
}

// antaqZip is ANTAQ's 2023 fixture (shared/ingest/testdata/antaq) as the
// agency publishes a year: one zip of its berthings and their cargo.
func antaqZip(t *testing.T) io.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"2023Atracacao.txt", "2023Carga.txt"} {
		b, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", "antaq", name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// Every municipal source is refused on BigQuery as on DuckDB:
// its script checks, after staging resolves the municipalities and before
// core, that the territorial table was loaded and that every landed place
// resolves, and BigQuery's ERROR() in that check comes back as the load's
// contract error.
func TestMunicipalScriptsRefuseUnmappedPlaces(t *testing.T) {
	comexMUN := `"CO_ANO";"CO_MES";"SH4";"CO_PAIS";"SG_UF_MUN";"CO_MUN";"KG_LIQUIDO";"VL_FOB"` + "\r\n" +
		`2024;"01";"0201";"160";"SP";"3416200";500;1000` + "\r\n" +
		`2024;"01";"0201";"160";"MT";"5101837";700;1400` + "\r\n" +
		`2024;"02";"0201";"160";"ND";"9999999";300;600` + "\r\n"
	cases := []struct {
		source, name string
		in           func(t *testing.T) io.Reader
		check        string   // the check statement's marker
		refusal      string   // what the check's ERROR() says
		order        []string // markers the script holds in this order, the check among them
		wants        []string // what the check statement holds
	}{
		{"pib_municipal", "sidra_tabela5938_pib_municipios_2002_2023.xlsx",
			func(t *testing.T) io.Reader {
				return sample(t, "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx")
			},
			"-- pib mapping check",
			`line 32, column "Unidade da Federação e Município": município "X" (RO) not in the territorial table (1 values of this file name no known municipality)`,
			[]string{"staging_pib AS", "-- pib mapping check", "-- model core_fact_pib"},
			[]string{"FROM staging_pib WHERE municipio IS NULL"}},
		{"siconfi", "finbraRGF_MUN_DCL_semestral_2018_head3000.csv",
			func(t *testing.T) io.Reader {
				return sample(t, "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv")
			},
			"-- siconfi mapping check",
			`line 1507, column "Cod.IBGE": "5299999" is not in the territorial table (1 rows of this file name a code it does not have)`,
			[]string{"CREATE TEMP TABLE staging_siconfi AS", "-- siconfi mapping check", "-- model core_fact_siconfi", "-- model marts_siconfi_annual"},
			[]string{"FROM staging_siconfi WHERE municipio IS NULL", "ERROR(FORMAT("}},
		{"caged", "CAGEDEXC202301.txt",
			func(t *testing.T) io.Reader { return sample(t, "caged/CAGEDEXC202301.txt") },
			"-- caged mapping check",
			`line 41, column "município": município "119998" (RO) not in the territorial table (records of this file with a município code it does not have: 1)`,
			[]string{"staging_caged AS", "-- caged mapping check", "MERGE core.fact_caged"},
			[]string{"FROM staging_caged", "municipio IS NULL"}},
		{"comex", "EXP_2024_MUN.csv",
			func(*testing.T) io.Reader { return strings.NewReader(comexMUN) },
			"-- comex_mun mapping check",
			`line 3, column "CO_MUN": CO_MUN "5101837" (SG_UF_MUN MT) maps to no municipality of the territorial table (1 rows of this file map nowhere, and only 9999999, 9300000 are published without one)`,
			[]string{"CREATE TEMP TABLE staging_comex_mun AS", "-- comex_mun mapping check", "-- model core_fact_comex_municipio"},
			[]string{"FROM staging_comex_mun WHERE municipio IS NULL AND co_mun NOT IN ('9999999', '9300000')", "ERROR(FORMAT("}},
	}
	for _, c := range cases {
		t.Run(c.source, func(t *testing.T) {
			fake := bqfake.New(t)
			fake.Fail = func(sql string) string {
				if strings.Contains(sql, c.check) {
					return "Query error: mirante-contract: " + c.refusal + " :end-contract at [12:3]"
				}
				return ""
			}
			_, err := mbq.LoadRemote(context.Background(), ingestWarehouse(t, fake).Ingest(), c.source, c.name, c.in(t), ingest.LoadParams{})
			var ce *ingest.ContractError
			if !errors.As(err, &ce) || ce.Reason != c.refusal {
				t.Fatalf("LoadRemote = %v, want the check's contract error", err)
			}
			jobs := fake.Jobs()
			script := obj(t, jobs[len(jobs)-1].Body, "configuration", "query")["query"].(string)
			last := -1
			for _, m := range c.order {
				i := strings.Index(script, m)
				if i < 0 || i < last {
					t.Fatalf("the script does not hold %q in order %q", m, c.order)
				}
				last = i
			}
			body := script[strings.Index(script, c.check):]
			body = body[:strings.Index(body, ";\n")]
			for _, want := range c.wants {
				if !strings.Contains(body, want) {
					t.Errorf("the check lacks %q:\n%s", want, body)
				}
			}
			// The source's declared requirement, checked in the same
			// transaction before any of its rows reach core.
			deps := strings.Index(script, "-- dependency check")
			if deps < 0 || deps > strings.Index(script, c.check) {
				t.Fatalf("no dependency check before %q", c.check)
			}
			body = script[deps:]
			body = body[:strings.Index(body, ";\n")]
			for _, want := range []string{"(SELECT COUNT(*) FROM landing.ingest_files WHERE source = 'ibge_territorio') = 0",
				"ERROR('mirante-contract: load ibge_territorio first: make ingest SOURCE=ibge_territorio FILE="} {
				if !strings.Contains(body, want) {
					t.Errorf("the dependency check lacks %q:\n%s", want, body)
				}
			}
		})
	}
}

// An NCM file's script resolves no municipality and does not depend on the
// territorial table.
func TestComexNCMScriptNeedsNoTerritory(t *testing.T) {
	ncm := bqfake.New(t)
	if _, err := mbq.LoadRemote(context.Background(), ingestWarehouse(t, ncm).Ingest(), "comex", "EXP_2025.csv", sample(t, comexSample), ingest.LoadParams{}); err != nil {
		t.Fatal(err)
	}
	jobs := ncm.Jobs()
	if s := obj(t, jobs[len(jobs)-1].Body, "configuration", "query")["query"].(string); strings.Contains(s, "ibge_territorio") {
		t.Error("an NCM file's script depends on the territorial table")
	}
}
