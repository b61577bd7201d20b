package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tenant"
)

// manyReports lists n succeeded reports, newest first.
type manyReports struct {
	reports.Service
	n int
}

func (m manyReports) FindReports(_ context.Context, f reports.Filter) ([]*reports.Report, error) {
	out := make([]*reports.Report, 0, m.n)
	for i := range min(m.n, f.Limit) {
		out = append(out, &reports.Report{ID: "r" + strconv.Itoa(i), Status: reports.Succeeded, ObjectName: "o" + strconv.Itoa(i),
			CreatedAt: time.Unix(int64(1e9-i), 0)})
	}
	return out, nil
}

// gatedSigner signs a URL only once `wait` signings are under way together
// (or the request ends), and records the most it ever saw at once.
type gatedSigner struct {
	wait     int
	mu       sync.Mutex
	inFlight int
	most     int
	release  chan struct{}
}

func (g *gatedSigner) DownloadURL(ctx context.Context, r *reports.Report) (string, error) {
	g.mu.Lock()
	g.inFlight++
	g.most = max(g.most, g.inFlight)
	if g.inFlight == g.wait {
		select {
		case <-g.release:
		default:
			close(g.release)
		}
	}
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
	}()
	select {
	case <-g.release:
		return "https://files.example/" + r.ObjectName, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// A long listing signs its URLs several at a time, never more than eight at
// once, and still answers every report with its own URL, in order.
func TestListingSignsURLsConcurrentlyInOrder(t *testing.T) {
	const n = 500
	signer := &gatedSigner{wait: 8, release: make(chan struct{})}
	s := &Server{Reports: manyReports{n: n}, ReportFiles: signer, Cursors: NewCursors([]byte("0123456789abcdef0123456789abcdef")),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// The deadline only bounds a failure: signing one URL at a time never
	// opens the gate.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: "org", Plan: "p"}, Role: tenant.Viewer})
	ctx = tenant.WithUser(ctx, tenant.User{ID: "user"})
	rec := httptest.NewRecorder()
	s.handleListReports(rec, httptest.NewRequest(http.MethodGet, "/v1/orgs/x/reports?limit="+strconv.Itoa(n), nil).WithContext(ctx))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var list struct {
		Data []struct {
			ID          string
			DownloadURL string `json:"download_url"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != n {
		t.Fatalf("%d reports listed, want %d", len(list.Data), n)
	}
	for i, it := range list.Data {
		if want := "r" + strconv.Itoa(i); it.ID != want || it.DownloadURL != "https://files.example/o"+strconv.Itoa(i) {
			t.Fatalf("item %d: %s with %q, want %s with its own URL", i, it.ID, it.DownloadURL, want)
		}
	}
	if signer.most > 8 {
		t.Errorf("%d URLs signed at once, want at most 8", signer.most)
	}
}

// historyReports records the filter and order it was given.
type historyReports struct {
	reports.Service
	filter  reports.Filter
	order   reports.OrderParams
	deleted string
}

func (h *historyReports) FindReports(_ context.Context, f reports.Filter) ([]*reports.Report, error) {
	h.filter = f
	return nil, nil
}

func (h *historyReports) OrderReport(_ context.Context, p reports.OrderParams) (*reports.Report, bool, error) {
	h.order = p
	return &reports.Report{ID: "rep-1", Status: reports.Queued}, true, nil
}

func (h *historyReports) DeleteReport(ctx context.Context, id string, remove func(context.Context, string) error) (*reports.Report, error) {
	if err := remove(ctx, "org/"+id+".pdf"); err != nil {
		return nil, err
	}
	h.deleted = id
	return &reports.Report{ID: id, Template: "standard", Format: "pdf"}, nil
}

type oneSchedule struct{ reports.ScheduleService }

func (oneSchedule) FindScheduleByID(_ context.Context, id string) (*reports.Schedule, error) {
	return &reports.Schedule{ID: id, ScheduleParams: reports.ScheduleParams{Name: "s", Template: "standard", Format: "pdf", ViewID: "view-1"}}, nil
}

// removingFiles signs URLs and removes files.
type removingFiles struct{ removed []string }

func (f *removingFiles) DownloadURL(_ context.Context, r *reports.Report) (string, error) {
	return "https://files.example/" + r.ObjectName, nil
}

func (f *removingFiles) RemoveFile(_ context.Context, object string) error {
	f.removed = append(f.removed, object)
	return nil
}

func asAnalyst() context.Context {
	ctx := tenant.With(context.Background(), tenant.Tenant{Org: tenant.Org{ID: "org", Plan: "p"}, Role: tenant.Analyst})
	return tenant.WithUser(ctx, tenant.User{ID: "user-1"})
}

// mine=true keeps the caller's reports, schedule_id one schedule's runs;
// another value of mine is a 400 naming it.
func TestListReportsFilters(t *testing.T) {
	h := &historyReports{}
	s := &Server{Reports: h, ReportFiles: &removingFiles{}, Cursors: NewCursors([]byte("0123456789abcdef0123456789abcdef")),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rec := httptest.NewRecorder()
	s.handleListReports(rec, httptest.NewRequest(http.MethodGet, "/v1/orgs/x/reports?mine=true&schedule_id=sc-1", nil).WithContext(asAnalyst()))
	if rec.Code != http.StatusOK || h.filter.RequestedBy != "user-1" || h.filter.ScheduleID != "sc-1" {
		t.Fatalf("status %d, filter %+v", rec.Code, h.filter)
	}
	h.filter = reports.Filter{}
	rec = httptest.NewRecorder()
	s.handleListReports(rec, httptest.NewRequest(http.MethodGet, "/v1/orgs/x/reports?mine=false", nil).WithContext(asAnalyst()))
	if rec.Code != http.StatusOK || h.filter.RequestedBy != "" {
		t.Fatalf("everyone's: status %d, filter %+v", rec.Code, h.filter)
	}
	rec = httptest.NewRecorder()
	s.handleListReports(rec, httptest.NewRequest(http.MethodGet, "/v1/orgs/x/reports?mine=yes", nil).WithContext(asAnalyst()))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"mine"`) {
		t.Fatalf("mine=yes: status %d %s", rec.Code, rec.Body)
	}
}

// DELETE removes the file through ReportFiles and answers 204; where files
// cannot be removed it refuses (503) and nothing is deleted.
func TestDeleteReportRemovesTheFile(t *testing.T) {
	h := &historyReports{}
	files := &removingFiles{}
	s := &Server{Reports: h, ReportFiles: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	req := httptest.NewRequest(http.MethodDelete, "/v1/orgs/x/reports/r9", nil).WithContext(asAnalyst())
	req.SetPathValue("id", "r9")
	rec := httptest.NewRecorder()
	s.handleDeleteReport(rec, req)
	if rec.Code != http.StatusNoContent || h.deleted != "r9" || len(files.removed) != 1 || files.removed[0] != "org/r9.pdf" {
		t.Fatalf("status %d, deleted %q, removed %v", rec.Code, h.deleted, files.removed)
	}
	h.deleted = ""
	s.ReportFiles = manyReportsSigner{}
	rec = httptest.NewRecorder()
	s.handleDeleteReport(rec, req)
	if rec.Code != http.StatusServiceUnavailable || h.deleted != "" {
		t.Fatalf("without a remover: status %d, deleted %q", rec.Code, h.deleted)
	}
}

type manyReportsSigner struct{}

func (manyReportsSigner) DownloadURL(context.Context, *reports.Report) (string, error) {
	return "", nil
}

// Run now orders the schedule's report as its run, keyed by the click: 202
// with the report's Location.
func TestRunScheduleNow(t *testing.T) {
	h := &historyReports{}
	s := &Server{Reports: h, Schedules: oneSchedule{}, ReportFiles: &removingFiles{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	req := httptest.NewRequest(http.MethodPost, "/v1/orgs/acme/schedules/sc-1/run", nil).WithContext(asAnalyst())
	req.SetPathValue("id", "sc-1")
	req.SetPathValue("org", "acme")
	req.Header.Set("Idempotency-Key", "click-7")
	rec := httptest.NewRecorder()
	s.handleRunSchedule(rec, req)
	if rec.Code != http.StatusAccepted || rec.Header().Get("Location") != "/v1/orgs/acme/reports/rep-1" {
		t.Fatalf("status %d, Location %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if h.order.ScheduleID != "sc-1" || h.order.IdempotencyKey != reports.ManualRunKey("sc-1", "click-7") || h.order.ViewID != "view-1" {
		t.Fatalf("order %+v", h.order)
	}
	if !reports.IsSystemKey(h.order.IdempotencyKey) {
		t.Fatalf("a run's key %q is not a system key", h.order.IdempotencyKey)
	}
}
