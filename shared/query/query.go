// Package query answers dashboard questions: it validates a spec against the
// catalog and the org's entitlements, fills in defaults from the data's
// watermark, compiles it for the engine with the request's tenant scope,
// caches the result per org, and pages through a cached result.
//
// It also describes the catalog to clients (describe.go): the datasets the
// org may query with their watermarks, and a dimension's values. The
// catalog itself, the marts' definition, is package semantic's.
package query

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/billing"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/sources"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// Cache stores results by key. Errors mean the cache is unavailable; the
// service then answers uncached.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

// Watermarks says up to when a dataset's data is complete, for the tenant in
// ctx ("" when the dataset holds nothing yet).
type Watermarks interface {
	Watermark(ctx context.Context, ds *semantic.Dataset) (string, error)
}

// LoadStamps, when the Watermarks also implement it, adds to the watermark
// a stamp of the loads a dataset's answers rest on: cached answers are keyed
// by it, so a file loaded again with the same watermark gives new keys.
type LoadStamps interface {
	Mark(ctx context.Context, ds *semantic.Dataset) (watermark, stamp string, err error)
}

// Provenance and SourceStatus are the sources package's, named here for
// the query API.
type (
	Provenance   = sources.Provenance
	SourceStatus = sources.LoadStatus
)

// Provenances, when the Watermarks also implement it, gives with the
// watermark and load stamp the data's provenance, in one read.
type Provenances interface {
	MarkProvenance(ctx context.Context, ds *semantic.Dataset) (watermark, stamp string, p Provenance, err error)
}

// mark is the dataset's watermark and, when the Watermarks tell them, the
// stamp of its loads and its provenance.
func (s *Service) mark(ctx context.Context, ds *semantic.Dataset) (watermark, stamp string, p Provenance, err error) {
	if m, ok := s.Watermarks.(Provenances); ok {
		return m.MarkProvenance(ctx, ds)
	}
	if m, ok := s.Watermarks.(LoadStamps); ok {
		watermark, stamp, err = m.Mark(ctx, ds)
		return watermark, stamp, Provenance{}, err
	}
	watermark, err = s.Watermarks.Watermark(ctx, ds)
	return watermark, "", Provenance{}, err
}

// Entitlements lists the public datasets the tenant in ctx may query.
type Entitlements interface {
	FindEntitlements(ctx context.Context) ([]string, error)
}

// Usage records what queries cost, per org and day: each answer given, and
// the bytes processed that no byte reservation settled. The callers that
// share one run (singleflight) count one answer each; only the one whose
// run it was counts its bytes.
type Usage interface {
	RecordQuery(ctx context.Context, bytes int64, cached bool)
}

// Service answers queries for the tenant in ctx.
type Service struct {
	Catalog      *semantic.Catalog
	Engine       warehouse.Engine
	Cache        Cache // nil: no cache
	Watermarks   Watermarks
	Entitlements Entitlements
	Usage        Usage // nil: not recorded
	// Budgets, when set, refuses a query whose dry-run estimate exceeds
	// what is left of the org's daily byte budget, before it runs, and
	// holds the estimate while it runs.
	Budgets billing.ByteBudgets
	TTL     time.Duration
	Log     *slog.Logger

	flight singleflight.Group
	plans  planMemo
	writes cacheWrites
}

// Meta describes an answer.
type Meta struct {
	Dataset          string `json:"dataset"`
	Watermark        string `json:"watermark"`
	Cache            string `json:"cache"` // hit, miss or off
	BytesProcessed   int64  `json:"bytes_processed"`
	QueryHash        string `json:"query_hash"`
	Engine           string `json:"engine"`
	IndicatorVersion string `json:"indicator_version"`
	Rows             int    `json:"rows"`
	From             string `json:"from,omitempty"`
	To               string `json:"to,omitempty"`
	// Truncated says the spec's row limit cut the answer: more rows
	// matched than Rows.
	Truncated bool `json:"truncated"`
	// Synthetic says the numbers are demo data, not the source's.
	Synthetic bool `json:"synthetic"`
	// SourceStatus is the public source's last load (absent for tenant data).
	SourceStatus *SourceStatus `json:"source_status,omitempty"`
}

