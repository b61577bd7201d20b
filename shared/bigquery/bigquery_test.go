package bigquery_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/apperr"
	mbq "github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/warehouse"
)

// compiled is shaped like the compiler's BigQuery output: catalog names,
// dataset.table, every value a named parameter.
var compiled = warehouse.Compiled{
	Dialect: "bigquery",
	SQL: "WITH facts AS (SELECT f.`uf` AS g0, f.`month` AS t, SUM(f.`vl_fob_usd`) AS s0 " +
		"FROM marts.comex_monthly AS f WHERE f.`month` >= CAST(@p0 AS DATE) AND f.`uf` IN UNNEST(@ufs) GROUP BY g0, t) " +
		"SELECT g0 AS c0, t AS c1, s0 AS c2, s0 AS c3, s0 * @p1 AS c4, COUNT(*) AS c5, TRUE AS c6, CURRENT_TIMESTAMP() AS c7 FROM facts LIMIT @p2",
	Params: []warehouse.Param{
		{Name: "p0", Value: "2024-01-01"},
		{Name: "ufs", Value: []string{"SP", "RS"}},
		{Name: "p1", Value: 0.5},
		{Name: "p2", Value: int64(100)},
	},
	Columns: []warehouse.Column{
		{Name: "uf", Kind: "dimension", Type: "string"},
		{Name: "month", Kind: "dimension", Type: "month"},
		{Name: "vl_fob_usd", Kind: "measure", Type: "number", Unit: "USD"},
		{Name: "vl_fob_usd_big", Kind: "measure", Type: "number", Unit: "USD"},
		{Name: "share", Kind: "measure", Type: "number"},
		{Name: "count", Kind: "measure", Type: "integer"},
		{Name: "flag", Kind: "label", Type: "string"},
		{Name: "loaded_at", Kind: "label", Type: "string"},
	},
	Dataset: "comex_monthly",
	Tables:  []string{"marts.comex_monthly"},
}

// The parameters as BigQuery's REST API spells them.
var wireParams = []any{
	map[string]any{"name": "p0", "parameterType": map[string]any{"type": "STRING"}, "parameterValue": map[string]any{"value": "2024-01-01"}},
	map[string]any{"name": "ufs", "parameterType": map[string]any{"type": "ARRAY", "arrayType": map[string]any{"type": "STRING"}},
		"parameterValue": map[string]any{"arrayValues": []any{map[string]any{"value": "SP"}, map[string]any{"value": "RS"}}}},
	map[string]any{"name": "p1", "parameterType": map[string]any{"type": "FLOAT64"}, "parameterValue": map[string]any{"value": "0.5"}},
	map[string]any{"name": "p2", "parameterType": map[string]any{"type": "INT64"}, "parameterValue": map[string]any{"value": "100"}},
}

const orgID = "9B1F6E2A-8C4D-4E7F-A0B1-C2D3E4F5A6B7"

var runParams = warehouse.RunParams{OrgID: orgID, Endpoint: "GET /v1/orgs/{org}/query", Dataset: "comex_monthly", MaxBytes: 100 << 20}

var wireLabels = map[string]any{"org": strings.ToLower(orgID), "endpoint": "get__v1_orgs__org__query", "dataset": "comex_monthly"}

// The result as the API sends it, one page per slice, and as Run returns it.
var (
	schema = []field{
		{"c0", "STRING"}, {"c1", "DATE"}, {"c2", "NUMERIC"}, {"c3", "BIGNUMERIC"},
		{"c4", "FLOAT"}, {"c5", "INTEGER"}, {"c6", "BOOLEAN"}, {"c7", "TIMESTAMP"},
	}
	pages = [][][]any{
		{{"SP", "2024-01-01", "1234.5", "99999999999999999999.5", "0.25", "42", "true", "1704067200000000"}},
		{{"RS", "2024-02-01", nil, "-0.125", "0.001", "7", "false", nil}},
		{{nil, "2024-03-01", "0.1", "1", "-2.5", "0", nil, "1709251200000000"}},
	}
	wantRows = [][]any{
		{"SP", "2024-01-01", 1234.5, 1e20, 0.25, int64(42), true, "2024-01-01T00:00:00Z"},
		{"RS", "2024-02-01", nil, -0.125, 0.001, int64(7), false, nil},
		{nil, "2024-03-01", 0.1, 1.0, -2.5, int64(0), nil, "2024-03-01T00:00:00Z"},
	}
)

