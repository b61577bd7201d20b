package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"github.com/mirante/mirante/quarto-job/worker"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tasks"
	"github.com/mirante/mirante/shared/telemetry"
)

// startWorker runs the report worker in process, configured from the test's
// environment, until the test ends.
func startWorker(t *testing.T, env ...string) *worker.Service {
	t.Helper()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cfg, err := worker.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	// The production logger, so that the suite's leak guard reads the
	// worker's lines too.
	svc, err := worker.New(context.Background(), cfg, engines, telemetry.NewLogger(os.Stderr, telemetry.Config{Level: "info"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = svc.Run(ctx, 0, 0)
	}()
	t.Cleanup(func() { cancel(); <-done; svc.Close() })
	return svc
}

type reportJSON struct {
	ID          string
	Status      string
	Error       string
	Attempts    int
	DownloadURL *string `json:"download_url"`
	Manifest    json.RawMessage
}

// waitReport polls a report until it is finished or the deadline passes.
func (b *bundle) waitReport(t *testing.T, who, org, id string) reportJSON {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var r reportJSON
		b.want(t, http.StatusOK, who, "GET", "/v1/orgs/"+org+"/reports/"+id, nil).json(t, &r)
		if r.Status == "succeeded" || r.Status == "failed" {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("report %s still %s after 90 s", id, r.Status)
		}
		time.Sleep(200 * time.Millisecond) // polling the API as a client does
	}
}

func download(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestReportsInEveryFormatVerifiedAndKeptInTheirOrg(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	startWorker(t)
	var created struct{ ID string }
	b.want(t, http.StatusCreated, ana, "POST", "/v1/orgs/porto-sul/views", `{"name":"Exportações 2024","visibility":"org",
		"config":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","month"],"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2024-01","to":"2024-06"}}}`).json(t, &created)
	view := created.ID
	ids := map[string]string{}
	for _, format := range []string{"pdf", "docx", "html"} {
		var r reportJSON
		params := `,"params":{"title":"Relatório de exportações"}`
		if format == "html" {
			params = "" // titled after the view
		}
		b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports",
			`{"format":"`+format+`","view_id":"`+view+`"`+params+`}`).json(t, &r)
		if r.Status != "queued" {
			t.Fatalf("%s: ordered as %s", format, r.Status)
		}
		ids[format] = r.ID
	}
	for format, id := range ids {
		r := b.waitReport(t, ana, "porto-sul", id)
		if r.Status != "succeeded" || r.DownloadURL == nil || !strings.HasPrefix(*r.DownloadURL, "http") {
			t.Fatalf("%s: %+v", format, r)
		}
		code, body := download(t, *r.DownloadURL)
		if code != http.StatusOK {
			t.Fatalf("%s download: %d", format, code)
		}
		if cd := contentDisposition(t, *r.DownloadURL); !strings.Contains(cd, "porto-sul_exportacoes-2024") || !strings.Contains(cd, "."+format) {
			t.Errorf("%s downloads as %q, want the org and the view's name", format, cd)
		}
		// SP's January exports are 1001 + 2001 = 3002 in the fixture; the
		// detail table shows them formatted for pt-BR.
		switch format {
		case "pdf":
			if !bytes.HasPrefix(body, []byte("%PDF")) {
				t.Fatal("not a PDF")
			}
			text := pdfText(t, body)
			for _, want := range []string{"Relatório de exportações", "US$", "SP", "3.002"} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q", want)
				}
			}
		case "docx":
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatalf("docx does not unzip: %v", err)
			}
			doc := zipFile(t, zr, "word/document.xml")
			if !strings.Contains(doc, "Relatório de exportações") || !strings.Contains(doc, "3.002") {
				t.Error("the docx lacks the title or a table value")
			}
			pngs := 0
			for _, f := range zr.File {
				if strings.HasSuffix(f.Name, ".png") && strings.HasPrefix(zipFile(t, zr, f.Name), "\x89PNG") {
					pngs++
				}
			}
			if pngs < 3 {
				t.Errorf("the docx holds %d PNG charts, want 3", pngs)
			}
		case "html":
			if _, err := html.Parse(bytes.NewReader(body)); err != nil || !bytes.Contains(body, []byte("Exportações 2024")) || !bytes.Contains(body, []byte("3.002")) {
				t.Fatalf("html without a title param is not titled after its view: %v", err)
			}
			// The monthly watermark reads as a month, not as its first day.
			if !bytes.Contains(body, []byte("jun.\u00a02024")) || bytes.Contains(body, []byte("01/06/2024")) {
				t.Error("html: the watermark 2024-06 is not written jun. 2024")
			}
		}
		var v reports.Verification
		b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/reports/"+id+"/verify", nil).json(t, &v)
		if !v.Match || len(v.Checks) < 5 {
			t.Errorf("%s: verify = %+v", format, v)
		}
		// Another org: the report does not exist, its URL edited to theirs is refused.
		b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/porto-sul/reports/"+id, nil)
		b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/agro-nordeste/reports/"+id, nil)
		b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/agro-nordeste/reports/"+id+"/verify", nil)
		moved := strings.Replace(*r.DownloadURL, b.orgs["porto-sul"].ID, b.orgs["agro-nordeste"].ID, 1)
		if code, _ := download(t, moved); code != http.StatusForbidden {
			t.Errorf("%s: another org's path with this signature: %d, want 403", format, code)
		}
		u, _ := url.Parse(*r.DownloadURL)
		q := u.Query()
		q.Set("expires", "4102444800")
		u.RawQuery = q.Encode()
		if code, _ := download(t, u.String()); code != http.StatusForbidden {
			t.Errorf("%s: a lengthened expiry: %d, want 403", format, code)
		}
	}
	// The file lives under the org's prefix, one per report.
	list, err := cloud.GCS.ListObjectsWithOptionsPaginated("mirante-reports", fakestorage.ListOptions{Prefix: "orgs/" + b.orgs["porto-sul"].ID + "/reports/"})
	objs := list.Objects
	if err != nil || len(objs) != 3 {
		t.Fatalf("%d report files under porto-sul's prefix (%v)", len(objs), err)
	}
	// A file changed in storage no longer verifies.
	obj := objs[0]
	cloud.GCS.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-reports", Name: obj.Name}, Content: []byte("forged")})
	id := strings.TrimSuffix(filepath.Base(obj.Name), filepath.Ext(obj.Name))
	var v reports.Verification
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/reports/"+id+"/verify", nil).json(t, &v)
	if v.Match || v.Checks[0].Name != "file" || v.Checks[0].OK {
		t.Fatalf("a forged file verified: %+v", v)
	}
	// Deleting a report removes its file from the bucket, through the same
	// file adapter production wires; another org cannot delete it.
	b.want(t, http.StatusNotFound, bruno, "DELETE", "/v1/orgs/agro-nordeste/reports/"+id, nil)
	b.want(t, http.StatusNoContent, ana, "DELETE", "/v1/orgs/porto-sul/reports/"+id, nil)
	if _, err := cloud.GCS.GetObject("mirante-reports", obj.Name); err == nil {
		t.Error("the deleted report's file is still in the bucket")
	}
	b.want(t, http.StatusNotFound, ana, "GET", "/v1/orgs/porto-sul/reports/"+id, nil)
}

