package leak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// probeEntitlementPages: a result cursor of a public mart stops serving
// pages the moment the org's entitlement to that mart is revoked, and
// serves them again once it is restored. The admin's org's entitlements
// are put back as they were, whatever happens.
func (s *suite) probeEntitlementPages(ctx context.Context, admin *owned) error {
	base := "/v1/orgs/" + admin.t.Org
	r, err := s.call(ctx, admin.token, "GET", base+"/entitlements", nil)
	var ent struct {
		Datasets []string `json:"datasets"`
	}
	if err != nil || r.status != http.StatusOK || json.Unmarshal(r.body, &ent) != nil {
		return fmt.Errorf("GET entitlements: %d %v", r.status, err)
	}
	if !slices.Contains(ent.Datasets, "ipca_monthly") {
		fmt.Fprintln(s.cfg.Log, "entitlement-page probe skipped: the org is not entitled to ipca_monthly")
		return nil
	}
	restore := func(ctx context.Context) error {
		r, err := s.call(ctx, admin.token, "PUT", base+"/entitlements", map[string]any{"datasets": ent.Datasets})
		if err != nil || r.status != http.StatusOK {
			return fmt.Errorf("restoring the entitlements: %d %v", r.status, err)
		}
		return nil
	}
	r, err = s.call(ctx, admin.token, "POST", base+"/query?page_size=1", `{"dataset":"ipca_monthly","measures":["mom_pct"],"dimensions":["month"]}`)
	var a struct {
		NextCursor string `json:"next_cursor"`
	}
	if err != nil || r.status != http.StatusOK || json.Unmarshal(r.body, &a) != nil || a.NextCursor == "" {
		return fmt.Errorf("a paged IPCA query: %d %v (a cursor is needed)", r.status, err)
	}
	page := base + "/query?cursor=" + url.QueryEscape(a.NextCursor)
	without := slices.DeleteFunc(slices.Clone(ent.Datasets), func(d string) bool { return d == "ipca_monthly" })
	if r, err := s.call(ctx, admin.token, "PUT", base+"/entitlements", map[string]any{"datasets": without}); err != nil || r.status != http.StatusOK {
		return fmt.Errorf("revoking ipca_monthly: %d %v", r.status, err)
	}
	s.expectRefused(ctx, admin, &owned{marker: "\x00never\x00"}, "page of a revoked mart", "GET", page, nil, http.StatusForbidden)
	if err := restore(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	s.res.Probes++
	if r, err := s.call(ctx, admin.token, "GET", page, nil); err != nil || r.status != http.StatusOK {
		s.leak("page of a restored mart: GET %s as %s answered %d %v", page, admin.t.Email, r.status, err)
	}
	return nil
}
