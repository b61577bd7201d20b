package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tenant"
)

// ReportFiles turns a succeeded report into a download URL: a V4 signed URL
// in production, a local signed URL served by the API otherwise.
type ReportFiles interface {
	DownloadURL(ctx context.Context, r *reports.Report) (string, error)
}

// ReportVerifier recomputes a report's hashes.
type ReportVerifier interface {
	VerifyReport(ctx context.Context, id string) (*reports.Verification, error)
}

var reportFields = []string{"status", "template", "format", "view_id", "view_name", "schedule_id", "query", "params", "requested_by", "requested_by_email",
	"attempts", "error", "error_code", "size_bytes", "manifest", "created_at", "started_at", "finished_at", "download_url"}

// ReportFileRemover deletes a report's stored file; a ReportFiles that
// implements it lets DELETE remove files. Removing a missing file succeeds.
type ReportFileRemover interface {
	RemoveFile(ctx context.Context, object string) error
}

// reportResponse is a report with its download URL when it has a file.
type reportResponse struct {
	*reports.Report
	DownloadURL *string `json:"download_url"`
}

func (s *Server) reportResponse(ctx context.Context, r *reports.Report) (reportResponse, error) {
	out := reportResponse{Report: r}
	if r.Status == reports.Succeeded && r.ObjectName != "" {
		u, err := s.ReportFiles.DownloadURL(ctx, r)
		if err != nil {
			return out, err
		}
		out.DownloadURL = &u
	}
	return out, nil
}

// reportOf is reportResponse of the report a service answered with err,
// or err.
func (s *Server) reportOf(ctx context.Context, rep *reports.Report, err error) (reportResponse, error) {
	if err != nil {
		return reportResponse{}, err
	}
	return s.reportResponse(ctx, rep)
}

// signers bounds how many download URLs one listing signs at once.
const signers = 8

