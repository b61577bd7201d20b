// Package leak is the tenant leak suite: against any deployment of the API
// and a set of tenant credentials, it makes each tenant own something of
// every kind (a view, a report, an upload, a schedule, query and list
// cursors), then drives every route as each tenant with the others' ids,
// slugs, cursors and download URLs swapped in, replayed and tampered with,
// and checks each answer against what the caller owns. An admin also demotes
// and then removes a throwaway member, who must be refused on the next
// request through every spelling of the org.
//
// A leak is any answer that lets a tenant see or change what another owns:
// a 2xx on another org's object or org, a body that holds another tenant's
// ids or marker strings, or another tenant's object changed or gone
// afterwards. A refusal must be a 4xx problem; a 5xx counts as a leak too,
// since an error page is where internals escape.
package leak

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Tenant is one user acting in one org.
type Tenant struct {
	Org   string `json:"org"`   // slug
	Email string `json:"email"` // to sign in (with Password), or
	// Password signs Email in through Firebase Auth (the emulator or a real
	// project's API key).
	Password string `json:"password,omitempty"`
	Token    string `json:"token,omitempty"` // an ID token, instead of signing in
	// Uploader: the user may upload (admin or owner); writer: may create
	// views and order reports (analyst and up).
	Role string `json:"role,omitempty"`
}

// Config says where and as whom to probe.
type Config struct {
	BaseURL string   `json:"base_url"`
	Tenants []Tenant `json:"tenants"`
	// AuthEmulator is the Firebase Auth emulator's host:port; otherwise
	// FirebaseAPIKey signs in against the real Firebase Auth.
	AuthEmulator   string `json:"auth_emulator,omitempty"`
	FirebaseAPIKey string `json:"firebase_api_key,omitempty"`
	// Log receives one line per leak (and per probe when Verbose).
	// Uploads lets admins upload a one-row CSV (a metric named after the
	// run's marker) into their org's data; off against production data.
	Uploads bool      `json:"uploads,omitempty"`
	Log     io.Writer `json:"-"`
	Verbose bool      `json:"-"`
	Timeout time.Duration
}

// Result is the count of probes and what leaked.
type Result struct {
	Probes int
	Leaks  []string
}

type owned struct {
	t           Tenant
	token       string
	orgID       string
	marker      string // a string only this tenant's objects hold
	admin       bool   // the tenant's role may manage members
	viewID      string
	viewName    string
	reportID    string
	downloadURL string
	uploadID    string
	scheduleID  string
	dashboardID string
	queryCursor string
	listCursor  string
	metrics     []string // the tenant mart's metric names this org sees
	ids         []string // every id above, to look for in others' answers
	// sent holds the ids of others this tenant put in its own requests:
	// finding one in an answer to them (an error's detail, their own audit
	// log) shows nothing they did not know.
	sent map[string]bool
}

type suite struct {
	cfg    Config
	client *http.Client
	res    Result
}

// Run runs the suite.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if len(cfg.Tenants) < 2 {
		return Result{}, fmt.Errorf("the leak suite needs at least two tenants in different orgs")
	}
	s := &suite{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	var all []*owned
	for _, t := range cfg.Tenants {
		o, err := s.prepare(ctx, t)
		if err != nil {
			return s.res, fmt.Errorf("preparing %s in %s: %w", t.Email, t.Org, err)
		}
		all = append(all, o)
	}
	for _, a := range all {
		for _, b := range all {
			if a.t.Org == b.t.Org {
				continue
			}
			s.probePair(ctx, a, b)
		}
		s.probeTampering(ctx, a)
	}
	var err error
	for _, o := range all {
		if o.admin {
			if err = s.probeRoleChange(ctx, o); err != nil {
				err = fmt.Errorf("role-change probe in %s: %w", o.t.Org, err)
			}
			if perr := s.probeEntitlementPages(ctx, o); perr != nil {
				err = errors.Join(err, fmt.Errorf("entitlement-page probe in %s: %w", o.t.Org, perr))
			}
			if perr := s.probeInviteTakeover(ctx, o); perr != nil {
				err = errors.Join(err, fmt.Errorf("invite-takeover probe in %s: %w", o.t.Org, perr))
			}
			break
		}
	}
	// Last: every victim's objects are still there and unchanged.
	for _, b := range all {
		s.checkIntact(ctx, b)
	}
	for _, o := range all {
		s.cleanup(ctx, o)
	}
	return s.res, err
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request; a 429 is waited out (Retry-After) a few times.
func (s *suite) call(ctx context.Context, token, method, path string, body any, hdr ...string) (answer, error) {
	var raw []byte
	switch v := body.(type) {
	case nil:
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		raw, _ = json.Marshal(v)
	}
	target := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		target = strings.TrimRight(s.cfg.BaseURL, "/") + path
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(raw))
		if err != nil {
			return answer{}, err
		}
		if raw != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return answer{}, err
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests && attempt < 5 {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			select {
			case <-time.After(time.Duration(max(1, min(wait, 60))) * time.Second): // the server asked us to wait
			case <-ctx.Done():
				return answer{}, ctx.Err()
			}
			continue
		}
		return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
	}
}

