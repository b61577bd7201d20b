package reports

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

type oneTemplate struct{}

func (oneTemplate) TemplateExists(name string) bool { return name == "standard" }

// An order is refused, field by field, before anything is stored.
func TestNewOrderRefuses(t *testing.T) {
	t.Parallel()
	analyst := tenant.WithUser(tenant.With(context.Background(), tenant.Tenant{Org: tenant.Org{ID: "org-1"}, Role: tenant.Analyst}), tenant.User{ID: "u-1"})
	viewer := tenant.With(context.Background(), tenant.Tenant{Org: tenant.Org{ID: "org-1"}, Role: tenant.Viewer})
	ok := OrderParams{Template: "standard", Format: "pdf", ViewID: "v-1"}
	with := func(f func(*OrderParams)) OrderParams {
		p := ok
		f(&p)
		return p
	}
	cases := []struct {
		name string
		ctx  context.Context
		p    OrderParams
		code apperr.Code
	}{
		{"a viewer", viewer, ok, apperr.Forbidden},
		{"no template", analyst, with(func(p *OrderParams) { p.Template = "" }), apperr.Invalid},
		{"an unknown template", analyst, with(func(p *OrderParams) { p.Template = strings.Repeat("x", 100) }), apperr.Invalid},
		{"an unknown format", analyst, with(func(p *OrderParams) { p.Format = "odt" }), apperr.Invalid},
		{"a view and a query", analyst, with(func(p *OrderParams) { p.Spec = json.RawMessage(`{}`) }), apperr.Invalid},
		{"neither", analyst, with(func(p *OrderParams) { p.ViewID = "" }), apperr.Invalid},
		{"params not an object", analyst, with(func(p *OrderParams) { p.Params = json.RawMessage(`[1]`) }), apperr.Invalid},
		{"params too long", analyst, with(func(p *OrderParams) {
			p.Params = json.RawMessage(`{"t":"` + strings.Repeat("x", MaxParamsBytes) + `"}`)
		}), apperr.Invalid},
		{"a key too long", analyst, with(func(p *OrderParams) { p.IdempotencyKey = strings.Repeat("k", 201) }), apperr.Invalid},
		{"a run with a client's key", analyst, with(func(p *OrderParams) { p.ScheduleID, p.IdempotencyKey = "s-1", "k" }), apperr.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewOrder(tc.ctx, tc.p, oneTemplate{})
			if err == nil || apperr.CodeOf(err) != tc.code {
				t.Errorf("NewOrder = %v, want a %s error", err, tc.code)
			}
		})
	}
}

// A checked order stores a client's key apart, and params as an object.
func TestNewOrder(t *testing.T) {
	t.Parallel()
	ctx := tenant.WithUser(tenant.With(context.Background(), tenant.Tenant{Org: tenant.Org{ID: "org-1"}, Role: tenant.Analyst}), tenant.User{ID: "u-1"})
	o, err := NewOrder(ctx, OrderParams{Template: "standard", Format: "pdf", ViewID: "v-1", Params: json.RawMessage(" null "), IdempotencyKey: "k"}, oneTemplate{})
	if err != nil {
		t.Fatal(err)
	}
	if o.IdempotencyKey != ClientKey("k") || string(o.Params) != "{}" || o.OrgID != "org-1" || o.RequestedBy != "u-1" {
		t.Errorf("order %+v", o)
	}
}
