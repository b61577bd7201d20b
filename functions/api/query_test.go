package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
)

// martFixture writes a little of every kind of mart: comex for the public
// side, and each org's own tenant_metrics (two row-mode orgs in the shared
// mart, banco-regional in its own dataset), with watermarks in PostgreSQL.
// want holds the fixture's own sums, the second path the answers are checked
// against.
type martWant struct {
	fobByUF map[string]float64 // export FOB in 2024-01..2024-06 by UF
	metrics map[string][]string
}

func martFixture(w *martWant) warehouseFixture {
	return func(t *testing.T, db *duckdb.DB, admin *postgres.Admin, orgs map[string]tenant.Org) {
		t.Helper()
		ctx := context.Background()
		sqlDB := db.SQL()
		w.fobByUF = map[string]float64{}
		w.metrics = map[string][]string{
			"porto-sul":      {"movimentacao_conteineres_teu", "tempo_medio_atracacao_h"},
			"agro-nordeste":  {"area_plantada_ha", "producao_soja_t"},
			"banco-regional": {"credito_concedido_brl"},
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := sqlDB.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for m := 1; m <= 6; m++ {
			for i, uf := range []string{"SP", "PR", "MT"} {
				for j, ncm := range []string{"12019000", "26011100"} {
					fob := float64(1000*(i+1)*(j+1) + m)
					exec(`insert into marts.comex_monthly values (?, 2024, 'export', ?, 'x', ?, 'n', substr(?,1,4), 's4', substr(?,1,2), 's2', '160', 'China', ?, ?)`,
						fmt.Sprintf("2024-%02d-01", m), uf, ncm, ncm, ncm, fob, fob*3)
					w.fobByUF[uf] += fob
				}
			}
		}
		for slug, metrics := range w.metrics {
			org := orgs[slug]
			for _, metric := range metrics {
				for m := 1; m <= 6; m++ {
					if org.Isolation == tenant.IsolationDataset {
						if err := db.EnsureTenantSchema(ctx, org.Dataset); err != nil {
							t.Fatal(err)
						}
						exec(`insert into `+org.Dataset+`.tenant_metrics values (?, 2024, '2927408', 'Salvador', 'BA', 'Nordeste', ?, ?)`, fmt.Sprintf("2024-%02d-01", m), metric, float64(m))
					} else {
						exec(`insert into marts.tenant_metrics values (?, ?, 2024, '3550308', 'São Paulo', 'SP', 'Sudeste', ?, ?)`, org.ID, fmt.Sprintf("2024-%02d-01", m), metric, float64(m))
					}
				}
			}
			if err := admin.SetTenantData(ctx, org.ID, "tenant_metrics", "2024-06", int64(6*len(metrics)), false); err != nil {
				t.Fatal(err)
			}
		}
		if err := admin.SetSourceWatermark(ctx, "comex", "2024-06", false); err != nil {
			t.Fatal(err)
		}
	}
}

type queryAnswer struct {
	Data       []map[string]any
	NextCursor *string `json:"next_cursor"`
	Meta       struct {
		Dataset, Watermark, Cache, Engine string
		QueryHash                         string `json:"query_hash"`
		IndicatorVersion                  string `json:"indicator_version"`
		Rows                              int
	}
}

func TestQueryAnswersFromTheWarehouseThenTheCache(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf"],"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2024-01","to":"2024-06"},"order":[{"field":"vl_fob_usd","dir":"desc"}]}`
	var first, second queryAnswer
	r := b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec)
	r.json(t, &first)
	if r.header.Get("X-Data-Watermark") != "2024-06" || r.header.Get("X-Indicator-Version") == "" {
		t.Errorf("headers: watermark %q, indicator %q", r.header.Get("X-Data-Watermark"), r.header.Get("X-Indicator-Version"))
	}
	if first.Meta.Cache != "miss" || first.Meta.Engine != "duckdb" || first.Meta.Watermark != "2024-06" || first.Meta.QueryHash == "" {
		t.Errorf("first meta = %+v", first.Meta)
	}
	if len(first.Data) != 3 {
		t.Fatalf("rows = %v", first.Data)
	}
	for i, row := range first.Data {
		uf := row["uf"].(string)
		if row["vl_fob_usd"].(float64) != w.fobByUF[uf] {
			t.Errorf("%s = %v, want %v", uf, row["vl_fob_usd"], w.fobByUF[uf])
		}
		if i > 0 && row["vl_fob_usd"].(float64) > first.Data[i-1]["vl_fob_usd"].(float64) {
			t.Error("not in descending order")
		}
	}
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec).json(t, &second)
	if second.Meta.Cache != "hit" || second.Meta.QueryHash != first.Meta.QueryHash || fmt.Sprint(second.Data) != fmt.Sprint(first.Data) {
		t.Errorf("second answer: meta %+v, data %v", second.Meta, second.Data)
	}
	// dora, in porto-sul too, shares porto-sul's cache; agro-nordeste gets its own entry.
	var dorasPorto, dorasAgro queryAnswer
	b.want(t, http.StatusOK, dora, "POST", "/v1/orgs/porto-sul/query", spec).json(t, &dorasPorto)
	b.want(t, http.StatusOK, dora, "POST", "/v1/orgs/agro-nordeste/query", spec).json(t, &dorasAgro)
	if dorasPorto.Meta.Cache != "hit" || dorasAgro.Meta.Cache != "miss" {
		t.Errorf("cache: porto-sul %s, agro-nordeste %s (one org's entry must never serve another)", dorasPorto.Meta.Cache, dorasAgro.Meta.Cache)
	}
}