func (s *suite) leak(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.res.Leaks = append(s.res.Leaks, msg)
	fmt.Fprintln(s.cfg.Log, "LEAK:", msg)
}

// expectRefused is one probe: attacker a asks for something of victim b's.
// The answer must be a 4xx (one of want, when given) and hold nothing of b.
func (s *suite) expectRefused(ctx context.Context, a, b *owned, what, method, path string, body any, want ...int) {
	s.res.Probes++
	a.remember(b, path, body)
	r, err := s.call(ctx, a.token, method, path, body)
	if err != nil {
		s.leak("%s: %s %s as %s: %v", what, method, path, a.t.Email, err)
		return
	}
	if s.cfg.Verbose {
		fmt.Fprintf(s.cfg.Log, "probe %-40s %s %s as %s → %d\n", what, method, path, a.t.Org, r.status)
	}
	ok := r.status >= 400 && r.status < 500
	if len(want) > 0 {
		ok = false
		for _, w := range want {
			ok = ok || r.status == w
		}
	}
	if !ok {
		s.leak("%s: %s %s as %s (%s) answered %d: %.200s", what, method, path, a.t.Email, a.t.Org, r.status, r.body)
	}
	s.scan(a, b, what, r)
}

// expectMalformed is one probe of a URL that is not clean text: the answer
// must be 400 problem+json.
func (s *suite) expectMalformed(ctx context.Context, a *owned, path string) {
	s.res.Probes++
	r, err := s.call(ctx, a.token, "GET", path, nil)
	if err != nil {
		s.leak("malformed URL: GET %s as %s: %v", path, a.t.Email, err)
		return
	}
	if s.cfg.Verbose {
		fmt.Fprintf(s.cfg.Log, "probe %-40s GET %s as %s → %d\n", "malformed URL", path, a.t.Org, r.status)
	}
	if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/problem+json" {
		s.leak("malformed URL: GET %s as %s (%s) answered %d %s, want 400 problem+json: %.200s",
			path, a.t.Email, a.t.Org, r.status, r.header.Get("Content-Type"), r.body)
	}
}

// expectOwnOnly is one probe of a's own route: it must succeed and hold
// nothing of b's.
func (s *suite) expectOwnOnly(ctx context.Context, a, b *owned, what, method, path string, body any) answer {
	s.res.Probes++
	a.remember(b, path, body)
	r, err := s.call(ctx, a.token, method, path, body)
	if err != nil {
		s.leak("%s: %v", what, err)
		return r
	}
	if r.status >= 500 {
		s.leak("%s: %s %s as %s answered %d", what, method, path, a.t.Org, r.status)
	}
	s.scan(a, b, what, r)
	return r
}

// remember notes which of b's ids a request of a's carries.
func (a *owned) remember(b *owned, path string, body any) {
	req := path + fmt.Sprint(body)
	if u, err := url.QueryUnescape(path); err == nil {
		req += u
	}
	if a.sent == nil {
		a.sent = map[string]bool{}
	}
	for _, id := range b.ids {
		if strings.Contains(req, id) {
			a.sent[id] = true
		}
	}
}