// Result is a whole answer, as cached.
type Result struct {
	Columns []warehouse.Column `json:"columns"`
	Rows    [][]any            `json:"rows"`
	Meta    Meta               `json:"meta"`
	// Compiled is the SQL that answers the spec (kept out of the cache and of
	// API responses; reports record it in their manifest).
	Compiled *warehouse.Compiled `json:"-"`
}

// cacheVersion changes when the cached encoding does.
const cacheVersion = "v3"

// CacheKeyPrefix is the org's cache namespace: every key begins with it, so no key
// of one org can name another's entry (benchmarks clear it).
func CacheKeyPrefix(orgID string) string { return "mirante:" + cacheVersion + ":q:" + orgID + ":" }

// Run answers a spec with its rows as values.
func (s *Service) Run(ctx context.Context, spec *semantic.Spec) (*Result, string, error) {
	a, key, err := s.Answer(ctx, spec)
	if err != nil {
		return nil, "", err
	}
	res, err := a.Result()
	if err != nil {
		return nil, "", err
	}
	return res, key, nil
}

// Answer answers a spec with its rows encoded as the API sends them, and
// returns the cache key later pages are read from.
func (s *Service) Answer(ctx context.Context, spec *semantic.Spec) (*Answer, string, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, "", err
	}
	t, _ := tenant.FromContext(ctx)
	ds, ok := s.Catalog.Dataset(spec.Dataset)
	if !ok {
		return nil, "", apperr.Invalidf("dataset", "unknown dataset %q", clip(spec.Dataset))
	}
	access, entitled, err := s.access(ctx)
	if err != nil {
		return nil, "", err
	}
	if ds.Scope == semantic.Public && !access.Entitled[ds.ID] {
		return nil, "", &apperr.Error{Code: apperr.Forbidden, Message: "dataset " + ds.ID + " is not among this organisation's entitlements",
			Fields: []apperr.FieldError{{Field: "dataset", Reason: "not entitled"}}}
	}
	wm, stamp, prov, err := s.mark(ctx, ds)
	if err != nil {
		return nil, "", err
	}
	p, err := s.plan(ctx, spec, ds, wm, stamp, access, entitled, scopeOf(t))
	if err != nil {
		return nil, "", err
	}
	compiled, key := p.compiled, p.key
	meta := p.meta
	meta.Synthetic, meta.SourceStatus = prov.Synthetic, prov.Source
	var unsettled int64
	a, err := s.cached(ctx, key, meta, p.limit, func(ctx context.Context) (*warehouse.Result, error) {
		r, settled, err := s.runBudgeted(ctx, compiled, warehouse.RunParams{OrgID: t.Org.ID, Endpoint: "query", Dataset: ds.ID})
		if err == nil && !settled {
			unsettled = r.BytesProcessed
		}
		return r, err
	})
	if err != nil {
		return nil, "", err
	}
	if s.Usage != nil {
		s.Usage.RecordQuery(ctx, unsettled, a.Meta.Cache == "hit")
	}
	// A cached answer keeps the provenance it was cached with; the first
	// page tells the current one (a load that failed since).
	a.Meta.Synthetic, a.Meta.SourceStatus = prov.Synthetic, prov.Source
	a.Compiled = &compiled
	a.Datasets = s.datasetsOf(compiled)
	return a, key, nil
}

// datasetsOf names the catalog datasets whose tables the query reads.
func (s *Service) datasetsOf(c warehouse.Compiled) []string {
	out := []string{c.Dataset}
	for _, ds := range s.Catalog.Datasets() {
		if slices.Contains(c.Tables, ds.Tables[c.Dialect]) && !slices.Contains(out, ds.ID) {
			out = append(out, ds.ID)
		}
	}
	return out
}