// reportResponses is reportResponse for each report, in the same order. At
// most signers URLs are signed at once; the first error stops the rest.
func (s *Server) reportResponses(ctx context.Context, rs []*reports.Report) ([]any, error) {
	items := make([]any, len(rs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	sem := make(chan struct{}, signers)
	for i, rep := range rs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, err := s.reportResponse(ctx, rep)
			if err != nil {
				once.Do(func() { firstErr = err; cancel() })
				return
			}
			items[i] = out
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

type orderReportRequest struct {
	Template string          `json:"template"`
	Format   string          `json:"format"`
	ViewID   string          `json:"view_id"`
	Query    json.RawMessage `json:"query"`
	Params   json.RawMessage `json:"params"`
}

func (s *Server) handleOrderReport(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[orderReportRequest](s, w, r)
	if !ok {
		return
	}
	s.order(w, r, reports.OrderParams{
		Template: templateOrDefault(req.Template), Format: req.Format, ViewID: req.ViewID, Spec: req.Query, Params: req.Params,
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	})
}

// templateOrDefault is the template an order or a schedule names, or the
// standard one when it names none.
func templateOrDefault(template string) string {
	if template == "" {
		return "standard"
	}
	return template
}

// order places a report order and answers it: 202 with the report and its
// Location, or 200 with the same report when the key was seen before.
func (s *Server) order(w http.ResponseWriter, r *http.Request, p reports.OrderParams) {
	rep, created, err := s.Reports.OrderReport(r.Context(), p)
	out, err := s.reportOf(r.Context(), rep, err)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/orgs/"+r.PathValue("org")+"/reports/"+out.ID)
	status := http.StatusAccepted
	if !created {
		status = http.StatusOK // the same order again: the same report
	}
	JSON(w, status, out)
}

func (s *Server) handleGetReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Reports.FindReportByID(r.Context(), r.PathValue("id"))
	out, err := s.reportOf(r.Context(), rep, err)
	if err != nil {
		Error(w, r, err)
		return
	}
	if !out.Terminal() {
		w.Header().Set("Retry-After", "2")
	}
	JSON(w, http.StatusOK, out)
}

func (s *Server) handleListReports(w http.ResponseWriter, r *http.Request) {
	p, err := parseList(r, reportFields, nil)
	if err != nil {
		Error(w, r, err)
		return
	}
	q := r.URL.Query()
	var f reports.Filter
	switch st := reports.Status(q.Get("status")); st {
	case "":
	case reports.Queued, reports.Running, reports.Succeeded, reports.Failed:
		f.Status = st
	default:
		Error(w, r, apperr.Invalidf("status", "must be queued, running, succeeded or failed"))
		return
	}
	switch q.Get("mine") {
	case "", "false":
	case "true":
		u, _ := tenant.UserFromContext(r.Context())
		f.RequestedBy = u.ID
	default:
		Error(w, r, apperr.Invalidf("mine", "must be true or false"))
		return
	}
	f.ScheduleID = q.Get("schedule_id")
	scope := s.scope(r, "reports", filterFingerprint(q, "status", "mine", "schedule_id"))
	servePage(s, w, r, p, scope, func(ctx context.Context, after *reports.Key, limit int) ([]*reports.Report, error) {
		f.After, f.Limit = after, limit
		return s.Reports.FindReports(ctx, f)
	}, func(rep *reports.Report) reports.Key { return reports.Key{CreatedAt: rep.CreatedAt, ID: rep.ID} },
		func(rs []*reports.Report) ([]any, error) { return s.reportResponses(r.Context(), rs) })
}

// reportDeleted is what the audit keeps of a deleted report.
type reportDeleted struct {
	ID          string `json:"id"`
	Template    string `json:"template"`
	Format      string `json:"format"`
	ViewID      string `json:"view_id,omitempty"`
	ScheduleID  string `json:"schedule_id,omitempty"`
	RequestedBy string `json:"requested_by,omitempty"`
	SizeBytes   int64  `json:"size_bytes,omitempty"`
}

// removeReportFile deletes a report's file through ReportFiles.
func (s *Server) removeReportFile(ctx context.Context, object string) error {
	if rm, ok := s.ReportFiles.(ReportFileRemover); ok {
		return rm.RemoveFile(ctx, object)
	}
	return apperr.Errorf(apperr.Unavailable, "report files cannot be deleted here")
}

func (s *Server) handleDeleteReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Reports.DeleteReport(r.Context(), r.PathValue("id"), s.removeReportFile)
	if err != nil {
		Error(w, r, err)
		return
	}
	noteAudit(r.Context(), reportDeleted{ID: rep.ID, Template: rep.Template, Format: rep.Format, ViewID: rep.ViewID,
		ScheduleID: rep.ScheduleID, RequestedBy: rep.RequestedBy, SizeBytes: rep.SizeBytes})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleVerifyReport(w http.ResponseWriter, r *http.Request) {
	v, err := s.ReportVerifier.VerifyReport(r.Context(), r.PathValue("id"))
	reply(w, r, http.StatusOK, v, err)
}

var scheduleFields = []string{"name", "cron", "timezone", "template", "format", "view_id", "params", "recipients", "enabled", "created_by", "last_run_at", "next_run_at", "created_at", "updated_at"}

type scheduleRequest struct {
	reports.ScheduleParams
	Enabled *bool `json:"enabled"`
}

func (s *Server) handleCreateSchedule(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[scheduleRequest](s, w, r)
	if !ok {
		return
	}
	req.Template = templateOrDefault(req.Template)
	enabled := true
	if req.Enabled != nil {
		enabled = *req.Enabled
	}
	sc := &reports.Schedule{ScheduleParams: req.ScheduleParams, Enabled: enabled}
	if err := s.Schedules.CreateSchedule(r.Context(), sc); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", r.URL.Path+"/"+sc.ID)
	JSON(w, http.StatusCreated, sc)
}

func (s *Server) handleGetSchedule(w http.ResponseWriter, r *http.Request) {
	sc, err := s.Schedules.FindScheduleByID(r.Context(), r.PathValue("id"))
	reply(w, r, http.StatusOK, sc, err)
}

func (s *Server) handleListSchedules(w http.ResponseWriter, r *http.Request) {
	serveAll(s, w, r, "schedules", scheduleFields, func(ctx context.Context, after *reports.ScheduleKey, limit int) ([]*reports.Schedule, error) {
		return s.Schedules.FindSchedules(ctx, reports.ScheduleFilter{After: after, Limit: limit})
	}, func(sc *reports.Schedule) reports.ScheduleKey {
		return reports.ScheduleKey{CreatedAt: sc.CreatedAt, ID: sc.ID}
	})
}

type scheduleUpdateRequest struct {
	Name       *string         `json:"name"`
	Cron       *string         `json:"cron"`
	TimeZone   *string         `json:"timezone"`
	Format     *string         `json:"format"`
	Params     json.RawMessage `json:"params"`
	Recipients []string        `json:"recipients"`
	Enabled    *bool           `json:"enabled"`
}

func (s *Server) handleUpdateSchedule(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[scheduleUpdateRequest](s, w, r)
	if !ok {
		return
	}
	sc, err := s.Schedules.UpdateSchedule(r.Context(), r.PathValue("id"), reports.ScheduleUpdate{
		Name: req.Name, Cron: req.Cron, TimeZone: req.TimeZone, Format: req.Format, Params: req.Params, Recipients: req.Recipients, Enabled: req.Enabled,
	})
	reply(w, r, http.StatusOK, sc, err)
}

// handleRunSchedule orders a schedule's report now, as the caller, outside
// its cron: the schedule's next run does not move. The report belongs to the
// schedule (its run history). One click is one report: the client's
// Idempotency-Key is folded into the run's system key.
func (s *Server) handleRunSchedule(w http.ResponseWriter, r *http.Request) {
	sc, err := s.Schedules.FindScheduleByID(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	click := r.Header.Get("Idempotency-Key")
	if len(click) > 200 {
		Error(w, r, apperr.Invalidf("Idempotency-Key", "at most 200 characters"))
		return
	}
	noteAudit(r.Context(), map[string]string{"schedule_id": sc.ID, "name": sc.Name})
	s.order(w, r, reports.OrderParams{
		Template: sc.Template, Format: sc.Format, ViewID: sc.ViewID, Params: sc.Params,
		IdempotencyKey: reports.ManualRunKey(sc.ID, click), ScheduleID: sc.ID,
	})
}

func (s *Server) handleDeleteSchedule(w http.ResponseWriter, r *http.Request) {
	err := s.Schedules.DeleteSchedule(r.Context(), r.PathValue("id"))
	reply(w, r, http.StatusNoContent, nil, err)
}
