package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// At RATE_LIMIT_SCALE=0.05 the standard plan allows each org 6 queries a
// minute (120 × 0.05) and each user 3 (60 × 0.05).
const slowLimits = "RATE_LIMIT_SCALE=0.05"

func TestRateLimitsPerUserAndPerOrg(t *testing.T) {
	b := setupStack(t, slowLimits)
	values := "/v1/orgs/porto-sul/datasets/comex_monthly/values?field=uf"
	for i := 1; i <= 3; i++ {
		r := b.want(t, http.StatusOK, ana, "GET", values, nil)
		if got := r.header.Get("RateLimit-Remaining"); got != strconv.Itoa(3-i) {
			t.Errorf("ana's request %d: RateLimit-Remaining %q, want %d (her own budget is the tighter)", i, got, 3-i)
		}
		if r.header.Get("RateLimit-Limit") != "3" || r.header.Get("RateLimit-Reset") == "" {
			t.Errorf("headers: %v", r.header)
		}
	}
	r := b.want(t, http.StatusTooManyRequests, ana, "GET", values, nil)
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	var p struct {
		Type, Detail string
		Bucket       string
		RetryAfterS  int `json:"retry_after_s"`
	}
	r.json(t, &p)
	if p.Type != "urn:mirante:problem:rate-limited" || p.Bucket != "queries" || p.RetryAfterS != retry || r.header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("429: %s %v", r.body, r.header)
	}
	// Queries and pickers share the budget: ana's query is refused too.
	b.want(t, http.StatusTooManyRequests, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)

	// Otávio has his own 3, which leave porto-sul's 6 spent (ana's refused
	// requests did not count against the org).
	for range 3 {
		b.want(t, http.StatusOK, otavio, "GET", values, nil)
	}
	if r := b.want(t, http.StatusTooManyRequests, dora, "GET", values, nil); r.header.Get("RateLimit-Limit") != "6" {
		t.Errorf("dora, refused by the org's budget, sees limit %q, want the org's 6", r.header.Get("RateLimit-Limit"))
	}
	// Another org, and dora in that org, are untouched.
	b.want(t, http.StatusOK, bruno, "GET", "/v1/orgs/agro-nordeste/datasets/comex_monthly/values?field=uf", nil)
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/agro-nordeste/datasets/comex_monthly/values?field=uf", nil)
	// Routes outside the data budget are not limited.
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/views", nil)
}

func TestReportOrdersAndUploadsHaveTheirOwnBudgets(t *testing.T) {
	b := setupStack(t, slowLimits) // standard: 10 × 0.05 → 1 order a minute per org
	order := `{"format":"html","query":{"dataset":"caged_monthly","measures":["net"],"dimensions":["uf"]}}`
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", order)
	b.want(t, http.StatusTooManyRequests, otavio, "POST", "/v1/orgs/porto-sul/reports", order)
	var list struct{ Data []struct{ ID string } }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/reports", nil).json(t, &list)
	if len(list.Data) != 1 {
		t.Errorf("%d reports after one accepted and one refused order", len(list.Data))
	}
	// Queries still have their budget; the other org's orders theirs.
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/datasets/comex_monthly/values?field=uf", nil)
	b.want(t, http.StatusAccepted, dora, "POST", "/v1/orgs/agro-nordeste/reports", order)
}