// runBudgeted runs a query the org pays for in bytes (a query, a value
// picker) within its byte budget: checkBudget before it runs, or while it
// runs on an engine that bills nothing. On an engine that bills, the
// query's estimate is reserved before it runs and settled to the bytes it
// billed after, so queries running at once never hold more than is left;
// settled says the bytes are counted (the caller must not count them
// again).
func (s *Service) runBudgeted(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (_ *warehouse.Result, settled bool, _ error) {
	if s.Budgets == nil {
		r, err := s.Engine.Run(ctx, q, p)
		return r, false, err
	}
	if _, ok := s.Engine.(warehouse.Unbilled); ok {
		r, err := s.runUnbilled(ctx, q, p)
		return r, false, err
	}
	est, err := s.checkBudget(ctx, q, &p)
	if err != nil {
		return nil, false, err
	}
	res, before, ok, err := s.Budgets.ReserveBytes(ctx, est)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, overBudget(before, est)
	}
	p.MaxBytes = min(p.MaxBytes, before.Left())
	r, err := s.Engine.Run(ctx, q, p)
	billed := int64(0) // a query that fails bills nothing
	if err == nil {
		billed = r.BytesProcessed
	}
	s.Budgets.SettleBytes(ctx, res, billed)
	return r, true, err
}

// budgetDetails are the fields of a budget refusal.
func budgetDetails(b billing.ByteBudget, est int64) map[string]any {
	return map[string]any{"bytes_left": b.Left(), "bytes_estimated": est, "bytes_per_day": b.Daily,
		"resets_at": b.ResetsAt.UTC().Format(time.RFC3339), "retry_after_s": int(time.Until(b.ResetsAt).Seconds()) + 1}
}

// overBudget refuses a query of est bytes with b left.
func overBudget(b billing.ByteBudget, est int64) error {
	if b.Left() <= 0 {
		return &apperr.Error{Code: apperr.RateLimited, Details: budgetDetails(b, est), Message: fmt.Sprintf(
			"this organisation's BigQuery budget of %s for today is spent; it resets at %s", humanBytes(b.Daily), b.ResetsAt.UTC().Format(time.RFC3339))}
	}
	return &apperr.Error{Code: apperr.RateLimited, Details: budgetDetails(b, est), Message: fmt.Sprintf(
		"this query would process about %s, and %s of today's BigQuery budget of %s is left; it resets at %s",
		humanBytes(est), humanBytes(b.Left()), humanBytes(b.Daily), b.ResetsAt.UTC().Format(time.RFC3339))}
}

// checkBudget refuses a query that would process more bytes than are left
// of the org's budget for the day, or than one query may on its plan, and
// caps what the engine may bill to what is left. It returns the estimate.
func (s *Service) checkBudget(ctx context.Context, q warehouse.Compiled, p *warehouse.RunParams) (int64, error) {
	b, err := s.Budgets.ByteBudget(ctx)
	if err != nil {
		return 0, err
	}
	if b.Left() <= 0 {
		return 0, overBudget(b, 0)
	}
	est, err := s.Engine.Estimate(ctx, q, *p)
	if err != nil {
		return 0, err
	}
	if b.MaxPerQuery > 0 && est > b.MaxPerQuery {
		return 0, &apperr.Error{Code: apperr.Invalid, Details: budgetDetails(b, est),
			Message: fmt.Sprintf("this query would process about %s, more than the %s one query may on this plan; narrow its time range or filters", humanBytes(est), humanBytes(b.MaxPerQuery)),
			Fields:  []apperr.FieldError{{Field: "time", Reason: "the query would process too many bytes"}}}
	}
	if est > b.Left() {
		return 0, overBudget(b, est)
	}
	p.MaxBytes = b.Left()
	if b.MaxPerQuery > 0 {
		p.MaxBytes = min(b.Left(), b.MaxPerQuery)
	}
	return est, nil
}

