// Package deployedtest runs the deployed shape: the binaries Cloud Run runs
// (functions/cmd/server once per FUNCTION_TARGET, and the quarto-job), each
// as a process of its own with the environment Terraform gives it
// (infra/modules/run), on the stand-ins of the cloud services. Only the
// endpoints differ from production, and env_test.go lists exactly how.
// `make test` runs it (MIRANTE_STACK_TEST=1).
package deployedtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/demotenants"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/firebase/firebasetest"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/localcloud"
	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/tenant"
)

const (
	project  = "demo-mirante"
	region   = "southamerica-east1"
	jobName  = "projects/" + project + "/locations/" + region + "/jobs/quarto-job"
	rawB     = "mirante-deployed-raw"
	reportsB = "mirante-deployed-reports"
)

// stack is the deployed shape on this machine.
type stack struct {
	db      *pgtest.DB
	orgs    map[string]tenant.Org
	bq      *bqfake.Server
	store   *gcs.Store
	api     string
	ingest  string
	sched   string
	procs   map[string]*proc
	jobRuns func() int
}

func requireStack(t *testing.T) {
	t.Helper()
	if os.Getenv("MIRANTE_STACK_TEST") != "1" {
		t.Skip("starts the deployed binaries; run it through `make test` (MIRANTE_STACK_TEST=1)")
	}
}

func newStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	serverBin, jobBin := build(t)
	host := firebasetest.EmulatorHost(t)
	s := &stack{db: pgtest.New(t), procs: map[string]*proc{}}
	admin, err := postgres.NewAdmin(ctx, s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	fb, err := firebase.New(ctx, firebase.Config{ProjectID: project, EmulatorHost: host, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if s.orgs, err = demotenants.Seed(ctx, admin, fb); err != nil {
		t.Fatal(err)
	}

	// The stand-ins, in this process: Cloud Storage with the raw bucket's
	// notifications, Pub/Sub, Cloud Tasks; BigQuery's fake.
	s.bq = bqfake.New(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cloud, err := localcloud.Start(ctx, localcloud.Params{
		Buckets: []string{rawB, reportsB},
		PubSub: pubsub.Config{Project: project, Topic: "report-requests", Subscription: "report-requests-worker",
			Timeout: 10 * time.Second},
		RawBucket: rawB, IngestPrefixes: terraformPrefixes(t), Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cloud.Close)
	if s.store, err = gcs.New(ctx, gcs.Config{RawBucket: rawB, ReportsBucket: reportsB, Timeout: time.Minute, SignedURLTTL: 15 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.store.Close() })

	ports := map[string]string{"api": freePort(t), "ingest": freePort(t), "scheduler": freePort(t), "dispatch": freePort(t)}
	url := func(n string) string { return "http://127.0.0.1:" + ports[n] }
	gcsHost := os.Getenv("STORAGE_EMULATOR_HOST")
	psHost := os.Getenv("PUBSUB_EMULATOR_HOST")
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379"
	}
	vals := localValues{
		"APP_DATABASE_URL": s.db.AppURL, "REDIS_URL": redisURL, "CURSOR_SECRET": strings.Repeat("c", 48),
		"GOOGLE_CLOUD_PROJECT": project, "FIREBASE_PROJECT_ID": project, "BIGQUERY_PROJECT": bqfake.Project,
		"BIGQUERY_LOCATION": bqfake.Location, "RAW_BUCKET": rawB, "REPORTS_BUCKET": reportsB,
		"REPORT_REQUESTS_TOPIC": "report-requests", "REPORT_REQUESTS_SUBSCRIPTION": "report-requests-worker",
		"QUARTO_JOB": jobName, "TASKS_QUEUE": "projects/" + project + "/locations/" + region + "/queues/report-dispatch",
		"DISPATCH_URL": url("dispatch"), "TASKS_SERVICE_ACCOUNT": "mirante-tasks@" + project + ".iam.gserviceaccount.com",
	}
	common := map[string]string{"MIRANTE_ENV": "local", "TELEMETRY_EXPORTER": ""}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	// The Cloud Run Admin API: jobs.run starts an execution of the job
	// binary with the job's environment, one at a time.
	jobEnv := deployedEnv(t, "quarto-job", vals, with(map[string]string{
		"STORAGE_EMULATOR_HOST": gcsHost, "PUBSUB_EMULATOR_HOST": psHost, "BIGQUERY_ENDPOINT": s.bq.URL,
	}))
	var (
		jobMu   sync.Mutex
		running *proc
		runs    int
	)
	runAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v2/"+jobName+":run" {
			t.Errorf("Cloud Run Admin API: unexpected %s %s", r.Method, r.URL.Path)
			http.NotFound(w, r)
			return
		}
		jobMu.Lock()
		defer jobMu.Unlock()
		if running != nil {
			select {
			case err := <-running.done:
				running.done <- err
			default:
				// An execution is running; it drains what is queued.
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"name":"`+jobName+`/executions/running"}`)
				return
			}
		}
		runs++
		running = start(t, fmt.Sprintf("quarto-job execution %d", runs), jobBin, jobEnv)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"name":"%s/executions/%d"}`, jobName, runs)
	}))
	t.Cleanup(runAPI.Close)
	s.jobRuns = func() int { jobMu.Lock(); defer jobMu.Unlock(); return runs }

	envs := map[string]map[string]string{
		"api": deployedEnv(t, "api", vals, with(map[string]string{
			"PORT": ports["api"], "FIREBASE_AUTH_EMULATOR_HOST": host, "STORAGE_EMULATOR_HOST": gcsHost,
			"PUBSUB_EMULATOR_HOST": psHost, "BIGQUERY_ENDPOINT": s.bq.URL, "RUN_API_ENDPOINT": runAPI.URL,
			"PUBLIC_BASE_URL": url("api"),
		})),
		"ingest": deployedEnv(t, "ingest", vals, with(map[string]string{
			"PORT": ports["ingest"], "STORAGE_EMULATOR_HOST": gcsHost, "BIGQUERY_ENDPOINT": s.bq.URL,
		})),
		"scheduler": deployedEnv(t, "scheduler", vals, with(map[string]string{
			"PORT": ports["scheduler"], "TASKS_ENDPOINT": cloud.Tasks.Addr(), "TASKS_SERVICE_ACCOUNT": "",
		})),
		"dispatch": deployedEnv(t, "dispatch", vals, with(map[string]string{
			"PORT": ports["dispatch"], "PUBSUB_EMULATOR_HOST": psHost, "RUN_API_ENDPOINT": runAPI.URL, "TASKS_SERVICE_ACCOUNT": "",
		})),
	}
	for _, name := range sortedKeys(envs) {
		p := start(t, name, serverBin, envs[name])
		p.listening(t, "127.0.0.1:"+ports[name])
		s.procs[name] = p
	}
	s.api, s.ingest, s.sched = url("api"), url("ingest"), url("scheduler")

	// Pub/Sub's push subscription of the ingest topic, to the ingest
	// service's root, as Terraform's push_endpoint is the service URL.
	rctx, stop := context.WithCancel(ctx)
	relayDone := make(chan struct{})
	t.Cleanup(func() { stop(); <-relayDone })
	relay := &localcloud.Relay{Project: project, Endpoint: s.ingest + "/", MinBackoff: 200 * time.Millisecond, MaxBackoff: time.Second, Log: log}
	go func() {
		defer close(relayDone)
		if err := relay.Run(rctx); err != nil && rctx.Err() == nil {
			t.Errorf("push relay: %v", err)
		}
	}()
	return s
}