const processed = 987654321

type testBundle struct {
	api *fakeAPI
	cfg mbq.Config
	wh  *mbq.Warehouse
}

// setup starts a fake serving the result above and opens the engine on it;
// tweak adjusts the fake or the config before the engine opens.
func setup(t *testing.T, tweak func(*testBundle)) *testBundle {
	t.Helper()
	api := newFakeAPI(t)
	api.schema, api.pages, api.bytes = schema, pages, processed
	b := &testBundle{api: api, cfg: mbq.Config{
		Project:        api.project,
		Location:       "southamerica-east1",
		MaxBytesBilled: 1 << 30,
		Timeout:        20 * time.Second,
		Endpoint:       api.URL,
	}}
	if tweak != nil {
		tweak(b)
	}
	wh, err := mbq.New(context.Background(), b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	b.wh = wh
	return b
}

// pick keeps the named members of a JSON object.
func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRunSendsTheJobAndReadsEveryPage(t *testing.T) {
	cases := []struct {
		name    string
		pending bool
		// page tokens of the getQueryResults calls that fetched rows
		tokens []string
	}{
		{"job done within jobs.query", false, []string{"page-2", "page-3"}},
		{"job still running after jobs.query", true, []string{"", "page-2", "page-3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(b *testBundle) { b.api.pending = tc.pending })
			res, err := b.wh.Run(context.Background(), compiled, runParams)
			if err != nil {
				t.Fatal(err)
			}
			want := &warehouse.Result{Columns: compiled.Columns, Rows: wantRows, BytesProcessed: processed}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}

			// jobs.query, in the project that holds the marts.
			q := b.api.only("POST", "/projects/mirante-test/queries", 1)[0].Body
			wantJob := map[string]any{
				"query":              compiled.SQL,
				"location":           "southamerica-east1",
				"useLegacySql":       false,
				"maximumBytesBilled": "104857600",
				"labels":             wireLabels,
				"queryParameters":    wireParams,
			}
			if diff := cmp.Diff(wantJob, pick(q, keys(wantJob)...)); diff != "" {
				t.Errorf("jobs.query body (-want +got):\n%s", diff)
			}
			// The client marks parameters named by naming each one; it
			// sends no parameterMode, and NAMED is the only one allowed.
			if m, ok := q["parameterMode"]; ok && m != "NAMED" {
				t.Errorf("parameterMode = %v, want NAMED or none", m)
			}
			// dataset.table resolves in the job's project: no default
			// dataset that could redirect it.
			for _, k := range []string{"dryRun", "defaultDataset"} {
				if v, ok := q[k]; ok {
					t.Errorf("jobs.query sent %s = %v", k, v)
				}
			}

			// getQueryResults, pinned to the location, page after page.
			var tokens []string
			for _, c := range b.api.requests() {
				if c.Path != "/projects/mirante-test/queries/"+jobID {
					continue
				}
				if got := c.Query.Get("location"); got != "southamerica-east1" {
					t.Errorf("getQueryResults location = %q", got)
				}
				if c.Query.Get("maxResults") != "0" {
					tokens = append(tokens, c.Query.Get("pageToken"))
				}
			}
			if diff := cmp.Diff(tc.tokens, tokens); diff != "" {
				t.Errorf("page tokens (-want +got):\n%s%s", diff, b.api.summary())
			}

			// jobs.get, for the bytes processed.
			get := b.api.only("GET", "/projects/mirante-test/jobs/"+jobID, 1)[0]
			if got := get.Query.Get("location"); got != "southamerica-east1" {
				t.Errorf("jobs.get location = %q", got)
			}
		})
	}
}

