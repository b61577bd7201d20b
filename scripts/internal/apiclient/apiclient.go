// Package apiclient is what the benchmark and the load generator share to
// drive a running stack from outside: sign-in through the Firebase Auth
// emulator, the demo users and orgs, and the query specs they send.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Password is the demo users' password (scripts/README.md).
const Password = "mirante-demo"

// Demo is one demo org and a user of it who may read data and write views.
type Demo struct {
	Org   string // slug
	Email string
	// Dataset is a public mart the org is entitled to; the cached and
	// uncached queries read it.
	Dataset string
}

// Demos are the three demo orgs, each with a user who may write views
// (an admin, an analyst and an owner).
var Demos = []Demo{
	{Org: "porto-sul", Email: "ana@porto-sul.demo", Dataset: "comex_monthly"},
	{Org: "agro-nordeste", Email: "bruno@agro-nordeste.demo", Dataset: "comex_monthly"},
	{Org: "banco-regional", Email: "oscar@banco-regional.demo", Dataset: "pib_municipal"},
}

// NewHTTP returns a client whose transport keeps enough idle connections
// for conc concurrent callers, so a benchmark measures requests, not dials.
func NewHTTP(conc int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conc * 2,
		MaxIdleConnsPerHost: conc * 2,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// SignIn returns a Firebase ID token for email from the Auth emulator at
// host (host:port).
func SignIn(ctx context.Context, hc *http.Client, host, email string) (string, error) {
	body, _ := json.Marshal(map[string]any{"email": email, "password": Password, "returnSecureToken": true})
	u := "http://" + host + "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("signing in %s: %w", email, err)
	}
	defer resp.Body.Close()
	var out struct {
		IDToken string `json:"idToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.IDToken == "" {
		return "", fmt.Errorf("signing in %s: status %d", email, resp.StatusCode)
	}
	return out.IDToken, nil
}

// Client calls the API as one user.
type Client struct {
	Base  string // http://host:port
	Token string
	HTTP  *http.Client
}

// Do sends a JSON body (nil: none) and returns the status and the body read
// in full.
func (c *Client) Do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// OrgIDs returns the ids of the caller's orgs by slug (GET /v1/me).
func (c *Client) OrgIDs(ctx context.Context) (map[string]string, error) {
	st, b, err := c.Do(ctx, http.MethodGet, "/v1/me", nil)
	if err != nil {
		return nil, err
	}
	if st != http.StatusOK {
		return nil, fmt.Errorf("GET /v1/me: status %d: %s", st, clip(b))
	}
	var me struct {
		Orgs []struct{ ID, Slug string } `json:"orgs"`
	}
	if err := json.Unmarshal(b, &me); err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, o := range me.Orgs {
		ids[o.Slug] = o.ID
	}
	return ids, nil
}

// LoadResult is what one run of make bench's load client
// (scripts/bench/loadclient) prints: the requests answered in the measured
// window, their rate and latency percentiles, and the client's own CPU.
type LoadResult struct {
	Requests int     `json:"requests"`
	Seconds  float64 `json:"seconds"`
	Rate     float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P95      float64 `json:"p95_ms"`
	P99      float64 `json:"p99_ms"`
	// CPU is the CPU time (ms, user and system) the client spent, its
	// warm-up included.
	CPU float64 `json:"cpu_ms"`
}

// QueryMeta is the part of a query answer the benchmarks check.
type QueryMeta struct {
	Cache string `json:"cache"`
	Rows  int
}

// Query posts a spec to the org's query endpoint; any status but 200 is an
// error naming it.
func (c *Client) Query(ctx context.Context, org string, spec map[string]any) (QueryMeta, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return QueryMeta{}, err
	}
	return c.QueryJSON(ctx, org, b)
}

// bodies recycles answer buffers across a load generator's requests.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// QueryJSON is Query with the spec already encoded. It reads the whole
// answer but decodes only its meta (the answer's last member), so that a
// load generator spends its CPU on requests, not on parsing rows.
func (c *Client) QueryJSON(ctx context.Context, org string, spec []byte) (QueryMeta, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/v1/orgs/"+org+"/query", bytes.NewReader(spec))
	if err != nil {
		return QueryMeta{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return QueryMeta{}, err
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return QueryMeta{}, err
	}
	b := buf.Bytes()
	if resp.StatusCode != http.StatusOK {
		return QueryMeta{}, fmt.Errorf("POST /v1/orgs/%s/query: status %d: %s", org, resp.StatusCode, clip(b))
	}
	m, err := ParseMeta(b)
	if err != nil {
		return QueryMeta{}, fmt.Errorf("POST /v1/orgs/%s/query: %w", org, err)
	}
	return m, nil
}

// ParseMeta decodes the meta of a query answer, its last member, without
// decoding the rows before it.
func ParseMeta(answer []byte) (QueryMeta, error) {
	i := bytes.LastIndex(answer, []byte(`"meta":`))
	if i < 0 {
		return QueryMeta{}, fmt.Errorf("no meta in %s", clip(answer))
	}
	var m QueryMeta
	// The decoder reads the meta's value and stops there, before the
	// answer's closing brace.
	if err := json.NewDecoder(bytes.NewReader(answer[i+len(`"meta":`):])).Decode(&m); err != nil {
		return QueryMeta{}, fmt.Errorf("meta: %w", err)
	}
	return m, nil
}

// CreateView saves spec as a private view of the caller.
func (c *Client) CreateView(ctx context.Context, org, name string, spec map[string]any) error {
	st, b, err := c.Do(ctx, http.MethodPost, "/v1/orgs/"+org+"/views", map[string]any{"name": name, "config": spec})
	if err != nil {
		return err
	}
	if st != http.StatusCreated {
		return fmt.Errorf("POST /v1/orgs/%s/views: status %d: %s", org, st, clip(b))
	}
	return nil
}

// exportsOnly pins comex's flow, which answers never sum across.
var exportsOnly = []map[string]any{{"field": "flow", "op": "eq", "value": "export"}}

// UFByMonth is the bench's first query: comex export FOB by UF and month over the 12
// months to 2024-12. limit (≥ 400, above the 27 × 12 rows) makes each
// call a distinct query, hence a distinct cache entry, with the same answer.
func UFByMonth(limit int) map[string]any {
	return map[string]any{
		"dataset": "comex_monthly", "measures": []string{"vl_fob_usd"}, "dimensions": []string{"uf", "month"}, "filters": exportsOnly,
		"time": map[string]any{"from": "2024-01", "to": "2024-12"}, "limit": limit,
	}
}

// TopSH4 is the bench's second query: the top SH4 headings by export FOB over 2024.
// limit (from 20) makes each call distinct, as above.
func TopSH4(limit int) map[string]any {
	return map[string]any{
		"dataset": "comex_monthly", "measures": []string{"vl_fob_usd"}, "dimensions": []string{"sh4"}, "filters": exportsOnly,
		"time":  map[string]any{"from": "2024-01", "to": "2024-12"},
		"order": []map[string]any{{"field": "vl_fob_usd", "dir": "desc"}}, "limit": limit,
	}
}

// Spec returns a query on the demo org's entitled dataset; distinct values
// of n give distinct queries (and cache entries) with the same cost. The
// limit stays within the marts' row caps (5000 for comex_monthly): n picks
// one of specLimits limits and, past them, another order of the same rows.
// Distinct specs run out after specLimits × 4 values of n per kind; later
// ones repeat (a load report counts them as uncached queries the cache
// answered).
func (d Demo) Spec(n int) map[string]any {
	limit, variant := n%specLimits, (n/specLimits)%4
	dir := []string{"asc", "desc"}[variant%2]
	if d.Dataset == "comex_monthly" {
		if n%2 == 0 {
			s := UFByMonth(400 + limit)
			s["order"] = []map[string]any{{"field": []string{"uf", "month"}[variant/2], "dir": dir}}
			return s
		}
		s := TopSH4(20 + limit)
		if n >= specLimits {
			// Still the top headings; ties broken in another order.
			s["order"] = []map[string]any{{"field": "vl_fob_usd", "dir": "desc"}, {"field": "sh4", "dir": dir}}
		}
		return s
	}
	s := map[string]any{
		"dataset": d.Dataset, "measures": []string{"pib_brl"}, "dimensions": []string{"uf", "year"},
		"time": map[string]any{"from": "2014", "to": "2023"}, "limit": 400 + limit,
	}
	if n >= specLimits {
		s["order"] = []map[string]any{{"field": []string{"uf", "year"}[variant/2], "dir": dir}}
	}
	return s
}

// specLimits is how many limits Spec cycles through (from 400 or 20 rows).
const specLimits = 4500

func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
