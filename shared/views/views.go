// Package views is saved views: a named query spec that a member keeps for
// themselves or shares with their org.
package views

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mirante/mirante/shared/apperr"
)

// Visibility says who in the org sees a view.
type Visibility string

// A private view is its owner's alone; an org view is shared with every member.
const (
	Private Visibility = "private"
	Org     Visibility = "org"
)

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return v == Private || v == Org }

// View is a saved query spec.
type View struct {
	ID         string          `json:"id"`
	OwnerID    string          `json:"owner_id"`
	Name       string          `json:"name"`
	Config     json.RawMessage `json:"config"`
	Visibility Visibility      `json:"visibility"`
	Version    int             `json:"version"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Key is a position in the list of views (newest first), for cursors.
type Key struct {
	CreatedAt time.Time `json:"c"`
	ID        string    `json:"i"`
}

// ViewFilter narrows and pages a list of views.
type ViewFilter struct {
	Visibility Visibility // "" for both
	Mine       bool       // only the caller's own
	After      *Key
	Limit      int
}

// ViewUpdate changes some of a view's fields. IfVersion, when not zero, makes
// the update conditional on the version the caller last saw.
type ViewUpdate struct {
	Name       *string
	Config     json.RawMessage
	Visibility *Visibility
	IfVersion  int
}

// ViewService reads and writes the views of the tenant in ctx. It enforces the
// role matrix: every member reads shared views and their own; analysts create
// views and edit their own; admins also edit and delete others' shared views.
// Another member's private view does not exist for the caller (NotFound).
type ViewService interface {
	FindViewByID(ctx context.Context, id string) (*View, error)
	FindViews(ctx context.Context, f ViewFilter) ([]*View, error)
	CreateView(ctx context.Context, v *View) error
	UpdateView(ctx context.Context, id string, upd ViewUpdate) (*View, error)
	// DeleteView refuses with InUse while a dashboard or a schedule uses
	// the view, unless p.Cascade; then it also removes the view's panels and
	// deletes its schedules, and returns what it removed.
	DeleteView(ctx context.Context, id string, p ViewDeleteParams) ([]Use, error)
}

// ViewDeleteParams qualify a deletion. IfVersion, when not zero, makes it
// conditional on the version the caller last saw.
type ViewDeleteParams struct {
	IfVersion int
	Cascade   bool
}

// InUse refuses to delete a view that something uses, or to make private a
// view that others' dashboards show. The error's Details carry "used_by", a
// []Use of what the caller may see, and "private_dashboards", how many of
// other members' private dashboards use it too.
const InUse apperr.Code = "view_in_use"

// Use is one thing that uses a view: a dashboard or a schedule.
type Use struct {
	Kind string `json:"kind"` // "dashboard" or "schedule"
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ConfigValidator checks a view's config (a query spec) against the catalog
// and the datasets the org is entitled to.
type ConfigValidator interface {
	ValidateConfig(config json.RawMessage, entitled map[string]bool) error
}