// With Redis down, reads are answered (uncached, unthrottled) and report
// orders and uploads are refused with 503, leaving nothing half written.
func TestRedisDownReadsFailOpenOrdersFailClosed(t *testing.T) {
	b := setupStack(t, "REDIS_URL=redis://127.0.0.1:1", "REDIS_TIMEOUT=200ms")
	var a queryAnswer
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`).json(t, &a)
	if a.Meta.Cache != "off" {
		t.Errorf("with Redis down the answer says cache %q, want off", a.Meta.Cache)
	}
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/datasets/comex_monthly/values?field=uf", nil)

	r := b.want(t, http.StatusServiceUnavailable, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"pdf","query":{"dataset":"caged_monthly","measures":["net"]}}`)
	var p struct{ Type, Detail string }
	r.json(t, &p)
	if p.Type != "urn:mirante:problem:unavailable" || r.header.Get("Retry-After") == "" {
		t.Errorf("503: %s", r.body)
	}
	b.want(t, http.StatusServiceUnavailable, ana, "POST", "/v1/orgs/porto-sul/uploads?name=x.csv", portoCSV, "Content-Type", "text/csv")
	var reports, uploads int
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select (select count(*) from reports), (select count(*) from uploads)`).Scan(&reports, &uploads)
	})
	if reports != 0 || uploads != 0 {
		t.Errorf("refused requests left %d reports and %d uploads behind", reports, uploads)
	}
}

// An org whose BigQuery bytes for the day are spent gets no more uncached
// answers, and the refusal says what is left and when it resets; cached
// answers cost nothing and still come; other orgs are untouched.
func TestSpentByteBudgetRefusesUncachedQueries(t *testing.T) {
	b := setupStack(t)
	spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"]}`
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec)
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `
			insert into usage (org_id, day, bytes_processed)
			select id, (now() at time zone 'utc')::date, (select bytes_per_day from plans where id = orgs.plan) from orgs where slug = 'porto-sul'
			on conflict (org_id, day) do update set bytes_processed = excluded.bytes_processed`)
		return err
	})
	r := b.want(t, http.StatusTooManyRequests, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["kg_liquido"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
	var p map[string]any
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	resets, err := time.Parse(time.RFC3339, p["resets_at"].(string))
	if p["bytes_left"] != float64(0) || err != nil || resets.Before(time.Now()) || r.header.Get("Retry-After") == "" {
		t.Errorf("refusal: %s", r.body)
	}
	var a queryAnswer
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", spec).json(t, &a)
	if a.Meta.Cache != "hit" {
		t.Errorf("the cached answer: cache %q", a.Meta.Cache)
	}
	b.want(t, http.StatusOK, bruno, "POST", "/v1/orgs/agro-nordeste/query", `{"dataset":"comex_monthly","measures":["kg_liquido"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
}

func TestUsageAgainstThePlanForAdminsOnly(t *testing.T) {
	b := setupStack(t)
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["kg_liquido"],"filters":[{"field":"flow","op":"eq","value":"export"}]}`)
	b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/reports", `{"format":"html","query":{"dataset":"caged_monthly","measures":["net"]}}`)
	var u struct {
		Day, Plan                                 string
		Queries, BytesProcessed, Reports, Uploads struct{ Used, Limit int64 }
		RateLimits                                map[string]map[string]int `json:"rate_limits"`
	}
	r := b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/usage", nil)
	if err := json.Unmarshal(r.body, &u); err != nil {
		t.Fatal(err)
	}
	var bp struct {
		BytesProcessed struct{ Used, Limit int64 } `json:"bytes_processed"`
	}
	_ = json.Unmarshal(r.body, &bp)
	if u.Plan != "standard" || u.Day != time.Now().UTC().Format("2006-01-02") || u.Queries.Used != 2 || u.Reports.Used != 1 || u.Reports.Limit != 50 ||
		bp.BytesProcessed.Limit != 107374182400 || u.RateLimits["queries"]["org_per_minute"] != 120 {
		t.Errorf("porto-sul's usage: %s", r.body)
	}
	// Another org's meters are its own; analysts, viewers and outsiders do not read them.
	var other struct{ Queries, Reports struct{ Used int64 } }
	b.want(t, http.StatusOK, dora, "GET", "/v1/orgs/agro-nordeste/usage", nil).json(t, &other)
	if other.Queries.Used != 0 || other.Reports.Used != 0 {
		t.Errorf("agro-nordeste's usage counts porto-sul's: %+v", other)
	}
	b.want(t, http.StatusForbidden, bruno, "GET", "/v1/orgs/agro-nordeste/usage", nil)
	b.want(t, http.StatusForbidden, dora, "GET", "/v1/orgs/porto-sul/usage", nil)
	b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/porto-sul/usage", nil)
}