func TestTenantMartsStayWithTheirTenant(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	who := map[string]string{"porto-sul": ana, "agro-nordeste": bruno, "banco-regional": carla}
	others := []string{"movimentacao_conteineres_teu", "area_plantada_ha", "credito_concedido_brl", "producao_soja_t", "tempo_medio_atracacao_h"}
	for org, user := range who {
		specs := []string{
			`{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"],"time":{"from":"2024-01","to":"2024-06"}}`,
			`{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"],"filters":[{"field":"metric","op":"in","value":["` + strings.Join(others, `","`) + `"]}]}`,
			`{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"],"filters":[{"field":"metric","op":"neq","value":"x' OR tenant_key <> '"}]}`,
			`{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric","uf"],"filters":[{"field":"uf","op":"in","value":["SP","BA"]}]}`,
		}
		for _, spec := range specs {
			var a queryAnswer
			b.want(t, http.StatusOK, user, "POST", "/v1/orgs/"+org+"/query", spec).json(t, &a)
			var got []string
			for _, row := range a.Data {
				got = append(got, row["metric"].(string))
			}
			sort.Strings(got)
			want := append([]string(nil), w.metrics[org]...)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s with %s sees %v, want %v", org, spec, got, want)
			}
		}
		// The value picker is scoped exactly like a query.
		var v struct {
			Data []struct{ Value string }
		}
		b.want(t, http.StatusOK, user, "GET", "/v1/orgs/"+org+"/datasets/tenant_metrics/values?field=metric", nil).json(t, &v)
		if len(v.Data) != len(w.metrics[org]) {
			t.Errorf("%s's metric picker lists %v", org, v.Data)
		}
		for _, x := range v.Data {
			found := false
			for _, m := range w.metrics[org] {
				found = found || m == x.Value
			}
			if !found {
				t.Errorf("%s's picker lists %s", org, x.Value)
			}
		}
	}
	var v struct {
		Data []struct{ Value, Label string }
	}
	b.want(t, http.StatusOK, bruno, "GET", "/v1/orgs/agro-nordeste/datasets/tenant_metrics/values?field=metric&q=SOJA", nil).json(t, &v)
	if len(v.Data) != 1 || v.Data[0].Value != "producao_soja_t" {
		t.Errorf("search = %v", v.Data)
	}
}