func TestMaxBytesBilledIsTheSmallerCap(t *testing.T) {
	cases := []struct {
		name     string
		maxBytes int64
		want     string
	}{
		{"org without a cap", 0, "1073741824"},
		{"org cap below the configured one", 100 << 20, "104857600"},
		{"org cap above the configured one", 2 << 30, "1073741824"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			p := runParams
			p.MaxBytes = tc.maxBytes
			if _, err := b.wh.Run(context.Background(), compiled, p); err != nil {
				t.Fatal(err)
			}
			body := b.api.only("POST", "/projects/mirante-test/queries", 1)[0].Body
			if got := body["maximumBytesBilled"]; got != tc.want {
				t.Errorf("maximumBytesBilled = %v, want %s", got, tc.want)
			}
		})
	}
}

func TestEstimateIsADryRun(t *testing.T) {
	t.Parallel()
	b := setup(t, func(b *testBundle) { b.api.bytes = 123456789 })
	n, err := b.wh.Estimate(context.Background(), compiled, runParams)
	if err != nil {
		t.Fatal(err)
	}
	if n != 123456789 {
		t.Errorf("Estimate = %d, want 123456789", n)
	}
	b.api.only("POST", "/projects/mirante-test/queries", 0)
	body := b.api.only("POST", "/projects/mirante-test/jobs", 1)[0].Body

	ref, _ := body["jobReference"].(map[string]any)
	if diff := cmp.Diff(map[string]any{"projectId": "mirante-test", "location": "southamerica-east1"}, pick(ref, "projectId", "location")); diff != "" {
		t.Errorf("jobReference (-want +got):\n%s", diff)
	}
	conf, _ := body["configuration"].(map[string]any)
	if diff := cmp.Diff(map[string]any{"dryRun": true, "labels": wireLabels}, pick(conf, "dryRun", "labels")); diff != "" {
		t.Errorf("configuration (-want +got):\n%s", diff)
	}
	query, _ := conf["query"].(map[string]any)
	wantQuery := map[string]any{"query": compiled.SQL, "useLegacySql": false, "queryParameters": wireParams}
	if diff := cmp.Diff(wantQuery, pick(query, keys(wantQuery)...)); diff != "" {
		t.Errorf("configuration.query (-want +got):\n%s", diff)
	}
	// A dry run bills nothing, so it carries no cap that could hide the
	// estimate behind an error.
	for _, k := range []string{"maximumBytesBilled", "defaultDataset"} {
		if v, ok := query[k]; ok {
			t.Errorf("the dry run sent %s = %v", k, v)
		}
	}
}

func TestBytesBilledLimitExceededIsInvalid(t *testing.T) {
	cases := []struct {
		name  string
		tweak func(*fakeAPI)
	}{
		{"refused by jobs.query", func(f *fakeAPI) { f.queryErr = "bytesBilledLimitExceeded" }},
		{"refused while waiting for the job", func(f *fakeAPI) { f.pending, f.resultsErr = true, "bytesBilledLimitExceeded" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(b *testBundle) { tc.tweak(b.api) })
			_, err := b.wh.Run(context.Background(), compiled, runParams)
			if code := apperr.CodeOf(err); code != apperr.Invalid {
				t.Fatalf("code = %q, want invalid (err: %v)", code, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "narrow the time range") {
				t.Errorf("the message does not say what to do: %q", msg)
			}
			for _, leak := range []string{compiled.SQL, "SELECT", "marts.", "@p0"} {
				if strings.Contains(msg, leak) {
					t.Errorf("the message shows SQL (%q): %q", leak, msg)
				}
			}
		})
	}
}

func TestSlowQueryIsUnavailable(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	b := setup(t, func(b *testBundle) {
		b.api.block = true
		b.cfg.Timeout = timeout
	})
	start := time.Now()
	_, err := b.wh.Run(context.Background(), compiled, runParams)
	elapsed := time.Since(start)
	if code := apperr.CodeOf(err); code != apperr.Unavailable {
		t.Fatalf("code = %q, want unavailable (err: %v)", code, err)
	}
	if !strings.Contains(err.Error(), "300ms") {
		t.Errorf("the message does not give the timeout: %v", err)
	}
	// Generous bound: the point is that Run gives up at its own deadline,
	// not at the fake's (which never answers).
	if elapsed > timeout+5*time.Second {
		t.Errorf("Run returned after %s, want about %s", elapsed, timeout)
	}
}

