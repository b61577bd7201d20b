package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
)

// MaxParamsBytes bounds a report's or a schedule's parameters.
const MaxParamsBytes = 8 << 10

// Order is a report order that passed every check that needs no stored
// data: what a Store makes a queued report of. Its Params are a JSON object
// ({} when the order gave none) and its IdempotencyKey is the key stored: a
// ClientKey, or a schedule run's RunKey.
type Order struct {
	OrderParams
	OrgID string
	// RequestedBy is the member the report is for; "" for none.
	RequestedBy string
}

// Store keeps the reports of the tenant in ctx.
type Store interface {
	// CreateReport stores o as a queued report, in one transaction that
	// reads the order's view (its query, and its name as the default
	// title), checks the query against the org's entitlements and charges
	// the org's daily report quota. An order whose key was used before
	// returns the report that key made, with created false and no charge.
	CreateReport(ctx context.Context, o Order) (r *Report, created bool, err error)
	FindReportByID(ctx context.Context, id string) (*Report, error)
	FindReports(ctx context.Context, f Filter) ([]*Report, error)
	DeleteReport(ctx context.Context, id string, removeFile func(ctx context.Context, object string) error) (*Report, error)
	// FailReport records a failed attempt: queued again to be retried, or
	// failed for good.
	FailReport(ctx context.Context, id, reason string, final bool) error
}

// Orderer implements Service: it checks an order, has the Store keep it, and
// only after the report is stored publishes its request to the worker.
type Orderer struct {
	Store
	Templates Templates
	Publisher Publisher
	Log       *slog.Logger
}

var _ Service = (*Orderer)(nil)

// OrderReport stores a queued report and publishes its request. A repeated
// idempotency key returns the report it made, without a second charge or
// message. A client's key (no ScheduleID) is stored as ClientKey; a
// schedule run's is its RunKey: the two never meet.
func (o *Orderer) OrderReport(ctx context.Context, p OrderParams) (*Report, bool, error) {
	ord, err := NewOrder(ctx, p, o.Templates)
	if err != nil {
		return nil, false, err
	}
	rep, created, err := o.CreateReport(ctx, ord)
	if err != nil || !created {
		return rep, false, err
	}
	req := Request{OrgID: ord.OrgID, ReportID: rep.ID, IdempotencyKey: ord.IdempotencyKey, Traceparent: telemetry.Traceparent(ctx)}
	if err := o.Publisher.PublishReportRequest(ctx, req); err != nil {
		o.Log.ErrorContext(ctx, "report request not published", "error", err.Error(), "org_id", ord.OrgID, "report_id", rep.ID)
		_ = o.FailReport(ctx, rep.ID, ReasonNotQueued, true)
		return nil, false, apperr.Errorf(apperr.Unavailable, "the report could not be queued; try again")
	}
	return rep, true, nil
}

// NewOrder checks p for the member in ctx, who must be allowed to order
// reports: the template and format, one source (a view or a query), the
// params and the idempotency key.
func NewOrder(ctx context.Context, p OrderParams, templates Templates) (Order, error) {
	if err := tenant.Authorize(ctx, tenant.OrderReports); err != nil {
		return Order{}, err
	}
	if err := CheckTemplate(templates, p.Template); err != nil {
		return Order{}, err
	}
	if err := CheckFormat(p.Format); err != nil {
		return Order{}, err
	}
	if (p.ViewID == "") == (len(p.Spec) == 0) {
		return Order{}, apperr.Invalidf("view_id", "give a view_id or a query, not both")
	}
	params, err := orderParams(p.Params)
	if err != nil {
		return Order{}, err
	}
	key, err := storedKey(p.IdempotencyKey, p.ScheduleID)
	if err != nil {
		return Order{}, err
	}
	t, _ := tenant.FromContext(ctx)
	u, _ := tenant.UserFromContext(ctx)
	requester := u.ID
	if p.OnBehalfOf != "" {
		requester = p.OnBehalfOf
	}
	p.Params, p.IdempotencyKey = params, key
	return Order{OrderParams: p, OrgID: t.ID(), RequestedBy: requester}, nil
}

// CheckTemplate refuses a name that is not a template.
func CheckTemplate(templates Templates, name string) error {
	if name == "" || !templates.TemplateExists(name) {
		if len(name) > 64 {
			name = name[:64] + "…"
		}
		return apperr.Invalidf("template", "unknown template %q", strings.ToValidUTF8(name, "?"))
	}
	return nil
}

// CheckFormat refuses a format reports are not rendered to.
func CheckFormat(format string) error {
	if _, ok := Formats[format]; !ok {
		return apperr.Invalidf("format", "must be pdf, docx or html")
	}
	return nil
}

// orderParams is an order's params as stored: a JSON object of at most
// MaxParamsBytes, {} for none.
func orderParams(raw json.RawMessage) (json.RawMessage, error) {
	params := bytes.TrimSpace(raw)
	if len(params) == 0 || bytes.Equal(params, []byte("null")) {
		params = []byte("{}")
	}
	if params[0] != '{' || len(params) > MaxParamsBytes || !json.Valid(params) {
		return nil, apperr.Invalidf("params", "must be a JSON object of at most %d bytes", MaxParamsBytes)
	}
	return params, nil
}

// storedKey is the idempotency key an order is stored under. A client's
// order (no schedule) is stored apart from every key the system derives, so
// no client can take a schedule run's; an order without a key gets a fresh
// one.
func storedKey(key, scheduleID string) (string, error) {
	if scheduleID != "" {
		if !IsSystemKey(key) {
			return "", fmt.Errorf("ordering a schedule run's report: %q is not a system key", key)
		}
		return key, nil
	}
	if key == "" {
		key = randomKey()
	}
	if len(key) > 200 || !utf8.ValidString(key) {
		return "", apperr.Invalidf("Idempotency-Key", "at most 200 characters")
	}
	return ClientKey(key), nil
}

// WithDefaultTitle titles a report after its view unless params say
// otherwise: a report from "Exportações do Sul" is called that, not by its
// dataset's name.
func WithDefaultTitle(params json.RawMessage, title string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(params, &m) != nil {
		return params
	}
	if _, ok := m["title"]; ok {
		return params
	}
	t, _ := json.Marshal(title)
	m["title"] = t
	out, err := json.Marshal(m)
	if err != nil {
		return params
	}
	return out
}
