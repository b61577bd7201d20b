// Package dashboards is shared dashboards: a named grid of saved views with
// filters and a time range that apply to every panel, kept by a member for
// themselves or shared with their org.
package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/views"
)

// Limits of a dashboard's shape.
const (
	GridColumns    = 12
	MaxPanels      = 24
	MaxPanelHeight = 12
	MaxY           = 1000
	MaxFilters     = 20
	MaxValues      = 100
	MaxTextLen     = 200
	MaxDescription = 2000
)

// Panel places one saved view on the grid of GridColumns columns.
type Panel struct {
	ViewID string `json:"view_id"`
	X      int    `json:"x"`
	Y      int    `json:"y"`
	W      int    `json:"w"`
	H      int    `json:"h"`
	Title  string `json:"title,omitempty"`
}

// SharedFilter is a filter applied to every panel whose dataset has Field.
// Value is a JSON string, or an array of strings for in, not_in and between.
type SharedFilter struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value"`
}

// TimeRange bounds every panel's period; each end is YYYY or YYYY-MM.
type TimeRange struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Dashboard is a saved arrangement of views. Panels and Filters are never
// nil once read; Time is nil when the dashboard sets no range.
type Dashboard struct {
	ID          string           `json:"id"`
	OwnerID     string           `json:"owner_id"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Visibility  views.Visibility `json:"visibility"`
	Panels      []Panel          `json:"panels"`
	Filters     []SharedFilter   `json:"filters"`
	Time        *TimeRange       `json:"time,omitempty"`
	Version     int              `json:"version"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// DashboardFilter narrows and pages a list of dashboards.
type DashboardFilter struct {
	Visibility views.Visibility // "" for both
	Mine       bool             // only the caller's own
	After      *views.Key
	Limit      int
}

// DashboardUpdate changes some of a dashboard's fields; Panels, Filters and
// Time, when given, replace the old ones whole (SetTime with a nil Time
// clears the range). IfVersion, when not zero, makes the update conditional
// on the version the caller last saw.
type DashboardUpdate struct {
	Name        *string
	Description *string
	Visibility  *views.Visibility
	Panels      *[]Panel
	Filters     *[]SharedFilter
	SetTime     bool
	Time        *TimeRange
	IfVersion   int
}

// Service reads and writes the dashboards of the tenant in ctx with the role
// matrix of views: every member reads org dashboards and their own; analysts
// create dashboards and edit their own; admins also edit and delete others'
// org dashboards. Another member's private dashboard does not exist for the
// caller (NotFound). A panel shows a view the caller may see, and an org
// dashboard shows org views only.
type Service interface {
	FindDashboardByID(ctx context.Context, id string) (*Dashboard, error)
	FindDashboards(ctx context.Context, f DashboardFilter) ([]*Dashboard, error)
	CreateDashboard(ctx context.Context, d *Dashboard) error
	UpdateDashboard(ctx context.Context, id string, upd DashboardUpdate) (*Dashboard, error)
	DeleteDashboard(ctx context.Context, id string, ifVersion int) error
}

var (
	uuidRe   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	fieldRe  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	periodRe = regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2]))?$`)
)

// ops are the shared filter operators and whether each takes a list of
// values (and how many: 0 for any number from 1 to MaxValues).
var ops = map[string]struct {
	list bool
	n    int
}{
	"eq": {}, "neq": {}, "gte": {}, "lte": {}, "prefix": {},
	"in": {list: true}, "not_in": {list: true}, "between": {list: true, n: 2},
}

// CheckDescription validates a description, which may be empty.
func CheckDescription(s string) error {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxDescription || strings.ContainsRune(s, 0) {
		return apperr.Invalidf("description", "at most %d characters of valid UTF-8", MaxDescription)
	}
	return nil
}

// CheckPanels validates the panels' shape and places on the grid; whether
// their views exist is the service's to check.
func CheckPanels(ps []Panel) error {
	if len(ps) > MaxPanels {
		return apperr.Invalidf("panels", "at most %d panels", MaxPanels)
	}
	for i, p := range ps {
		f := func(name string) string { return fmt.Sprintf("panels[%d].%s", i, name) }
		switch {
		case !uuidRe.MatchString(p.ViewID):
			return apperr.Invalidf(f("view_id"), "must be a view id")
		case p.X < 0 || p.X >= GridColumns:
			return apperr.Invalidf(f("x"), "must be from 0 to %d", GridColumns-1)
		case p.Y < 0 || p.Y > MaxY:
			return apperr.Invalidf(f("y"), "must be from 0 to %d", MaxY)
		case p.W < 1 || p.W > GridColumns:
			return apperr.Invalidf(f("w"), "must be from 1 to %d", GridColumns)
		case p.X+p.W > GridColumns:
			return apperr.Invalidf(f("w"), "x + w must not exceed %d", GridColumns)
		case p.H < 1 || p.H > MaxPanelHeight:
			return apperr.Invalidf(f("h"), "must be from 1 to %d", MaxPanelHeight)
		case !oneLine(p.Title, MaxTextLen):
			return apperr.Invalidf(f("title"), "one line of at most %d characters", MaxTextLen)
		}
	}
	return nil
}

// CheckFilters validates the shared filters. Fields are checked as names
// only: each applies to the panels whose dataset has it.
func CheckFilters(fs []SharedFilter) error {
	if len(fs) > MaxFilters {
		return apperr.Invalidf("filters", "at most %d filters", MaxFilters)
	}
	for i, f := range fs {
		at := func(name string) string { return fmt.Sprintf("filters[%d].%s", i, name) }
		if !fieldRe.MatchString(f.Field) {
			return apperr.Invalidf(at("field"), "must be a field name")
		}
		op, ok := ops[f.Op]
		if !ok {
			return apperr.Invalidf(at("op"), "must be one of eq, neq, in, not_in, gte, lte, between, prefix")
		}
		if err := checkValue(f.Value, op.list, op.n); err != nil {
			return apperr.Invalidf(at("value"), "%s", err.Error())
		}
	}
	return nil
}

// checkValue checks a filter value: one string, or a list of n strings (1
// to MaxValues when n is 0).
func checkValue(raw json.RawMessage, list bool, n int) error {
	if !list {
		var s string
		if json.Unmarshal(raw, &s) != nil || !oneLine(s, MaxTextLen) {
			return fmt.Errorf("must be a string of at most %d characters", MaxTextLen)
		}
		return nil
	}
	var ss []string
	if json.Unmarshal(raw, &ss) != nil || len(ss) == 0 || len(ss) > MaxValues || (n > 0 && len(ss) != n) {
		if n > 0 {
			return fmt.Errorf("must be an array of %d strings", n)
		}
		return fmt.Errorf("must be an array of 1 to %d strings", MaxValues)
	}
	for _, s := range ss {
		if !oneLine(s, MaxTextLen) {
			return fmt.Errorf("each value at most %d characters", MaxTextLen)
		}
	}
	return nil
}

// CheckTime validates a time range: each end YYYY or YYYY-MM, from not
// after to.
func CheckTime(t *TimeRange) error {
	if t == nil {
		return nil
	}
	if t.From != "" && !periodRe.MatchString(t.From) {
		return apperr.Invalidf("time.from", "must be YYYY or YYYY-MM")
	}
	if t.To != "" && !periodRe.MatchString(t.To) {
		return apperr.Invalidf("time.to", "must be YYYY or YYYY-MM")
	}
	if t.From != "" && t.To != "" && firstMonth(t.From) > lastMonth(t.To) {
		return apperr.Invalidf("time.to", "must not be before time.from")
	}
	return nil
}

func firstMonth(p string) string {
	if len(p) == 4 {
		return p + "-01"
	}
	return p
}

func lastMonth(p string) string {
	if len(p) == 4 {
		return p + "-12"
	}
	return p
}

func oneLine(s string, max int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max && !strings.ContainsAny(s, "\x00\r\n")
}