func contentDisposition(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("Content-Disposition")
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func zipFile(t *testing.T, zr *zip.Reader, name string) string {
	t.Helper()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return string(b)
		}
	}
	t.Fatalf("%s not in the archive", name)
	return ""
}

// TestRedeliveryMakesOneFile: at-least-once delivery, handled idempotently.
func TestRedeliveryMakesOneFile(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	startWorker(t)
	var r reportJSON
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"]}}`, "Idempotency-Key", "k-1").json(t, &r)
	first := b.waitReport(t, ana, "porto-sul", r.ID)
	object := "orgs/" + b.orgs["porto-sul"].ID + "/reports/" + r.ID + ".html"
	before, err := cloud.GCS.GetObject("mirante-reports", object)
	if err != nil {
		t.Fatal(err)
	}
	// The same message again, as Pub/Sub may deliver it.
	msg, _ := json.Marshal(reports.Request{OrgID: b.orgs["porto-sul"].ID, ReportID: r.ID, IdempotencyKey: reports.ClientKey("k-1")})
	cloud.PubSub.Publish("projects/demo-mirante/topics/report-requests", msg, map[string]string{"org_id": b.orgs["porto-sul"].ID, "report_id": r.ID})
	// The same order again: the same report, no second charge.
	var again reportJSON
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"]}}`, "Idempotency-Key", "k-1").json(t, &again)
	if again.ID != r.ID {
		t.Fatal("the same idempotency key made a second report")
	}
	waitAcked(t, r.ID)
	after, err := cloud.GCS.GetObject("mirante-reports", object)
	if err != nil {
		t.Fatal(err)
	}
	var final reportJSON
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/reports/"+r.ID, nil).json(t, &final)
	if after.Generation != before.Generation || final.Attempts != first.Attempts || final.Status != "succeeded" {
		t.Fatalf("redelivery: generation %d→%d, attempts %d→%d, status %s", before.Generation, after.Generation, first.Attempts, final.Attempts, final.Status)
	}
	var charged int
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select reports from usage where org_id = $1`, b.orgs["porto-sul"].ID).Scan(&charged)
	})
	if charged != 1 {
		t.Fatalf("the quota was charged %d times", charged)
	}
}

// waitAcked waits until every request message of the report was acknowledged.
func waitAcked(t *testing.T, reportID string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending := 0
		for _, m := range cloud.PubSub.Messages() {
			if m.Attributes["report_id"] == reportID && strings.HasSuffix(m.Topic, "/report-requests") && m.Acks == 0 {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still unacknowledged", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestKilledWorkersReportIsRetried: a report left running by a dead worker is
// taken over once its lease runs out.
func TestKilledWorkersReportIsRetried(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	var r reportJSON
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`).json(t, &r)
	// A worker claims it and dies: running, with a lease that has run out.
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `update reports set status = 'running', attempts = 1, started_at = now(), lease_until = now() - interval '1 second' where id = $1`, r.ID)
		return err
	})
	startWorker(t)
	got := b.waitReport(t, ana, "porto-sul", r.ID)
	if got.Status != "succeeded" || got.Attempts != 2 {
		t.Fatalf("after the takeover: %+v", got)
	}
}

