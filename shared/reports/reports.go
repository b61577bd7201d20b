// Package reports is ordered reports and report schedules: what a report is,
// its life (queued → running → succeeded | failed), the message that carries
// it to the worker, and the services that read and write them.
package reports

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Status is where a report is in its life.
type Status string

// The statuses. A report is never succeeded unless its file was uploaded and
// read back.
const (
	Queued    Status = "queued"
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
)

// Formats a report can be rendered to.
var Formats = map[string]string{"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "html": "text/html; charset=utf-8"}

// Report is one ordered report.
type Report struct {
	ID          string          `json:"id"`
	Status      Status          `json:"status"`
	Template    string          `json:"template"`
	Format      string          `json:"format"`
	ViewID      string          `json:"view_id,omitempty"`
	ScheduleID  string          `json:"schedule_id,omitempty"`
	Spec        json.RawMessage `json:"query"`
	Params      json.RawMessage `json:"params"`
	RequestedBy string          `json:"requested_by,omitempty"`
	// RequestedByEmail and ViewName describe the requester and the view
	// as they are now (empty once either is gone).
	RequestedByEmail string `json:"requested_by_email,omitempty"`
	ViewName         string `json:"view_name,omitempty"`
	IdempotencyKey   string `json:"-"`
	Attempts         int    `json:"attempts"`
	Error            string `json:"error,omitempty"`
	// ErrorCode names the failure in a stable word (see ErrorCode).
	ErrorCode string `json:"error_code,omitempty"`
	// SizeBytes is the size of the stored file; 0 without one.
	SizeBytes  int64           `json:"size_bytes,omitempty"`
	ObjectName string          `json:"-"`
	Manifest   json.RawMessage `json:"manifest,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
}

// Terminal reports whether the report will not change any more.
func (r *Report) Terminal() bool { return r.Status == Succeeded || r.Status == Failed }

// OrderParams is a report order. Exactly one of ViewID and Spec is set.
type OrderParams struct {
	Template string
	Format   string
	ViewID   string
	Spec     json.RawMessage
	Params   json.RawMessage
	// IdempotencyKey is the client's Idempotency-Key (stored as ClientKey),
	// or, with ScheduleID, the run's RunKey.
	IdempotencyKey string
	ScheduleID     string
	// OnBehalfOf orders for another member (a schedule's owner); empty means
	// the user in ctx.
	OnBehalfOf string
}

// Key is a position in the list of reports (newest first), for cursors.
type Key struct {
	CreatedAt time.Time `json:"c"`
	ID        string    `json:"i"`
}

// Filter narrows and pages a list of reports.
type Filter struct {
	Status Status
	// RequestedBy keeps one member's reports; ScheduleID one schedule's runs.
	RequestedBy string
	ScheduleID  string
	After       *Key
	Limit       int
}

// Service orders and reads the reports of the tenant in ctx.
type Service interface {
	// OrderReport stores a queued report and publishes its request. An order
	// with an idempotency key already used returns the existing report.
	OrderReport(ctx context.Context, p OrderParams) (*Report, bool, error)
	FindReportByID(ctx context.Context, id string) (*Report, error)
	FindReports(ctx context.Context, f Filter) ([]*Report, error)
	// DeleteReport removes a finished report: its requester or an admin.
	// removeFile deletes the stored file (a missing file is not an error);
	// the row is deleted only when it succeeds. The deleted report is
	// returned for the audit.
	DeleteReport(ctx context.Context, id string, removeFile func(ctx context.Context, object string) error) (*Report, error)
}

// The failure reasons the system writes itself, and the stable codes a
// client translates; any other reason is a coded refusal of the query.
const (
	ReasonNotQueued = "the report could not be queued; order it again"
	ReasonTimeout   = "the report took too long to render"
	ReasonRender    = "the report could not be rendered"
)

// ErrorCode is the stable code of a failure reason: not_queued, timeout,
// render_failed, budget (the org's data budget was spent) or query (the
// query was refused); "" for no failure.
func ErrorCode(reason string) string {
	switch {
	case reason == "":
		return ""
	case reason == ReasonNotQueued:
		return "not_queued"
	case reason == ReasonTimeout:
		return "timeout"
	case reason == ReasonRender:
		return "render_failed"
	case strings.Contains(reason, "budget"):
		return "budget"
	default:
		return "query"
	}
}

// Request is the message that asks the worker to render a report. It names
// the org explicitly; the worker checks it against PostgreSQL.
type Request struct {
	OrgID          string `json:"org_id"`
	ReportID       string `json:"report_id"`
	IdempotencyKey string `json:"idempotency_key"`
	Traceparent    string `json:"traceparent,omitempty"`
}

// Publisher sends report requests to the worker.
type Publisher interface {
	PublishReportRequest(ctx context.Context, r Request) error
}

// SpecValidator checks a query spec against the catalog and the datasets the
// org is entitled to; errors name fields under field.
type SpecValidator interface {
	ValidateSpec(spec json.RawMessage, entitled map[string]bool, field string) error
}

// Templates says which templates exist.
type Templates interface {
	TemplateExists(name string) bool
}