// runUnbilled runs a query on an engine that bills nothing while the
// budget is read: the query spends none of it, and a spent budget still
// refuses the answer. The budget is read beside the query, not before it,
// so the database's round trip does not delay the query's.
func (s *Service) runUnbilled(ctx context.Context, q warehouse.Compiled, p warehouse.RunParams) (*warehouse.Result, error) {
	budget := make(chan error, 1)
	go func(p warehouse.RunParams) {
		_, err := s.checkBudget(ctx, q, &p)
		budget <- err
	}(p)
	r, err := s.Engine.Run(ctx, q, p)
	if berr := <-budget; berr != nil {
		return nil, berr
	}
	return r, err
}

// humanBytes writes a byte count in binary units ("1.5 GiB").
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Page returns rows [offset, offset+n) of a cached result of the tenant in
// ctx, if the org is still entitled to every public dataset the result
// read (datasets, as the first page's Answer named them, and the result's
// own). A result that left the cache is Gone: the client runs the query
// again.
func (s *Service) Page(ctx context.Context, key string, offset, n int, datasets []string) (*Answer, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	t, _ := tenant.FromContext(ctx)
	if !strings.HasPrefix(key, CacheKeyPrefix(t.Org.ID)) {
		return nil, apperr.Invalidf("cursor", "invalid or expired cursor")
	}
	gone := apperr.Errorf(apperr.Gone, "the result is no longer available; run the query again")
	if s.Cache == nil {
		return nil, gone
	}
	b, ok, err := s.cacheGet(ctx, key)
	if err != nil || !ok {
		return nil, gone
	}
	a, err := decodeAnswer(b)
	if err != nil {
		return nil, gone
	}
	access, _, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	a.Datasets = append(slices.Clone(datasets), a.Meta.Dataset)
	for _, id := range a.Datasets {
		if s.Catalog.IsPublic(id) && !access.Entitled[id] {
			return nil, &apperr.Error{Code: apperr.Forbidden, Message: "dataset " + id + " is not among this organisation's entitlements",
				Fields: []apperr.FieldError{{Field: "cursor", Reason: "not entitled"}}}
		}
	}
	a.Meta.Cache = "hit"
	a.Meta.BytesProcessed = 0
	a.Window(offset, n)
	return a, nil
}