// TestRenderFailureIsFailedNeverSucceeded: a render that cannot succeed ends
// failed with a reason after the last attempt, with no file.
func TestRenderFailureIsFailedNeverSucceeded(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	startWorker(t, "RENDER_PANDOC=/nonexistent/pandoc", "RENDER_ENGINE=pandoc", "REPORT_MAX_ATTEMPTS=1")
	var r reportJSON
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"pdf","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`).json(t, &r)
	got := b.waitReport(t, ana, "porto-sul", r.ID)
	if got.Status != "failed" || got.Error == "" || got.DownloadURL != nil {
		t.Fatalf("after a failed render: %+v", got)
	}
	if strings.Contains(got.Error, "/nonexistent") {
		t.Errorf("the reason shows internals: %q", got.Error)
	}
	left, _ := cloud.GCS.ListObjectsWithOptionsPaginated("mirante-reports", fakestorage.ListOptions{Prefix: "orgs/" + b.orgs["porto-sul"].ID})
	if len(left.Objects) != 0 {
		t.Fatalf("a failed report left %d files", len(left.Objects))
	}
}

func TestReportQuotaAndBadOrders(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `update orgs set plan = 'free' where id = $1`, b.orgs["porto-sul"].ID)
		return err
	})
	order := `{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`
	for i := 0; i < 5; i++ {
		b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", order)
	}
	r := b.want(t, http.StatusTooManyRequests, ana, "POST", "/v1/orgs/porto-sul/reports", order)
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// agro-nordeste's quota is its own.
	b.want(t, http.StatusAccepted, bruno, "POST", "/v1/orgs/agro-nordeste/reports", order)
	for _, c := range []struct{ who, body, field string }{
		{ana, `{"format":"odt","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`, "format"},
		{ana, `{"format":"pdf","template":"secret","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`, "template"},
		{ana, `{"format":"pdf"}`, "view_id"},
		{ana, `{"format":"pdf","query":{"dataset":"comex_monthly","measures":["nope"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`, "query.measures[0]"},
		{bruno, `{"format":"pdf","view_id":"00000000-0000-4000-8000-000000000000"}`, ""},
	} {
		got := b.do(t, c.who, "POST", "/v1/orgs/agro-nordeste/reports", c.body)
		if c.who == ana {
			got = b.do(t, c.who, "POST", "/v1/orgs/porto-sul/reports", c.body)
		}
		if got.status != http.StatusBadRequest && got.status != http.StatusNotFound && got.status != http.StatusTooManyRequests {
			t.Errorf("%s: %d", c.body, got.status)
		}
		if c.field != "" && got.status == http.StatusBadRequest && got.problemField() != c.field {
			t.Errorf("%s: field %q, want %q", c.body, got.problemField(), c.field)
		}
	}
	b.want(t, http.StatusForbidden, dora, "POST", "/v1/orgs/porto-sul/reports", order) // viewer
}