func TestCanceledQueryIsNotUnavailable(t *testing.T) {
	t.Parallel()
	b := setup(t, func(b *testBundle) { b.api.block = true })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-b.api.arrived
		cancel()
	}()
	_, err := b.wh.Run(ctx, compiled, runParams)
	if err == nil {
		t.Fatal("Run succeeded after its caller went away")
	}
	if apperr.Is(err, apperr.Unavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want an uncoded error wrapping context.Canceled", err)
	}
}

func TestLabels(t *testing.T) {
	cases := []struct {
		name    string
		params  warehouse.RunParams
		dataset string // Compiled.Dataset
		want    map[string]any
	}{
		{
			name:   "uuid org lowercased",
			params: warehouse.RunParams{OrgID: "4C5D6E7F-8091-4A2B-B3C4-D5E6F7A8B9C0", Endpoint: "query", Dataset: "ipca_monthly"},
			want:   map[string]any{"org": "4c5d6e7f-8091-4a2b-b3c4-d5e6f7a8b9c0", "endpoint": "query", "dataset": "ipca_monthly"},
		},
		{
			name:   "characters outside [a-z0-9_-] replaced",
			params: warehouse.RunParams{OrgID: "org.1", Endpoint: "POST /v1/orgs/{org}/query?x=1", Dataset: "São Paulo"},
			want:   map[string]any{"org": "org_1", "endpoint": "post__v1_orgs__org__query_x_1", "dataset": "s_o_paulo"},
		},
		{
			name:   "cut to 63 characters",
			params: warehouse.RunParams{OrgID: strings.Repeat("ab", 40), Endpoint: "values", Dataset: "caged_monthly"},
			want:   map[string]any{"org": strings.Repeat("ab", 31) + "a", "endpoint": "values", "dataset": "caged_monthly"},
		},
		{
			name:    "dataset falls back to the compiled one",
			params:  warehouse.RunParams{OrgID: "a", Endpoint: "query"},
			dataset: "pib_municipal",
			want:    map[string]any{"org": "a", "endpoint": "query", "dataset": "pib_municipal"},
		},
		{
			name:   "empty values left out",
			params: warehouse.RunParams{},
			want:   nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			q := compiled
			q.Dataset = tc.dataset
			if _, err := b.wh.Run(context.Background(), q, tc.params); err != nil {
				t.Fatal(err)
			}
			body := b.api.only("POST", "/projects/mirante-test/queries", 1)[0].Body
			var got map[string]any
			if l, ok := body["labels"].(map[string]any); ok && len(l) > 0 {
				got = l
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunRefusesWhatItCannotBind(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	q := compiled
	q.Params = []warehouse.Param{{Name: "p0", Value: time.Now()}}
	if _, err := b.wh.Run(context.Background(), q, runParams); err == nil || !strings.Contains(err.Error(), "p0") {
		t.Errorf("err = %v, want one naming the parameter", err)
	}
	if n := len(b.api.requests()); n != 0 {
		t.Errorf("%d requests sent for a query that cannot be bound", n)
	}
}

func TestRunRefusesRowsOfTheWrongWidth(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	q := compiled
	q.Columns = q.Columns[:2]
	if _, err := b.wh.Run(context.Background(), q, runParams); err == nil || !strings.Contains(err.Error(), "declares 2") {
		t.Errorf("err = %v, want a row-width error", err)
	}
}

func TestConfigValidate(t *testing.T) {
	valid := mbq.Config{Project: "p", Location: "southamerica-east1", MaxBytesBilled: 10 << 30, Timeout: time.Second}
	cases := []struct {
		name    string
		tweak   func(*mbq.Config)
		wantVar string // "" for valid
	}{
		{"valid", func(*mbq.Config) {}, ""},
		{"valid with endpoint", func(c *mbq.Config) { c.Endpoint = "http://127.0.0.1:9050" }, ""},
		{"no project", func(c *mbq.Config) { c.Project = "" }, "BIGQUERY_PROJECT"},
		{"no location", func(c *mbq.Config) { c.Location = "" }, "BIGQUERY_LOCATION"},
		{"cap below what BigQuery bills", func(c *mbq.Config) { c.MaxBytesBilled = 1 << 20 }, "BIGQUERY_MAX_BYTES_BILLED"},
		{"no timeout", func(c *mbq.Config) { c.Timeout = 0 }, "WAREHOUSE_TIMEOUT"},
		{"endpoint not a URL", func(c *mbq.Config) { c.Endpoint = "localhost:9050" }, "BIGQUERY_ENDPOINT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := valid
			tc.tweak(&c)
			err := c.Validate()
			var ve *config.VarError
			switch {
			case tc.wantVar == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.wantVar != "" && (!errors.As(err, &ve) || ve.Name != tc.wantVar):
				t.Errorf("Validate() = %v, want an error naming %s", err, tc.wantVar)
			}
		})
	}
}

// setEnv sets the engine's variables for one test (unset ones count as
// unset: config.Load treats "" so).
func setEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, name := range []string{"MIRANTE_ENV", "BIGQUERY_PROJECT", "BIGQUERY_LOCATION", "BIGQUERY_MAX_BYTES_BILLED", "WAREHOUSE_TIMEOUT", "BIGQUERY_ENDPOINT"} {
		t.Setenv(name, vars[name])
	}
}

func TestOpenWithoutProject(t *testing.T) {
	setEnv(t, nil)
	_, err := mbq.OpenFromEnv(context.Background())
	if err == nil {
		t.Fatal("the engine opened without BIGQUERY_PROJECT")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "BIGQUERY_PROJECT: ") || strings.Contains(msg, "\n") {
		t.Errorf("err = %q, want one line naming BIGQUERY_PROJECT", msg)
	}
}

func TestOpenRefusesAStandInInProduction(t *testing.T) {
	setEnv(t, map[string]string{"MIRANTE_ENV": "production", "BIGQUERY_PROJECT": "p", "BIGQUERY_ENDPOINT": "http://127.0.0.1:9050"})
	_, err := mbq.OpenFromEnv(context.Background())
	var ve *config.VarError
	if !errors.As(err, &ve) || ve.Name != "BIGQUERY_ENDPOINT" {
		t.Errorf("err = %v, want one naming BIGQUERY_ENDPOINT", err)
	}
}

// TestOpenFromEnvironment opens the registered engine as a binary does and
// checks that the defaults reach the wire.
func TestOpenFromEnvironment(t *testing.T) {
	api := newFakeAPI(t)
	api.schema, api.pages, api.bytes = schema, pages, processed
	setEnv(t, map[string]string{"BIGQUERY_PROJECT": api.project, "BIGQUERY_ENDPOINT": api.URL})
	eng, err := mbq.OpenFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if eng.Name() != "bigquery" {
		t.Errorf("Name() = %q", eng.Name())
	}
	if _, err := eng.Run(context.Background(), compiled, warehouse.RunParams{OrgID: "a"}); err != nil {
		t.Fatal(err)
	}
	body := api.only("POST", "/projects/mirante-test/queries", 1)[0].Body
	want := map[string]any{"location": "southamerica-east1", "maximumBytesBilled": "10737418240"}
	if diff := cmp.Diff(want, pick(body, "location", "maximumBytesBilled")); diff != "" {
		t.Errorf("defaults on the wire (-want +got):\n%s", diff)
	}
}

func TestConfigDescribesEveryVariable(t *testing.T) {
	vars, err := config.Describe(&mbq.Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"BIGQUERY_PROJECT":            "",
		"BIGQUERY_LOCATION":           "southamerica-east1",
		"BIGQUERY_MAX_BYTES_BILLED":   "10737418240",
		"WAREHOUSE_TIMEOUT":           "30s",
		"BIGQUERY_ENDPOINT":           "",
		"BIGQUERY_INGEST_TIMEOUT":     "8m",
		"BIGQUERY_UPLOAD_CHUNK_BYTES": "16777216",
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Default
		if v.Desc == "" {
			t.Errorf("%s has no description", v.Name)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables and defaults (-want +got):\n%s", diff)
	}
}
