package api

import (
	"net/http"
	"net/url"
	"testing"
)

// A result's later pages are served only while the org
// is still entitled to every dataset the result read, its own and those
// real values (the IPCA) and per capita (PIB's population) join; and those
// joins are refused up front without the entitlement.
func TestEntitlementsHoldOnEveryPageAndEveryJoin(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	const org = "/v1/orgs/porto-sul"
	all := `{"datasets":["comex_monthly","comex_municipal_monthly","ipca_monthly","caged_monthly","antaq_monthly","pib_municipal","siconfi_annual"]}`

	spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf","month","ncm"],"time":{"from":"2024-01","to":"2024-06"}}`
	var page queryAnswer
	b.want(t, http.StatusOK, ana, "POST", org+"/query?page_size=10", spec).json(t, &page)
	if page.NextCursor == nil {
		t.Fatalf("no second page: %d of %d rows", len(page.Data), page.Meta.Rows)
	}
	next := org + "/query?cursor=" + url.QueryEscape(*page.NextCursor)
	b.want(t, http.StatusOK, ana, "GET", next, nil)
	b.want(t, http.StatusOK, ana, "PUT", org+"/entitlements", `{"datasets":["ipca_monthly","pib_municipal","caged_monthly"]}`)
	r := b.want(t, http.StatusForbidden, ana, "GET", next, nil)
	assertProblem(t, r)
	b.want(t, http.StatusOK, ana, "PUT", org+"/entitlements", all)
	b.want(t, http.StatusOK, ana, "GET", next, nil)

	// Joins: real values need the IPCA, per capita PIB's population.
	b.want(t, http.StatusOK, ana, "PUT", org+"/entitlements", `{"datasets":["comex_monthly","caged_monthly","pib_municipal","siconfi_annual"]}`)
	r = b.want(t, http.StatusForbidden, ana, "POST", org+"/query", `{"dataset":"siconfi_annual","measures":["value_brl"],"real":{"base":"2024-01"}}`)
	if r.problemField() != "real" {
		t.Errorf("real values without the IPCA: field %q, %s", r.problemField(), r.body)
	}
	b.want(t, http.StatusOK, ana, "PUT", org+"/entitlements", `{"datasets":["comex_monthly","caged_monthly","ipca_monthly"]}`)
	r = b.want(t, http.StatusForbidden, ana, "POST", org+"/query", `{"dataset":"caged_monthly","measures":["net"],"dimensions":["uf"],"per_capita":true}`)
	if r.problemField() != "per_capita" {
		t.Errorf("per capita without PIB's population: field %q, %s", r.problemField(), r.body)
	}
}

// An admin sees every public dataset of the catalog, entitled or not, to
// name what they switch on; the tenant's own datasets are never offered.
func TestEntitlementsListWhatMayBeSwitchedOn(t *testing.T) {
	b := setupStack(t)
	const org = "/v1/orgs/porto-sul"
	b.want(t, http.StatusOK, ana, "PUT", org+"/entitlements", `{"datasets":["ipca_monthly"]}`)
	var got struct {
		Datasets  []string
		Available []struct {
			ID    string
			Title map[string]string
		}
	}
	b.want(t, http.StatusOK, ana, "GET", org+"/entitlements", nil).json(t, &got)
	if len(got.Datasets) != 1 || got.Datasets[0] != "ipca_monthly" {
		t.Fatalf("entitled %v", got.Datasets)
	}
	ids := map[string]bool{}
	for _, d := range got.Available {
		ids[d.ID] = d.Title["pt-BR"] != ""
	}
	for _, want := range []string{"comex_monthly", "ipca_monthly", "siconfi_annual"} {
		if !ids[want] {
			t.Errorf("%s is not offered with a title: %v", want, got.Available)
		}
	}
	if _, ok := ids["tenant_metrics"]; ok {
		t.Error("the tenant's own dataset is offered as an entitlement")
	}
}