// TestScheduleDueTwiceInOneTickMakesOneReport drives the scheduler's tick
// twice over the same due run: one task, one report.
func TestScheduleDueTwiceInOneTickMakesOneReport(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	view := b.createView(t, bruno, "agro-nordeste", "Semanal", "org")
	var sc struct{ ID string }
	b.want(t, http.StatusCreated, bruno, "POST", "/v1/orgs/agro-nordeste/schedules", `{"name":"semanal","cron":"0 8 * * 1","view_id":"`+view+`","format":"html"}`).json(t, &sc)
	b.asOwner(t, "agro-nordeste", func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `update schedules set next_run_at = date_trunc('minute', now()) - interval '1 minute' where id = $1`, sc.ID)
		return err
	})
	dh := newDispatch(t)
	ds := httptest.NewServer(dh)
	defer ds.Close()
	t.Setenv("DISPATCH_URL", ds.URL)
	ctx := context.Background()
	db, err := postgres.New(ctx, postgres.Config{URL: b.db.AppURL, MaxConns: 2, ConnectTimeout: 5 * time.Second, StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tcfg tasks.Config
	tcfg.Queue = "projects/demo-mirante/locations/southamerica-east1/queues/report-dispatch"
	tcfg.DispatchURL, tcfg.Endpoint, tcfg.LocalSecret, tcfg.Timeout = ds.URL, os.Getenv("TASKS_ENDPOINT"), "mirante-local-task-secret", 5*time.Second
	enq, err := tasks.New(ctx, tcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer enq.Close()
	now := time.Now()
	r1, err := reports.Tick(ctx, db, enq, now, "")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := reports.Tick(ctx, db, enq, now, "")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Created != 1 || r2.Created != 0 || r2.Existing > 1 {
		t.Fatalf("ticks: %+v then %+v", r1, r2)
	}
	// The task reaches dispatch, which orders the report and moves the schedule on.
	deadline := time.Now().Add(30 * time.Second)
	var list struct {
		Data []struct {
			ID         string
			ScheduleID string `json:"schedule_id"`
		}
	}
	for {
		b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/agro-nordeste/reports", nil).json(t, &list)
		if len(list.Data) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(list.Data) != 1 || list.Data[0].ScheduleID != sc.ID {
		t.Fatalf("reports after two ticks: %+v", list.Data)
	}
	// Dispatch moves the schedule on after ordering.
	var s struct {
		NextRunAt time.Time  `json:"next_run_at"`
		LastRunAt *time.Time `json:"last_run_at"`
	}
	for {
		b.want(t, http.StatusOK, bruno, "GET", "/v1/orgs/agro-nordeste/schedules/"+sc.ID, nil).json(t, &s)
		if s.LastRunAt != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	r3, err := reports.Tick(ctx, db, enq, time.Now(), "")
	if err != nil || r3.Due != 0 {
		t.Fatalf("the run is still due after dispatch: %+v %v", r3, err)
	}
	if !s.NextRunAt.After(time.Now()) || s.NextRunAt.Weekday() != time.Monday {
		t.Fatalf("next run %v, want a coming Monday", s.NextRunAt)
	}
}

// With QUARTO_JOB set, ordering a report starts the job through the Cloud
// Run Admin API (a stand-in here) instead of waiting for the drain.
func TestOrderingAReportStartsTheJob(t *testing.T) {
	var calls atomic.Int32
	run := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v2/projects/demo-mirante/locations/southamerica-east1/jobs/quarto-job:run" {
			calls.Add(1)
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer run.Close()
	b := setupStack(t, "QUARTO_JOB=projects/demo-mirante/locations/southamerica-east1/jobs/quarto-job", "RUN_API_ENDPOINT="+run.URL, "QUARTO_JOB_MIN_INTERVAL=0s")
	for range 2 {
		b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"html","query":{"dataset":"caged_monthly","measures":["net"]}}`)
	}
	b.close() // waits for the starts in flight
	if calls.Load() != 2 {
		t.Errorf("jobs.run called %d times for 2 orders", calls.Load())
	}
}

// A member who orders a report with a schedule run's idempotency key (it is
// guessable: the schedule's id and the run's time) gets a report of their
// own; the run still orders its report, and it is the schedule's.
func TestClientKeysCannotPreemptScheduleRuns(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	view := b.createView(t, dora, "agro-nordeste", "Semanal", "org")
	var sc struct{ ID string }
	b.want(t, http.StatusCreated, dora, "POST", "/v1/orgs/agro-nordeste/schedules", `{"name":"semanal","cron":"0 8 * * 1","view_id":"`+view+`","format":"html"}`).json(t, &sc)
	var runAt time.Time
	b.asOwner(t, "agro-nordeste", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `update schedules set next_run_at = date_trunc('minute', now()) - interval '1 minute' where id = $1 returning next_run_at`, sc.ID).Scan(&runAt)
	})
	key := "schedule:" + sc.ID + ":" + strconv.FormatInt(runAt.Unix(), 10)
	order := `{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`
	var mine reportJSON
	b.want(t, http.StatusAccepted, bruno, "POST", "/v1/orgs/agro-nordeste/reports", order, "Idempotency-Key", key).json(t, &mine)
	// The client's own key still repeats its own order.
	var again reportJSON
	b.want(t, http.StatusOK, bruno, "POST", "/v1/orgs/agro-nordeste/reports", order, "Idempotency-Key", key).json(t, &again)
	if again.ID != mine.ID {
		t.Fatalf("the same Idempotency-Key made a second report")
	}

	body, _ := json.Marshal(tasks.Run{OrgID: b.orgs["agro-nordeste"].ID, ScheduleID: sc.ID, RunAt: runAt})
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer mirante-local-task-secret")
	rec := httptest.NewRecorder()
	newDispatch(t).ServeHTTP(rec, req)
	var res reports.DispatchResult
	if err := json.Unmarshal(rec.Body.Bytes(), &res); rec.Code != http.StatusOK || err != nil || res.Report == nil {
		t.Fatalf("dispatch: %d %s", rec.Code, rec.Body)
	}
	if res.Report.ID == mine.ID || res.Report.ScheduleID != sc.ID {
		t.Fatalf("the run's report is %s of schedule %q; the member's is %s", res.Report.ID, res.Report.ScheduleID, mine.ID)
	}
	var list struct {
		Data []struct {
			ID         string
			ScheduleID string `json:"schedule_id"`
		}
	}
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/agro-nordeste/reports", nil).json(t, &list)
	if len(list.Data) != 2 {
		t.Fatalf("reports: %+v, want the member's and the run's", list.Data)
	}
}

// TestReportsAreChargedToTheirOrgsBudget: a report's queries are counted in
// its org's usage like the API's, and with the org's byte budget spent the
// report fails at once, saying so, instead of querying.
func TestReportsAreChargedToTheirOrgsBudget(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	ctx := context.Background()
	usage := func(org string) (queries, bytes int64) {
		b.asOwner(t, org, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `select coalesce(sum(queries), 0), coalesce(sum(bytes_processed), 0) from usage
				where org_id = $1 and day = (now() at time zone 'utc')::date`, b.orgs[org].ID).Scan(&queries, &bytes)
		})
		return
	}
	startWorker(t, "REPORT_MAX_ATTEMPTS=3")
	order := `{"format":"html","query":{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}}`

	before, _ := usage("porto-sul")
	var r reportJSON
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", order).json(t, &r)
	if got := b.waitReport(t, ana, "porto-sul", r.ID); got.Status != "succeeded" {
		t.Fatalf("with the budget whole: %s (%q)", got.Status, got.Error)
	}
	if after, _ := usage("porto-sul"); after <= before {
		t.Errorf("the report's queries were not counted: %d queries before, %d after", before, after)
	}

	// agro-nordeste's day is spent (as BigQuery queries would have).
	b.asOwner(t, "agro-nordeste", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `insert into usage (org_id, day, bytes_processed)
			select o.id, (now() at time zone 'utc')::date, p.bytes_per_day from orgs o join plans p on p.id = o.plan where o.id = $1
			on conflict (org_id, day) do update set bytes_processed = excluded.bytes_processed`, b.orgs["agro-nordeste"].ID)
		return err
	})
	b.want(t, http.StatusAccepted, bruno, "POST", "/v1/orgs/agro-nordeste/reports", order).json(t, &r)
	got := b.waitReport(t, bruno, "agro-nordeste", r.ID)
	if got.Status != "failed" || !strings.Contains(got.Error, "budget") || got.Attempts != 1 || got.DownloadURL != nil {
		t.Fatalf("with the budget spent: %s after %d attempts (%q), want failed on the first attempt, saying the budget is spent", got.Status, got.Attempts, got.Error)
	}
}
