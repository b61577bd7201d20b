package bigquery_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/uploads"
)

func parseUpload(t *testing.T, s string) *uploads.File {
	t.Helper()
	f, err := uploads.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// firstUpload has a row by municipality, one by UF and two metrics.
const firstUpload = "month;municipio;uf;metric;value\n2024-01;3550308;;teu;1\n2024-02;;RS;teu;2\n2024-02;3550308;;espera;5,5\n"

// answerWatermark makes the fake answer the watermark read with wm and n.
func answerWatermark(fake *bqfake.Server, wm any, n string) {
	fake.Answer = func(sql string, _ []any) bqfake.Answer {
		if strings.Contains(sql, "FORMAT_DATE") {
			return bqfake.Answer{Schema: []bqfake.Field{{Name: "watermark", Type: "STRING"}, {Name: "n", Type: "INTEGER"}}, Rows: [][]any{{wm, n}}}
		}
		return bqfake.Answer{}
	}
}

// jobSQL is a script job's SQL and its parameters by name.
func jobSQL(t *testing.T, c bqfake.Call) (string, map[string]any) {
	t.Helper()
	q := obj(t, c.Body, "configuration", "query")
	sql, _ := q["query"].(string)
	return sql, paramValues(t, q["queryParameters"])
}

// readSQL is a read's (jobs.query) SQL and its parameters by name.
func readSQL(t *testing.T, c bqfake.Call) (string, map[string]any) {
	t.Helper()
	sql, _ := c.Body["query"].(string)
	return sql, paramValues(t, c.Body["queryParameters"])
}

// paramValues reads REST query parameters: a scalar's value as a string,
// an array's as []string.
func paramValues(t *testing.T, raw any) map[string]any {
	t.Helper()
	out := map[string]any{}
	list, _ := raw.([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		name, _ := m["name"].(string)
		v, _ := m["parameterValue"].(map[string]any)
		if arr, ok := v["arrayValues"].([]any); ok {
			var vals []string
			for _, a := range arr {
				e, _ := a.(map[string]any)
				s, _ := e["value"].(string)
				vals = append(vals, s)
			}
			out[name] = vals
			continue
		}
		out[name] = v["value"]
	}
	return out
}

// statements splits a script at the ';' that end its lines.
func statements(script string) []string {
	var out []string
	for _, s := range strings.SplitAfter(script, ";\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// mergeClause returns the text of a MERGE's clause that starts with head,
// up to the next WHEN or the end.
func mergeClause(stmt, head string) string {
	i := strings.Index(stmt, head)
	if i < 0 {
		return ""
	}
	rest := stmt[i+len(head):]
	if j := strings.Index(rest, "\nWHEN "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

type landed struct {
	LoadID    string   `json:"load_id"`
	TenantKey string   `json:"tenant_key"`
	Month     string   `json:"month"`
	Municipio *string  `json:"municipio"`
	UF        *string  `json:"uf"`
	Region    *string  `json:"region"`
	Metric    string   `json:"metric"`
	Value     *float64 `json:"value"`
}

func landedRows(t *testing.T, media []byte) []landed {
	t.Helper()
	var out []landed
	sc := bufio.NewScanner(bytes.NewReader(media))
	for sc.Scan() {
		var r landed
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("landing row %s: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func str(s string) *string { return &s }

// Row mode: one load job of the file's rows, each under the org's
// tenant_key, into landing; one script that replaces the org's rows of the
// file's months and metrics in marts.tenant_metrics; then the org's
// watermark and row count, read back.
func TestUploadRowMode(t *testing.T) {
	fake := bqfake.New(t)
	answerWatermark(fake, "2024-02", "3")
	wh := ingestWarehouse(t, fake)
	const org = "7d1a4c52-0000-4000-8000-00000000000a"
	wm, n, err := wh.LoadTenantMetrics(context.Background(), semantic.TenantScope{OrgID: org}, parseUpload(t, firstUpload))
	if err != nil {
		t.Fatal(err)
	}
	if wm != "2024-02" || n != 3 {
		t.Errorf("LoadTenantMetrics = %q, %d; want the watermark read back, 2024-02 and 3", wm, n)
	}
	loads, scripts, reads := fake.Loads(), fake.Jobs(), fake.Queries()
	if len(loads) != 1 || len(scripts) != 1 || len(reads) != 1 {
		t.Fatalf("%d load jobs, %d scripts, %d reads; want one of each", len(loads), len(scripts), len(reads))
	}
	order := map[string]int{}
	for i, c := range fake.Calls() {
		switch {
		case strings.HasPrefix(c.Path, "/upload/"):
			order["load"] = i
		case c.Method == "POST" && strings.HasSuffix(c.Path, "/jobs"):
			order["script"] = i
		case strings.HasSuffix(c.Path, "/queries"):
			order["read"] = i
		}
	}
	if !(order["load"] < order["script"] && order["script"] < order["read"]) {
		t.Errorf("calls in the order %v; want the load, the script, then the read", order)
	}

	wantLabels := map[string]any{"org": org, "source": "upload", "endpoint": "ingest"}
	ld := loads[0]
	cfg := obj(t, ld.Body, "configuration")
	load := obj(t, cfg, "load")
	dst := obj(t, load, "destinationTable")
	if dst["datasetId"] != "landing" || dst["tableId"] != "tenant_uploads" {
		t.Errorf("the load goes to %v.%v, want landing.tenant_uploads", dst["datasetId"], dst["tableId"])
	}
	if load["sourceFormat"] != "NEWLINE_DELIMITED_JSON" || load["schema"] == nil {
		t.Errorf("load format %v, schema %v; want newline-delimited JSON with an explicit schema", load["sourceFormat"], load["schema"])
	}
	if loc := obj(t, ld.Body, "jobReference")["location"]; loc != bqfake.Location {
		t.Errorf("load location %v", loc)
	}
	if diff := cmp.Diff(wantLabels, cfg["labels"]); diff != "" {
		t.Errorf("load labels (-want +got):\n%s", diff)
	}
	rows := landedRows(t, ld.Media)
	if len(rows) != 3 {
		t.Fatalf("%d landing rows, want the file's 3", len(rows))
	}
	loadID := rows[0].LoadID
	if len(loadID) != 32 {
		t.Errorf("load id %q, want 32 hex digits", loadID)
	}
	v := func(f float64) *float64 { return &f }
	want := []landed{
		{LoadID: loadID, TenantKey: org, Month: "2024-01-01", Municipio: str("3550308"), UF: str("SP"), Region: str("Sudeste"), Metric: "teu", Value: v(1)},
		{LoadID: loadID, TenantKey: org, Month: "2024-02-01", UF: str("RS"), Region: str("Sul"), Metric: "teu", Value: v(2)},
		{LoadID: loadID, TenantKey: org, Month: "2024-02-01", Municipio: str("3550308"), UF: str("SP"), Region: str("Sudeste"), Metric: "espera", Value: v(5.5)},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("landing rows (-want +got):\n%s", diff)
	}

	script, params := jobSQL(t, scripts[0])
	if !strings.Contains(script, "BEGIN TRANSACTION;") || !strings.HasSuffix(script, "COMMIT TRANSACTION;") {
		t.Errorf("the script is not one transaction:\n%s", script)
	}
	sc := obj(t, scripts[0].Body, "configuration", "query")
	if sc["maximumBytesBilled"] == nil || obj(t, scripts[0].Body, "jobReference")["location"] != bqfake.Location {
		t.Errorf("the script is not capped and pinned: cap %v, location %v", sc["maximumBytesBilled"], obj(t, scripts[0].Body, "jobReference")["location"])
	}
	wantParams := map[string]any{"tenant": org, "load": loadID, "months": []string{"2024-01-01", "2024-02-01"}, "metrics": []string{"espera", "teu"}}
	if diff := cmp.Diff(wantParams, params); diff != "" {
		t.Errorf("script parameters (-want +got):\n%s", diff)
	}
	merge := ""
	for _, s := range statements(script) {
		if strings.Contains(s, "MERGE marts.tenant_metrics AS t") {
			merge = s
		}
	}
	if merge == "" {
		t.Fatalf("no MERGE into marts.tenant_metrics:\n%s", script)
	}
	for _, need := range []string{"FROM landing.tenant_uploads", "load_id = @load", "LEFT JOIN core.dim_municipio"} {
		if !strings.Contains(merge, need) {
			t.Errorf("the MERGE lacks %q:\n%s", need, merge)
		}
	}

	read, rp := readSQL(t, reads[0])
	if !strings.Contains(read, "FROM marts.tenant_metrics WHERE tenant_key = @tenant") || rp["tenant"] != org {
		t.Errorf("the watermark read is not the org's: %s %v", read, rp)
	}
	if reads[0].Body["location"] != bqfake.Location || reads[0].Body["maximumBytesBilled"] == nil {
		t.Errorf("the watermark read is not pinned and capped: %v", reads[0].Body)
	}
	if diff := cmp.Diff(wantLabels, reads[0].Body["labels"]); diff != "" {
		t.Errorf("read labels (-want +got):\n%s", diff)
	}
}

// A tenant's load can change no other tenant's rows: in row mode every
// statement of the script that writes marts.tenant_metrics is bounded by
// tenant_key = @tenant where it removes rows and writes @tenant as the key
// of the rows it adds, the landing rows it reads are its own load's, and
// the org's id reaches BigQuery only as a parameter, never in the SQL (an
// id that would break out of a string literal included).
func TestUploadScriptIsBoundedByTheTenant(t *testing.T) {
	for _, org := range []string{"7d1a4c52-0000-4000-8000-00000000000a", "b' OR TRUE OR tenant_key = 'x"} {
		t.Run(org, func(t *testing.T) {
			fake := bqfake.New(t)
			answerWatermark(fake, "2024-02", "3")
			wh := ingestWarehouse(t, fake)
			if _, _, err := wh.LoadTenantMetrics(context.Background(), semantic.TenantScope{OrgID: org}, parseUpload(t, firstUpload)); err != nil {
				t.Fatal(err)
			}
			script, params := jobSQL(t, fake.Jobs()[0])
			read, _ := readSQL(t, fake.Queries()[0])
			if params["tenant"] != org {
				t.Errorf("@tenant = %v, want %q", params["tenant"], org)
			}
			for _, sql := range []string{script, read} {
				if strings.Contains(sql, org) {
					t.Errorf("the org id is pasted into the SQL:\n%s", sql)
				}
			}
			writes := 0
			for _, s := range statements(script) {
				upper := strings.ToUpper(s)
				if !strings.Contains(s, "marts.tenant_metrics") || strings.HasPrefix(upper, "CREATE TABLE IF NOT EXISTS") ||
					strings.Contains(upper, "TRANSACTION;") {
					continue
				}
				writes++
				if !strings.HasPrefix(s, "MERGE marts.tenant_metrics AS t") {
					t.Errorf("a statement on marts.tenant_metrics other than the bounded MERGE:\n%s", s)
					continue
				}
				if !regexp.MustCompile(`\)\s+AS s\s+ON FALSE\s+WHEN`).MatchString(s) {
					t.Errorf("the MERGE matches existing rows (want ON FALSE: rows are only removed or added):\n%s", s)
				}
				if strings.Contains(s, "WHEN MATCHED") {
					t.Errorf("the MERGE has a WHEN MATCHED clause:\n%s", s)
				}
				del := mergeClause(s, "WHEN NOT MATCHED BY SOURCE")
				if !strings.Contains(del, "t.tenant_key = @tenant AND") || !strings.HasSuffix(strings.TrimSpace(del), "THEN DELETE") {
					t.Errorf("the MERGE removes rows not bounded by the tenant: %q", del)
				}
				ins := mergeClause(s, "WHEN NOT MATCHED THEN INSERT")
				if !regexp.MustCompile(`^ \(tenant_key, [^)]*\)\s+VALUES \(@tenant, `).MatchString(ins) {
					t.Errorf("the MERGE inserts rows under another key than @tenant: %q", ins)
				}
				if !strings.Contains(s, "WHERE load_id = @load AND tenant_key = @tenant AND _PARTITIONDATE >= ") {
					t.Errorf("the MERGE reads landing rows beyond its own load's:\n%s", s)
				}
			}
			if writes != 1 {
				t.Errorf("%d statements write marts.tenant_metrics, want the one MERGE", writes)
			}
		})
	}
}

// Dataset mode: the rows land in the org's own dataset and go into its own
// tenant_metrics; no job names marts.tenant_metrics or the shared landing
// dataset.
func TestUploadDatasetMode(t *testing.T) {
	fake := bqfake.New(t)
	answerWatermark(fake, "2024-02", "3")
	wh := ingestWarehouse(t, fake)
	wm, n, err := wh.LoadTenantMetrics(context.Background(), semantic.TenantScope{OrgID: "org-c", Dataset: "tenant_c"}, parseUpload(t, firstUpload))
	if err != nil {
		t.Fatal(err)
	}
	if wm != "2024-02" || n != 3 {
		t.Errorf("LoadTenantMetrics = %q, %d; want 2024-02 and 3", wm, n)
	}
	loads, scripts, reads := fake.Loads(), fake.Jobs(), fake.Queries()
	if len(loads) != 1 || len(scripts) != 1 || len(reads) != 1 {
		t.Fatalf("%d load jobs, %d scripts, %d reads; want one of each", len(loads), len(scripts), len(reads))
	}
	dst := obj(t, loads[0].Body, "configuration", "load", "destinationTable")
	if dst["datasetId"] != "tenant_c" || dst["tableId"] != "tenant_uploads" {
		t.Errorf("the load goes to %v.%v, want tenant_c.tenant_uploads", dst["datasetId"], dst["tableId"])
	}
	script, _ := jobSQL(t, scripts[0])
	if !strings.Contains(script, "MERGE tenant_c.tenant_metrics AS t") || !strings.Contains(script, "FROM tenant_c.tenant_uploads") {
		t.Errorf("the script does not write the org's dataset from its own landing rows:\n%s", script)
	}
	read, _ := readSQL(t, reads[0])
	if !strings.Contains(read, "FROM tenant_c.tenant_metrics") {
		t.Errorf("the watermark read is not of the org's table: %s", read)
	}
	for _, c := range fake.Calls() {
		body, _ := json.Marshal(c.Body)
		if bytes.Contains(body, []byte("marts")) || bytes.Contains(body, []byte("landing.")) || bytes.Contains(body, []byte(`"landing"`)) {
			t.Errorf("%s %s names a shared dataset: %s", c.Method, c.Path, body)
		}
	}
}

// A scope whose dataset is not a tenant dataset's name (tenant_ and an
// identifier; never one of the warehouse's layers) is refused before any
// job: the name would be written into the SQL.
func TestUploadRefusesABadScopeBeforeAnyJob(t *testing.T) {
	cases := []struct{ name, org, dataset string }{
		{"no org", "", ""},
		{"uppercase", "org-c", "Tenant_C"},
		{"a hyphen", "org-c", "tenant-c"},
		{"a qualified name", "org-c", "tenant_c.tenant_metrics"},
		{"SQL", "org-c", "x; DROP TABLE marts.tenant_metrics; --"},
		{"a quoted name", "org-c", "`marts`"},
		{"too long", "org-c", "t" + strings.Repeat("x", 63)},
		{"the marts layer", "org-c", "marts"},
		{"the landing layer", "org-c", "landing"},
		{"without the tenant_ prefix", "org-c", "acme_data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := bqfake.New(t)
			wh := ingestWarehouse(t, fake)
			wm, n, err := wh.LoadTenantMetrics(context.Background(), semantic.TenantScope{OrgID: tc.org, Dataset: tc.dataset}, parseUpload(t, firstUpload))
			if err == nil || wm != "" || n != 0 {
				t.Errorf("LoadTenantMetrics = %q, %d, %v; want an error", wm, n, err)
			}
			if calls := fake.Calls(); len(calls) != 0 {
				t.Errorf("%d calls to BigQuery, want none (the first: %s %s)", len(calls), calls[0].Method, calls[0].Path)
			}
		})
	}
}

// A script BigQuery fails is an error with no rows and no watermark, and
// nothing is read after it.
func TestUploadFailedScript(t *testing.T) {
	fake := bqfake.New(t)
	answerWatermark(fake, "2024-02", "3")
	fake.Fail = func(sql string) string {
		if strings.Contains(sql, "BEGIN TRANSACTION;") {
			return "Transaction is aborted due to concurrent update against table marts.tenant_metrics"
		}
		return ""
	}
	wh := ingestWarehouse(t, fake)
	wm, n, err := wh.LoadTenantMetrics(context.Background(), semantic.TenantScope{OrgID: "org-a"}, parseUpload(t, firstUpload))
	if err == nil || !strings.Contains(err.Error(), "concurrent update") {
		t.Errorf("err = %v, want the script's failure", err)
	}
	if wm != "" || n != 0 {
		t.Errorf("a failed load reports watermark %q and %d rows, want none", wm, n)
	}
	if len(fake.Loads()) != 1 || len(fake.Jobs()) != 1 || len(fake.Queries()) != 0 {
		t.Errorf("%d loads, %d scripts, %d reads; want the load, the failed script and no read", len(fake.Loads()), len(fake.Jobs()), len(fake.Queries()))
	}
}

// An org with no rows left reads back as no watermark and zero rows.
func TestUploadWatermarkOfNoRows(t *testing.T) {
	fake := bqfake.New(t)
	answerWatermark(fake, nil, "0")
	wh := ingestWarehouse(t, fake)
	wm, n, err := wh.LoadTenantMetrics(context.Background(), semantic.TenantScope{OrgID: "org-a"}, parseUpload(t, firstUpload))
	if err != nil || wm != "" || n != 0 {
		t.Errorf("LoadTenantMetrics = %q, %d, %v; want \"\", 0, nil", wm, n, err)
	}
}

// The tables the script declares (CREATE TABLE IF NOT EXISTS, a no-op
// where Terraform made them) are Terraform's: the same columns, types and
// modes as the schema files, partitioned by month and clustered as
// infra/modules/bigquery/main.tf says. A difference would make the first
// write to a table Terraform created fail, or create one it did not mean.
func TestUploadTablesAreTerraforms(t *testing.T) {
	mainTF, err := os.ReadFile(filepath.Join("..", "..", "infra", "modules", "bigquery", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		scope    semantic.TenantScope
		table    string
		schema   string
		resource string
	}{
		{semantic.TenantScope{OrgID: "org-a"}, "marts.tenant_metrics", "tenant_metrics.json", "tenant_metrics"},
		{semantic.TenantScope{OrgID: "org-c", Dataset: "tenant_c"}, "tenant_c.tenant_metrics", "tenant_metrics_dataset.json", "tenant_dataset_metrics"},
	}
	for _, tc := range cases {
		t.Run(tc.table, func(t *testing.T) {
			fake := bqfake.New(t)
			answerWatermark(fake, "2024-02", "3")
			wh := ingestWarehouse(t, fake)
			if _, _, err := wh.LoadTenantMetrics(context.Background(), tc.scope, parseUpload(t, firstUpload)); err != nil {
				t.Fatal(err)
			}
			script, _ := jobSQL(t, fake.Jobs()[0])
			ddl := regexp.MustCompile(`(?s)CREATE TABLE IF NOT EXISTS ` + regexp.QuoteMeta(tc.table) + ` \((.*?)\n\)\n(.*?);`).FindStringSubmatch(script)
			if ddl == nil {
				t.Fatalf("the script does not declare %s:\n%s", tc.table, script)
			}
			type col struct{ Name, Type, Mode string }
			var got []col
			for _, line := range strings.Split(strings.TrimSpace(ddl[1]), ",\n") {
				f := strings.Fields(line)
				c := col{Name: f[0], Type: f[1], Mode: "NULLABLE"}
				if strings.HasSuffix(line, "NOT NULL") {
					c.Mode = "REQUIRED"
				}
				got = append(got, c)
			}
			raw, err := os.ReadFile(filepath.Join("..", "..", "infra", "modules", "bigquery", "schemas", tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			var want []col
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s's columns against %s (-want +got):\n%s", tc.table, tc.schema, diff)
			}
			block := regexp.MustCompile(`(?s)resource "google_bigquery_table" "` + tc.resource + `" \{(.*?)\n\}`).FindSubmatch(mainTF)
			if block == nil {
				t.Fatalf("main.tf has no table %s", tc.resource)
			}
			var cluster []string
			if m := regexp.MustCompile(`clustering\s*=\s*\[([^\]]*)\]`).FindSubmatch(block[1]); m != nil {
				for _, f := range strings.Split(string(m[1]), ",") {
					cluster = append(cluster, strings.Trim(strings.TrimSpace(f), `"`))
				}
			}
			part := regexp.MustCompile(`(?s)time_partitioning \{\s*type\s*=\s*"MONTH"\s*field\s*=\s*"month"\s*\}`).Match(block[1])
			layout := strings.Fields(strings.ReplaceAll(ddl[2], ",", " "))
			wantLayout := append([]string{"PARTITION", "BY", "DATE_TRUNC(month", "MONTH)", "CLUSTER", "BY"}, cluster...)
			if !part || !slices.Equal(layout, wantLayout) {
				t.Errorf("%s is laid out %q; Terraform: partitioned by month %v, clustered by %v", tc.table, ddl[2], part, cluster)
			}
		})
	}
}