// terraformPrefixes are the raw bucket prefixes whose objects Terraform's
// notifications send to the ingest topic (the root main.tf).
func terraformPrefixes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*ingest_object_prefix\s*=\s*\[([^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("main.tf sets no ingest_object_prefix")
	}
	var out []string
	for _, p := range strings.Split(string(m[1]), ",") {
		if p = strings.TrimSpace(p); p != "" {
			u, err := strconv.Unquote(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, u)
		}
	}
	return out
}

// testWriter sends a logger's lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// call sends a request to the API as the demo user email and decodes the
// JSON answer into out (when not nil).
func (s *stack) call(t *testing.T, email, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.api+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+firebasetest.SignIn(t, email, demotenants.Password))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	if resp.StatusCode/100 != 2 {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode
}

// sourceLoad is the ingest service's record of one object generation.
func (s *stack) sourceLoad(t *testing.T, object string, generation int64) (outcome, errText string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	err = conn.QueryRow(context.Background(), `select outcome, coalesce(error, '') from source_loads where object = $1 and generation = $2`,
		object, generation).Scan(&outcome, &errText)
	if err != nil && err != pgx.ErrNoRows {
		t.Fatal(err)
	}
	return outcome, errText
}

func sharedData(t *testing.T, rel string) []byte {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the shared data folder %s is absent", dir)
	}
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// landedIPCA reads the monthly IPCA rows the ingest service sent BigQuery
// in its load job: month (YYYY-MM-DD) to the variation.
func landedIPCA(t *testing.T, bq *bqfake.Server) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, l := range bq.Loads() {
		for _, line := range bytes.Split(l.Media, []byte("\n")) {
			var r struct {
				Variable, Month string
				Value           float64
			}
			if json.Unmarshal(line, &r) == nil && r.Variable == "mom" {
				out[r.Month] = r.Value
			}
		}
	}
	return out
}

// martAnswer stands for BigQuery running the models and the query over what
// was loaded: a query of marts.ipca_monthly by month is answered with the
// landed rows of the months its parameters ask for, in the compiled SQL's
// output columns (c0 the month, then the measures). bqfake runs no SQL, so
// the transformation from landing to mart is not proved here.
func martAnswer(t *testing.T, bq *bqfake.Server) func(sql string, params []any) bqfake.Answer {
	return func(sql string, params []any) bqfake.Answer {
		if strings.HasPrefix(sql, "SELECT FORMAT_DATE('%Y-%m', MAX(month)) AS watermark, COUNT(*) AS n FROM marts.tenant_metrics") {
			return tenantWatermark(bq, param(params, "tenant"))
		}
		if !strings.Contains(sql, "FROM marts.ipca_monthly") || !strings.Contains(sql, "WITH facts AS") || len(params) < 2 {
			return bqfake.Answer{}
		}
		from, to := param(params, "p0"), param(params, "p1")
		n := 0
		for i := 0; strings.Contains(sql, fmt.Sprintf(" AS c%d", i)); i++ {
			n = i + 1
		}
		schema := []bqfake.Field{{Name: "c0", Type: "STRING"}}
		for i := 1; i < n; i++ {
			schema = append(schema, bqfake.Field{Name: fmt.Sprintf("c%d", i), Type: "FLOAT"})
		}
		var rows [][]any
		landed := landedIPCA(t, bq)
		for _, m := range sortedKeys(landed) {
			if m < from || m > to {
				continue
			}
			row := []any{m}
			for i := 1; i < n; i++ {
				row = append(row, fmt.Sprint(landed[m]))
			}
			rows = append(rows, row)
		}
		return bqfake.Answer{Schema: schema, Rows: rows}
	}
}

// tenantWatermark answers the tenant mart's watermark read from the rows the
// org's upload load jobs carried.
func tenantWatermark(bq *bqfake.Server, org string) bqfake.Answer {
	var last string
	n := 0
	for _, l := range bq.Loads() {
		for _, line := range bytes.Split(l.Media, []byte("\n")) {
			var r struct {
				TenantKey string `json:"tenant_key"`
				Month     string
			}
			if json.Unmarshal(line, &r) != nil || r.TenantKey == "" || r.TenantKey != org {
				continue
			}
			n++
			if m := r.Month[:7]; m > last {
				last = m
			}
		}
	}
	return bqfake.Answer{Schema: []bqfake.Field{{Name: "watermark", Type: "STRING"}, {Name: "n", Type: "INTEGER"}},
		Rows: [][]any{{last, fmt.Sprint(n)}}}
}

// param is a query parameter's value as the REST API carries it.
func param(params []any, name string) string {
	for _, p := range params {
		m, _ := p.(map[string]any)
		if m["name"] != name {
			continue
		}
		v, _ := m["parameterValue"].(map[string]any)
		s, _ := v["value"].(string)
		return s
	}
	return ""
}