// cached answers from the cache, or runs fn once for all concurrent callers
// of the same key and stores the answer. The answer is returned without
// waiting for the cache to store it (cacheSet). With the cache unavailable
// it runs fn, says so in a warning and marks the answer off. A limit above
// 0 keeps that many rows of what fn returns (which asks for one more) and
// marks the answer truncated when there were more.
func (s *Service) cached(ctx context.Context, key string, meta Meta, limit int, fn func(context.Context) (*warehouse.Result, error)) (*Answer, error) {
	off := s.Cache == nil
	if s.Cache != nil {
		b, ok, err := s.cacheGet(ctx, key)
		switch {
		case err != nil:
			s.Log.WarnContext(ctx, "query cache unavailable; answering uncached", "error", err.Error())
			off = true
		case ok:
			if a, err := decodeAnswer(b); err == nil {
				a.Meta.Cache = "hit"
				a.Meta.BytesProcessed = 0
				return a, nil
			}
		}
	}
	v, err, _ := s.flight.Do(key, func() (any, error) {
		// The first caller's context may end before the others'; the shared
		// run gets its own, bounded by the engine's timeout.
		r, err := fn(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		res := &Result{Columns: r.Columns, Rows: r.Rows, Meta: meta}
		if limit > 0 && len(res.Rows) > limit {
			res.Rows = res.Rows[:limit]
			res.Meta.Truncated = true
		}
		res.Meta.BytesProcessed = r.BytesProcessed
		res.Meta.Rows = len(res.Rows)
		res.Meta.Cache = "miss"
		a, err := answerOf(res)
		if err != nil || s.Cache == nil {
			return a, err
		}
		b, err := a.encode()
		if err != nil {
			return nil, err
		}
		s.cacheSet(ctx, key, b)
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	shared := *v.(*Answer)
	if off {
		// Later pages come from the cache: an answer this caller could not
		// read the cache for is sent whole.
		shared.Meta.Cache = "off"
	}
	return &shared, nil
}

// withDefaults fills an open time range from the watermark: a monthly
// dataset's last 12 months, an annual dataset's last 10 years. Real values
// end at the IPCA's watermark, since beyond it nothing can be deflated.
func (s *Service) withDefaults(ctx context.Context, spec *semantic.Spec, ds *semantic.Dataset, wm string) (*semantic.Spec, error) {
	out := *spec
	tr := semantic.TimeRange{}
	if spec.Time != nil {
		tr = *spec.Time
	}
	end := wm
	if spec.Real != nil {
		ipca, ok := s.Catalog.Dataset("ipca_monthly")
		if !ok {
			return nil, apperr.Invalidf("real", "the IPCA is not in the catalog")
		}
		iwm, err := s.Watermarks.Watermark(ctx, ipca)
		if err != nil {
			return nil, err
		}
		if iwm == "" {
			return nil, apperr.Invalidf("real", "no IPCA data has been loaded yet")
		}
		if spec.Real.Base > iwm {
			return nil, apperr.Invalidf("real.base", "the IPCA is known up to %s", iwm)
		}
		if ds.Time == "year" {
			iwm = lastFullYear(iwm)
		}
		if end == "" || (iwm != "" && toComparable(ds, iwm) < toComparable(ds, end)) {
			end = toBound(ds, iwm)
		}
		if tr.To != "" && toComparable(ds, tr.To) > toComparable(ds, end) {
			return nil, apperr.Invalidf("time.to", "real values end at the IPCA's last complete period, %s", end)
		}
	}
	if end == "" || (tr.From != "" && tr.To != "") {
		out.Time = &tr
		return &out, nil
	}
	if tr.To == "" {
		tr.To = toBound(ds, end)
	}
	if tr.From == "" {
		if ds.Time == "year" {
			y, _ := strconv.Atoi(tr.To[:4])
			tr.From = strconv.Itoa(y - 9)
		} else {
			tr.From = shiftMonth(tr.To, -11)
		}
	}
	out.Time = &tr
	return &out, nil
}

// toBound converts a watermark to the dataset's time type.
func toBound(ds *semantic.Dataset, wm string) string {
	if ds.Time == "year" {
		return wm[:4]
	}
	if len(wm) == 4 {
		return wm + "-12"
	}
	return wm
}

func toComparable(ds *semantic.Dataset, v string) string { return toBound(ds, v) }

// lastFullYear is the last year whose twelve months are all known by month wm.
func lastFullYear(wm string) string {
	y, _ := strconv.Atoi(wm[:4])
	if len(wm) == 7 && wm[5:] != "12" {
		y--
	}
	return strconv.Itoa(y)
}

func shiftMonth(v string, months int) string {
	if len(v) == 4 {
		v += "-12"
	}
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[5:7])
	total := y*12 + (m - 1) + months
	return fmt.Sprintf("%04d-%02d", total/12, total%12+1)
}

// access is what the tenant in ctx may query, and its entitlements as one
// sorted list (part of a plan's key).
func (s *Service) access(ctx context.Context) (semantic.Access, string, error) {
	ds, err := s.Entitlements.FindEntitlements(ctx)
	if err != nil {
		return semantic.Access{}, "", err
	}
	a := semantic.Access{Entitled: map[string]bool{}}
	for _, d := range ds {
		a.Entitled[d] = true
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return a, strings.Join(slices.Compact(ds), ","), nil
}

// scopeOf is the compiler's view of the request's tenant.
func scopeOf(t tenant.Tenant) semantic.TenantScope {
	s := semantic.TenantScope{OrgID: t.Org.ID}
	if t.Org.Isolation == tenant.IsolationDataset {
		s.Dataset = t.Org.Dataset
	}
	return s
}

// hashOf identifies a result: the SQL, its parameters, the data's watermark
// and load stamp, the indicator and catalog versions, and the tenant scope.
// A data refresh or a catalog change gives new keys by construction.
func hashOf(c warehouse.Compiled, watermark, stamp, indicator, catalog string, scope semantic.TenantScope) string {
	h := sha256.New()
	params, _ := json.Marshal(c.Params)
	for _, part := range []string{c.Dialect, c.SQL, string(params), watermark, stamp, indicator, catalog, scope.OrgID, scope.Dataset} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// plan is what a spec compiles to for a tenant: the SQL, the cache key and
// the answer's meta.
type plan struct {
	compiled warehouse.Compiled
	key      string
	meta     Meta
	// limit is the spec's row limit; the compiled SQL asks for one row
	// more, which tells whether the limit cut the answer.
	limit int
}

// planKey names a plan by everything it depends on. The spec is compared
// by identity: a dashboard that sends the same body again gets the same
// parsed spec from the API's memory of bodies, so the plan is found
// without validating and compiling again. Specs are never modified once
// parsed.
type planKey struct {
	spec          *semantic.Spec
	org, dataset  string
	wm, ipca      string
	stamp         string
	entitled      string
	engine, catal string
}

// planMemo remembers recent plans.
type planMemo struct {
	mu    sync.Mutex
	plans map[planKey]*plan
}

const planMemoSize = 4096

// plan validates and compiles a spec for the tenant, or finds the plan it
// made last time for the same spec, data and entitlements.
func (s *Service) plan(ctx context.Context, spec *semantic.Spec, ds *semantic.Dataset, wm, stamp string, access semantic.Access, entitled string, scope semantic.TenantScope) (*plan, error) {
	k := planKey{spec: spec, org: scope.OrgID, dataset: scope.Dataset, wm: wm, stamp: stamp, entitled: entitled, engine: s.Engine.Name(), catal: s.Catalog.Version()}
	if spec.Real != nil {
		if ipca, ok := s.Catalog.Dataset("ipca_monthly"); ok {
			iwm, err := s.Watermarks.Watermark(ctx, ipca)
			if err != nil {
				return nil, err
			}
			k.ipca = iwm
		}
	}
	s.plans.mu.Lock()
	p, ok := s.plans.plans[k]
	s.plans.mu.Unlock()
	if ok {
		return p, nil
	}
	if err := semantic.CheckJoins(spec, access); err != nil {
		return nil, err // before withDefaults reads the IPCA's watermark
	}
	spec, err := s.withDefaults(ctx, spec, ds, wm)
	if err != nil {
		return nil, err
	}
	q, err := s.Catalog.Validate(spec, access)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	q.Limit++
	compiled, err := q.Compile(s.Engine.Name(), scope)
	if err != nil {
		return nil, err
	}
	p = &plan{compiled: compiled, limit: limit,
		meta: Meta{Dataset: ds.ID, Watermark: wm, Engine: s.Engine.Name(), IndicatorVersion: ds.Version, From: q.From, To: q.To}}
	p.key = CacheKeyPrefix(scope.OrgID) + hashOf(compiled, wm, stamp, ds.Version, s.Catalog.Version(), scope)
	p.meta.QueryHash = p.key[len(CacheKeyPrefix(scope.OrgID)):]
	s.plans.mu.Lock()
	if s.plans.plans == nil || len(s.plans.plans) >= planMemoSize {
		s.plans.plans = map[planKey]*plan{}
	}
	s.plans.plans[k] = p
	s.plans.mu.Unlock()
	return p, nil
}