// scan looks for b's ids and markers in an answer to a.
func (s *suite) scan(a, b *owned, what string, r answer) {
	text := string(r.body)
	for _, id := range b.ids {
		if id != "" && !a.sent[id] && strings.Contains(text, id) {
			s.leak("%s: the answer to %s (%s) holds %s's id %s", what, a.t.Email, a.t.Org, b.t.Org, id)
		}
	}
	if strings.Contains(text, b.marker) {
		s.leak("%s: the answer to %s (%s) holds %s's marker", what, a.t.Email, a.t.Org, b.t.Org)
	}
	// Metric names are data: looked for in data answers. An audit log
	// records the org's own requests, whatever names they carried.
	for _, m := range b.metrics {
		if !strings.Contains(what, "/audit") && !contains(a.metrics, m) && strings.Contains(text, `"`+m+`"`) {
			s.leak("%s: the answer to %s (%s) names %s's metric %s", what, a.t.Email, a.t.Org, b.t.Org, m)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// tamper flips one character in the middle of an opaque token.
func tamper(s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func (s *suite) probePair(ctx context.Context, a, b *owned) {
	aorg, borg := "/v1/orgs/"+a.t.Org, "/v1/orgs/"+b.t.Org
	// b's org, by slug and by id: a is not a member, so 404 everywhere.
	for _, ref := range []string{b.t.Org, b.orgID} {
		base := "/v1/orgs/" + ref
		for _, p := range []string{"", "/members", "/invites", "/views", "/audit", "/usage", "/datasets", "/reports", "/uploads", "/schedules", "/entitlements",
			"/views/" + b.viewID, "/reports/" + b.reportID, "/reports/" + b.reportID + "/verify", "/uploads/" + b.uploadID, "/schedules/" + b.scheduleID,
			"/datasets/tenant_metrics/values?field=metric"} {
			s.expectRefused(ctx, a, b, "other org route", "GET", base+p, nil, http.StatusNotFound)
		}
		s.expectRefused(ctx, a, b, "other org query", "POST", base+"/query", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"]}`, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "other org view patch", "PATCH", base+"/views/"+b.viewID, `{"name":"hijacked"}`, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "other org view delete", "DELETE", base+"/views/"+b.viewID, nil, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "other org report order", "POST", base+"/reports", map[string]any{"format": "html", "view_id": b.viewID}, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "other org member add", "POST", base+"/members", `{"email":"intruder@example.com","role":"owner"}`, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "other org invite", "POST", base+"/invites", `{"email":"intruder@example.com","role":"owner"}`, http.StatusNotFound)
		s.expectRefused(ctx, a, b, "other org entitlements", "PUT", base+"/entitlements", `{"datasets":["comex_monthly"]}`, http.StatusNotFound)
	}
	// b's object ids under a's own org: not found there.
	for _, p := range []string{"/views/" + b.viewID, "/reports/" + b.reportID, "/reports/" + b.reportID + "/verify", "/uploads/" + b.uploadID, "/schedules/" + b.scheduleID} {
		s.expectRefused(ctx, a, b, "swapped id", "GET", aorg+p, nil, http.StatusNotFound)
	}
	s.expectRefused(ctx, a, b, "swapped id patch", "PATCH", aorg+"/views/"+b.viewID, `{"name":"hijacked"}`, http.StatusNotFound)
	s.expectRefused(ctx, a, b, "swapped id delete", "DELETE", aorg+"/views/"+b.viewID, nil, http.StatusNotFound)
	s.expectRefused(ctx, a, b, "swapped schedule delete", "DELETE", aorg+"/schedules/"+b.scheduleID, nil, http.StatusNotFound)
	s.expectRefused(ctx, a, b, "report from another's view", "POST", aorg+"/reports", map[string]any{"format": "html", "view_id": b.viewID})
	s.expectRefused(ctx, a, b, "schedule of another's view", "POST", aorg+"/schedules",
		map[string]any{"name": "x" + a.marker, "cron": "0 6 * * 1", "format": "pdf", "view_id": b.viewID})
	// b's cursors replayed on a's org.
	if b.queryCursor != "" {
		s.expectRefused(ctx, a, b, "replayed query cursor", "GET", aorg+"/query?cursor="+url.QueryEscape(b.queryCursor), nil)
	}
	if b.listCursor != "" {
		s.expectRefused(ctx, a, b, "replayed list cursor", "GET", aorg+"/views?limit=1&cursor="+url.QueryEscape(b.listCursor), nil)
	}
	// b's download URL: a signed URL is a bearer capability by design (it
	// expires); moved to a's org or with its signature kept but its path
	// changed, it must not serve.
	if b.downloadURL != "" && strings.Contains(b.downloadURL, b.orgID) {
		moved := strings.Replace(b.downloadURL, b.orgID, a.orgID, 1)
		s.res.Probes++
		if r, err := s.call(ctx, "", "GET", moved, nil); err == nil && r.status < 400 {
			s.leak("download URL moved to %s's org still serves (%d)", a.t.Org, r.status)
		}
	}
	// a's own routes, asked the same questions as b: only a's data comes back.
	spec := `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"]}`
	s.expectOwnOnly(ctx, a, b, "same query as the other org", "POST", aorg+"/query", spec)
	s.expectOwnOnly(ctx, a, b, "tenant picker", "GET", aorg+"/datasets/tenant_metrics/values?field=metric", nil)
	s.expectOwnOnly(ctx, a, b, "tenant picker search", "GET", aorg+"/datasets/tenant_metrics/values?field=metric&q="+url.QueryEscape(searchTerm(b)), nil)
	for _, p := range []string{"/views", "/reports", "/uploads", "/schedules", "/audit", "/usage", "/members", "/datasets"} {
		s.expectOwnOnly(ctx, a, b, "own list "+p, "GET", aorg+p+"?limit=500", nil)
	}
	s.expectOwnOnly(ctx, a, b, "me", "GET", "/v1/me", nil)
	s.probeDashboards(ctx, a, b)
	_ = borg
}

// searchTerm is the start of one of b's metric names (never its marker,
// which a must not learn): a's picker, searched with it, lists only a's.
func searchTerm(b *owned) string {
	for _, m := range b.metrics {
		if !strings.Contains(m, b.marker) && len(m) >= 4 {
			return m[:4]
		}
	}
	return "a"
}

// probeTampering: a's own cursors and ids, altered, are refused cleanly.
func (s *suite) probeTampering(ctx context.Context, a *owned) {
	aorg := "/v1/orgs/" + a.t.Org
	none := &owned{marker: "\x00never\x00"}
	if a.queryCursor != "" {
		s.expectRefused(ctx, a, none, "tampered query cursor", "GET", aorg+"/query?cursor="+url.QueryEscape(tamper(a.queryCursor)), nil, http.StatusBadRequest, http.StatusGone)
	}
	if a.listCursor != "" {
		s.expectRefused(ctx, a, none, "tampered list cursor", "GET", aorg+"/views?limit=1&cursor="+url.QueryEscape(tamper(a.listCursor)), nil, http.StatusBadRequest)
		// The same cursor on another list of the same org.
		s.expectRefused(ctx, a, none, "cursor of another list", "GET", aorg+"/reports?limit=1&cursor="+url.QueryEscape(a.listCursor), nil, http.StatusBadRequest)
	}
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"org":"` + a.orgID + `","offset":0}`))
	s.expectRefused(ctx, a, none, "forged cursor", "GET", aorg+"/views?cursor="+forged, nil, http.StatusBadRequest)
	for _, id := range []string{"00000000-0000-0000-0000-000000000000", "../" + a.viewID, a.viewID + "'--", "%00"} {
		s.expectRefused(ctx, a, none, "odd id", "GET", aorg+"/views/"+url.PathEscape(id), nil)
	}
	// Paths and query strings that decode to NUL or invalid UTF-8 are
	// refused before any route, with 400 problem+json: neither a 5xx nor
	// a lost audit entry.
	for _, p := range []string{"/v1/orgs/%00/views", aorg + "/views/%00", aorg + "/views/%FF%FE", aorg + "/views?x=%00",
		aorg + "/views?q=%C3%28", aorg + "/audit?%00=x", aorg + "/datasets?x=" + strings.Repeat("%FF", 8)} {
		s.expectMalformed(ctx, a, p)
	}
	if a.downloadURL != "" {
		s.res.Probes++
		if r, err := s.call(ctx, "", "GET", tamper(a.downloadURL), nil); err == nil && r.status < 400 {
			s.leak("a tampered download URL of %s still serves (%d)", a.t.Org, r.status)
		}
	}
	// No token, a garbage token: 401 on a's routes.
	// A tampered token only against real Firebase Auth: the emulator's
	// tokens are unsigned by design, so an altered one that still parses
	// is accepted there.
	toks := []string{"", "garbage"}
	if s.cfg.AuthEmulator == "" {
		toks = append(toks, tamper(a.token))
	}
	for _, tok := range toks {
		s.res.Probes++
		r, err := s.call(ctx, tok, "GET", aorg+"/views", nil)
		if err != nil || r.status != http.StatusUnauthorized {
			s.leak("token %q on %s: %d", clipTok(tok), aorg+"/views", r.status)
		}
	}
}

func clipTok(t string) string {
	if len(t) > 8 {
		return t[:8] + "…"
	}
	return t
}

func (s *suite) checkIntact(ctx context.Context, b *owned) {
	s.res.Probes++
	r, err := s.call(ctx, b.token, "GET", "/v1/orgs/"+b.t.Org+"/views/"+b.viewID, nil)
	if err != nil || r.status != http.StatusOK {
		s.leak("%s's view %s is gone after the probes (%d)", b.t.Org, b.viewID, r.status)
		return
	}
	s.checkDashboardIntact(ctx, b)
	var v struct{ Name string }
	_ = json.Unmarshal(r.body, &v)
	if v.Name != b.viewName {
		s.leak("%s's view was renamed to %q by someone else", b.t.Org, v.Name)
	}
	if b.scheduleID != "" {
		s.res.Probes++
		if r, err := s.call(ctx, b.token, "GET", "/v1/orgs/"+b.t.Org+"/schedules/"+b.scheduleID, nil); err != nil || r.status != http.StatusOK {
			s.leak("%s's schedule is gone after the probes (%d)", b.t.Org, r.status)
		}
	}
}