func TestDeployedShape(t *testing.T) {
	requireStack(t)
	ipca := sharedData(t, filepath.Join("ipca", "bcb_sgs_433_ipca_variacao_mensal.json"))
	s := newStack(t)
	s.bq.Answer = martAnswer(t, s.bq)
	const admin, org = "ana@porto-sul.demo", "/v1/orgs/porto-sul"

	t.Run("an official file dropped into the raw bucket is loaded and answered", func(t *testing.T) {
		const object = "sources/ipca/bcb_sgs_433_ipca_variacao_mensal.json"
		obj, err := s.store.Put(context.Background(), rawB, object, bytes.NewReader(ipca), "application/json")
		if err != nil {
			t.Fatal(err)
		}
		await(t, "the ingest service's record of "+object, time.Minute, func() (bool, string) {
			out, e := s.sourceLoad(t, object, obj.Generation)
			return out != "" && out != "failed", out + " " + e
		})
		if out, e := s.sourceLoad(t, object, obj.Generation); out != "loaded" {
			t.Fatalf("the IPCA file was %s: %s", out, e)
		}
		if n := len(s.bq.Loads()); n != 1 {
			t.Fatalf("BigQuery received %d load jobs, want 1", n)
		}
		landed := landedIPCA(t, s.bq)
		if landed["2025-03-01"] == 0 {
			t.Fatalf("the load job carried no IPCA for 2025-03 (%d months)", len(landed))
		}
		var ans struct {
			Data []map[string]any
			Meta struct{ Engine string }
		}
		spec := `{"dataset":"ipca_monthly","measures":["mom_pct"],"dimensions":["month"],"time":{"from":"2025-01","to":"2025-06"}}`
		if code := s.call(t, admin, "POST", org+"/query", spec, &ans); code != http.StatusOK {
			t.Fatalf("POST /query: %d", code)
		}
		if ans.Meta.Engine != "bigquery" || len(ans.Data) != 6 {
			for _, q := range s.bq.Queries() {
				t.Logf("BigQuery was asked: %v", q.Body)
			}
			t.Fatalf("POST /query answered %d rows on %q, want 6 months on bigquery: %v", len(ans.Data), ans.Meta.Engine, ans.Data)
		}
		for _, row := range ans.Data {
			month, _ := row["month"].(string)
			key := month
			if len(key) == 7 {
				key += "-01"
			}
			if got, want := row["mom_pct"], landed[key]; got != want {
				t.Errorf("%s: mom_pct %v, the load job carried %v", month, got, want)
			}
		}
	})

	t.Run("a tenant upload is loaded", func(t *testing.T) {
		csv := "month;uf;metric;value\n2025-01;SP;deployed_shape;1.5\n2025-02;SP;deployed_shape;2.5\n"
		req, err := http.NewRequest("POST", s.api+org+"/uploads?name=deployed.csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+firebasetest.SignIn(t, admin, demotenants.Password))
		req.Header.Set("Content-Type", "text/csv")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var up struct{ ID, Status, Error string }
		err = json.NewDecoder(resp.Body).Decode(&up)
		resp.Body.Close()
		if err != nil || resp.StatusCode/100 != 2 {
			t.Fatalf("POST /uploads: %s %v", resp.Status, err)
		}
		await(t, "upload "+up.ID, time.Minute, func() (bool, string) {
			s.call(t, admin, "GET", org+"/uploads/"+up.ID, nil, &up)
			if up.Status == "failed" {
				t.Fatalf("the upload failed: %s", up.Error)
			}
			return up.Status == "loaded", up.Status
		})
		var tenantLoads int
		for _, l := range s.bq.Loads() {
			if bytes.Contains(l.Media, []byte("deployed_shape")) {
				tenantLoads++
			}
		}
		if tenantLoads != 1 {
			t.Errorf("%d load jobs carried the upload's rows, want 1", tenantLoads)
		}
	})

	t.Run("a value picker on a partitioned mart is a query BigQuery takes", func(t *testing.T) {
		before := len(s.bq.Queries())
		var vals struct{ Data []struct{ Value any } }
		if code := s.call(t, admin, "GET", org+"/datasets/comex_monthly/values?field=uf", nil, &vals); code != http.StatusOK {
			t.Fatalf("GET values: %d", code)
		}
		qs := s.bq.Queries()
		if len(qs) == before {
			t.Fatal("the picker sent BigQuery no query")
		}
		if q := qs[len(qs)-1].Body; q["maximumBytesBilled"] == nil || q["location"] != bqfake.Location {
			t.Errorf("the picker's job has no cap or the wrong location: %v", q)
		}
	})

	var viewID string
	t.Run("a report is ordered and rendered by the job binary", func(t *testing.T) {
		var view struct{ ID string }
		if code := s.call(t, admin, "POST", org+"/views", map[string]any{"name": "IPCA 2025", "visibility": "org",
			"config": json.RawMessage(`{"dataset":"ipca_monthly","measures":["mom_pct"],"dimensions":["month"],"time":{"from":"2025-01","to":"2025-06"}}`)}, &view); code != http.StatusCreated {
			t.Fatalf("POST /views: %d", code)
		}
		viewID = view.ID
		var rep struct{ ID, Status string }
		if code := s.call(t, admin, "POST", org+"/reports", map[string]any{"format": "pdf", "view_id": viewID}, &rep); code/100 != 2 {
			t.Fatalf("POST /reports: %d", code)
		}
		pdf := s.awaitReport(t, admin, org, rep.ID)
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("the report's download is not a PDF: %.40q", pdf)
		}
		if s.jobRuns() == 0 {
			t.Error("the report was rendered without the Cloud Run Admin API starting the job")
		}
	})

	t.Run("a schedule fires through Cloud Tasks and dispatch and yields a report", func(t *testing.T) {
		if viewID == "" {
			t.Skip("needs the view of the report subtest")
		}
		var sch struct{ ID string }
		if code := s.call(t, admin, "POST", org+"/schedules", map[string]any{"name": "IPCA semanal", "cron": "0 8 * * 1",
			"view_id": viewID, "format": "html"}, &sch); code != http.StatusCreated {
			t.Fatalf("POST /schedules: %d", code)
		}
		s.execAs(t, s.orgs["porto-sul"].ID, `update schedules set next_run_at = now() - interval '1 minute' where id = $1`, sch.ID)
		// Cloud Scheduler's job: POST {} to the scheduler service.
		resp, err := http.Post(s.sched+"/", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("the scheduler answered %s", resp.Status)
		}
		var reportID string
		await(t, "the scheduled report", time.Minute, func() (bool, string) {
			var list struct{ Data []struct{ ID, Format string } }
			s.call(t, admin, "GET", org+"/reports?limit=50", nil, &list)
			for _, r := range list.Data {
				if r.Format == "html" {
					reportID = r.ID
					return true, ""
				}
			}
			return false, fmt.Sprintf("%d reports, none html", len(list.Data))
		})
		html := s.awaitReport(t, admin, org, reportID)
		if !bytes.Contains(bytes.ToLower(html), []byte("<html")) {
			t.Errorf("the scheduled report's download is not HTML: %.60q", html)
		}
	})
}

// awaitReport waits for the report to succeed and downloads it.
func (s *stack) awaitReport(t *testing.T, email, org, id string) []byte {
	t.Helper()
	var rep struct {
		Status, Error string
		DownloadURL   string `json:"download_url"`
	}
	await(t, "report "+id, 2*time.Minute, func() (bool, string) {
		s.call(t, email, "GET", org+"/reports/"+id, nil, &rep)
		if rep.Status == "failed" {
			t.Fatalf("report %s failed: %s", id, rep.Error)
		}
		return rep.Status == "succeeded", rep.Status
	})
	resp, err := http.Get(rep.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("downloading %s: %s %v", rep.DownloadURL, resp.Status, err)
	}
	return b
}

// execAs runs a statement on one row of an org's data as the schema owner
// (standing for time passing), inside the org's row-level security.
func (s *stack) execAs(t *testing.T, orgID, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true)`, orgID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, sql, args...)
		if err == nil && tag.RowsAffected() != 1 {
			err = fmt.Errorf("%d rows changed, want 1", tag.RowsAffected())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