func TestEntitlementsGateDatasetsQueriesAndPickers(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	var list struct {
		Data []struct {
			ID, Watermark string
			Dimensions    []struct{ ID string }
		}
	}
	b.want(t, http.StatusOK, carla, "GET", "/v1/orgs/banco-regional/datasets", nil).json(t, &list)
	var ids []string
	for _, d := range list.Data {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "ipca_monthly,pib_municipal,tenant_metrics" {
		t.Errorf("banco-regional may query %v", ids)
	}
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/datasets", nil).json(t, &list)
	if len(list.Data) != 8 {
		t.Errorf("porto-sul lists %d datasets, want 8", len(list.Data))
	}
	for _, d := range list.Data {
		if d.ID == "comex_monthly" && d.Watermark != "2024-06" {
			t.Errorf("comex watermark %q", d.Watermark)
		}
	}
	r := b.want(t, http.StatusForbidden, carla, "POST", "/v1/orgs/banco-regional/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
	if r.problemField() != "dataset" {
		t.Errorf("field %q", r.problemField())
	}
	b.want(t, http.StatusForbidden, carla, "GET", "/v1/orgs/banco-regional/datasets/comex_monthly/values?field=uf", nil)
	b.want(t, http.StatusNotFound, carla, "GET", "/v1/orgs/banco-regional/datasets/no_such/values?field=uf", nil)
	b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/banco-regional/datasets", nil)
	b.want(t, http.StatusNotFound, bruno, "POST", "/v1/orgs/banco-regional/query", `{"dataset":"tenant_metrics","measures":["value"]}`)
}

func TestQueryPagesThroughTheCachedResult(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf","month","ncm"],"time":{"from":"2024-01","to":"2024-06"}}`
	var page queryAnswer
	b.want(t, http.StatusOK, dora, "POST", "/v1/orgs/porto-sul/query?page_size=10", spec).json(t, &page)
	if page.Meta.Rows != 36 || len(page.Data) != 10 || page.NextCursor == nil {
		t.Fatalf("first page: %d of %d rows, cursor %v", len(page.Data), page.Meta.Rows, page.NextCursor)
	}
	seen := map[string]bool{}
	add := func(p queryAnswer) {
		for _, row := range p.Data {
			k := fmt.Sprint(row["uf"], row["month"], row["ncm"])
			if seen[k] {
				t.Errorf("row %s twice", k)
			}
			seen[k] = true
		}
	}
	add(page)
	first := *page.NextCursor
	for page.NextCursor != nil {
		cur := *page.NextCursor
		page = queryAnswer{}
		b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/porto-sul/query?cursor="+url.QueryEscape(cur), nil).json(t, &page)
		add(page)
	}
	if len(seen) != 36 {
		t.Fatalf("%d distinct rows over the pages, want 36", len(seen))
	}
	// The cursor is porto-sul's and dora's: not agro-nordeste's (where dora is
	// admin), not ana's, and not to be edited.
	bad := []byte(first)
	bad[len(bad)/2] ^= 2
	for _, c := range []struct{ who, org, cursor string }{
		{dora, "agro-nordeste", first},
		{ana, "porto-sul", first},
		{dora, "porto-sul", string(bad)},
		{dora, "porto-sul", ""},
	} {
		r := b.want(t, http.StatusBadRequest, c.who, "GET", "/v1/orgs/"+c.org+"/query?cursor="+url.QueryEscape(c.cursor), nil)
		if r.problemField() != "cursor" {
			t.Errorf("%s/%s: field %q", c.who, c.org, r.problemField())
		}
	}
}

func TestQueryRefusesBadSpecsNamingTheField(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	cases := []struct{ spec, field string }{
		{`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"sql":"select 1"}`, "sql"},
		{`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","month","ncm","country","flow"]}`, "dimensions"},
		{`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"uf","op":"like","value":"S%"},{"field":"flow","op":"eq","value":"export"}]}`, "filters[0].op"},
		{`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"1990-01","to":"2024-06"}}`, "time"},
		{`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"limit":999999}`, "limit"},
		{`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"real":{"base":"2024-01"}}`, "real"},
		{`{"dataset":"nope","measures":["x"]}`, "dataset"},
		{`{"dataset":"comex_monthly",`, "body"},
	}
	for _, c := range cases {
		r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/query", c.spec)
		if r.problemField() != c.field {
			t.Errorf("%s: field %q, want %q", c.spec, r.problemField(), c.field)
		}
	}
	b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/query?page_size=0", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
	b.want(t, http.StatusUnsupportedMediaType, ana, "POST", "/v1/orgs/porto-sul/query", `{}`, "Content-Type", "text/csv")
}

func TestQueriesAnswerWithRedisDown(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w), "REDIS_URL=redis://127.0.0.1:1", "REDIS_TIMEOUT=100ms")
	var a queryAnswer
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query?page_size=2", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"],"time":{"from":"2024-01","to":"2024-06"}}`).json(t, &a)
	if a.Meta.Cache != "off" || len(a.Data) != 3 || a.NextCursor != nil {
		t.Fatalf("with Redis down: cache %q, %d rows, cursor %v (want every row at once)", a.Meta.Cache, len(a.Data), a.NextCursor)
	}
}
