// Package worker renders ordered reports: for each request it restores the
// tenant from PostgreSQL (never from the message alone), claims the report,
// runs its queries through the same query engine as the API, renders the
// template, uploads the file under the org's prefix, reads it back, and only
// then marks the report succeeded.
package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/quarto-job/render"
	"github.com/mirante/mirante/quarto-job/templates"
	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// Worker renders reports.
type Worker struct {
	DB      *postgres.DB
	Reports *postgres.ReportService
	Sources *postgres.WatermarkService
	Query   *query.Service
	// Usage, when set, is flushed once a report's queries have run, so a
	// finished report's usage is in PostgreSQL (what it cannot write it
	// keeps for its next flush).
	Usage    *postgres.UsageLog
	Catalog  *semantic.Catalog
	Store    *gcs.Store
	Bucket   string
	Renderer *render.Renderer
	Log      *slog.Logger
	// MaxAttempts is the subscription's delivery limit: the last attempt
	// that fails marks the report failed, and Pub/Sub dead-letters it.
	MaxAttempts   int
	QueryTimeout  time.Duration
	RenderTimeout time.Duration
	WorkDir       string
}

// Handle renders one request and says whether to ack it.
func (w *Worker) Handle(ctx context.Context, req reports.Request, attempt int) bool {
	ctx, span := otel.Tracer("github.com/mirante/mirante/quarto-job").Start(ctx, "report.render", trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("mirante.org_id", req.OrgID), attribute.String("mirante.report_id", req.ReportID), attribute.Int("messaging.delivery_attempt", attempt)))
	defer span.End()
	log := w.Log.With("org_id", req.OrgID, "report_id", req.ReportID, "attempt", attempt)
	org, err := w.DB.FindOrgByID(ctx, req.OrgID)
	if err != nil {
		return giveUp(ctx, log, err, "report request for an unknown org; dropped", "restoring the tenant")
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	lease := w.QueryTimeout + w.RenderTimeout + time.Minute
	rep, claimed, err := w.Reports.ClaimReport(ctx, req.ReportID, req.IdempotencyKey, lease)
	if err != nil {
		return giveUp(ctx, log, err, "report request that matches no report of the org; dropped", "claiming")
	}
	if !claimed {
		// Done already (a redelivery) or being rendered by a live worker.
		return rep.Terminal()
	}
	start := time.Now()
	if err := w.render(ctx, org, rep); err != nil {
		telemetry.ReportRendered(ctx, rep.Format, "failed", time.Since(start))
		span.RecordError(err)
		span.SetStatus(codes.Error, "report failed")
		// A spent byte budget stays spent until midnight: no retry helps.
		final := attempt >= w.MaxAttempts || overBudget(err)
		reason := reasonOf(err)
		log.ErrorContext(ctx, "report failed", "error", err.Error(), "final", final)
		if ferr := w.Reports.FailReport(ctx, rep.ID, reason, final); ferr != nil {
			log.ErrorContext(ctx, "recording the failure", "error", ferr.Error())
		}
		// Nack either way: a retry, or past the limit the dead-letter topic.
		return false
	}
	telemetry.ReportRendered(ctx, rep.Format, "succeeded", time.Since(start))
	log.InfoContext(ctx, "report succeeded", "ms", time.Since(start).Milliseconds())
	return true
}

// giveUp logs a step that failed before the render and says whether to ack
// the request: one naming no org or report is dropped, since no retry can
// find it; any other failure is retried.
func giveUp(ctx context.Context, log *slog.Logger, err error, dropped, step string) bool {
	if apperr.Is(err, apperr.NotFound) {
		log.ErrorContext(ctx, dropped)
		return true
	}
	log.ErrorContext(ctx, step, "error", err.Error())
	return false
}

// reasonOf is what the report shows as its error: the coded message, never
// internals.
func reasonOf(err error) string {
	if e, ok := apperr.As(err); ok && e.Code != apperr.Internal {
		return e.Message
	}
	if strings.Contains(err.Error(), "context deadline exceeded") {
		return reports.ReasonTimeout
	}
	return reports.ReasonRender
}

// overBudget tells whether a query was refused by its org's byte budget:
// the day's is spent (rate limited), or one query would process more than
// the plan allows (invalid, with the estimate in its details).
func overBudget(err error) bool {
	e, ok := apperr.As(err)
	if !ok {
		return false
	}
	_, est := e.Details["bytes_estimated"]
	return e.Code == apperr.RateLimited || (e.Code == apperr.Invalid && est)
}

// plan is one query of the standard template.
type plan struct {
	id   string
	spec *semantic.Spec
}

// input is a claimed report's row, read: its query, dataset, params,
// locale and template.
type input struct {
	spec    semantic.Spec
	ds      *semantic.Dataset
	params  map[string]any
	locale  string
	tmpl    render.Template
	version string
}

// render runs the report's queries, renders its file, stores it and marks
// the report succeeded with the file's manifest.
func (w *Worker) render(ctx context.Context, org tenant.Org, rep *reports.Report) error {
	in, err := readReport(rep, w.Catalog)
	if err != nil {
		return err
	}
	results, manifest, err := w.runQueries(ctx, rep, in)
	if err != nil {
		return err
	}
	manifestJSON, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	doc := w.document(ctx, in.tmpl, in.ds, &in.spec, in.params, in.locale, results, manifest)
	doc.Manifest = manifestJSON
	object, stored, err := w.renderAndStore(ctx, org, rep, &doc)
	if err != nil {
		return err
	}
	return w.Reports.CompleteReport(ctx, rep.ID, object, manifestJSON, stored.SHA256, stored.Size)
}

// readReport reads what the report's row names. What it cannot read is
// Invalid: the row will not change, so no retry helps.
func readReport(rep *reports.Report, catalog *semantic.Catalog) (*input, error) {
	var spec semantic.Spec
	if err := json.Unmarshal(rep.Spec, &spec); err != nil {
		return nil, apperr.Errorf(apperr.Invalid, "the report's query is unreadable")
	}
	ds, ok := catalog.Dataset(spec.Dataset)
	if !ok {
		return nil, apperr.Errorf(apperr.Invalid, "the report's dataset no longer exists")
	}
	params := map[string]any{}
	_ = json.Unmarshal(rep.Params, &params)
	locale := "pt-BR"
	if l, _ := params["locale"].(string); l == "en" {
		locale = "en"
	}
	tmpl, err := render.LoadTemplate(nil, rep.Template)
	if err != nil {
		return nil, apperr.Errorf(apperr.Invalid, "unknown template %s", rep.Template)
	}
	version, err := render.TemplateVersion(nil, rep.Template)
	if err != nil {
		return nil, err
	}
	return &input{spec: spec, ds: ds, params: params, locale: locale, tmpl: tmpl, version: version}, nil
}

// runQueries runs the standard template's queries with the request's
// tenant (the same engine, scope and checks as the API) and returns their
// results and the manifest that records them. A plan the view's data does
// not support is left out; the chart says so.
func (w *Worker) runQueries(ctx context.Context, rep *reports.Report, in *input) (map[string]*query.Result, reports.Manifest, error) {
	qctx, cancel := context.WithTimeout(ctx, w.QueryTimeout)
	defer cancel()
	queryStart := time.Now()
	results := map[string]*query.Result{}
	manifest := reports.Manifest{
		ReportID: rep.ID, Template: reports.ManifestTemplate{Name: rep.Template, Version: in.version}, Format: rep.Format, Locale: in.locale,
		Params: rep.Params, ParamsHash: reports.HashJSON(rep.Params), Watermarks: map[string]string{}, Engine: w.Query.Engine.Name(),
		Renderer: w.rendererName(),
	}
	for _, p := range standardPlans(in.ds, &in.spec) {
		res, _, err := w.Query.Run(qctx, p.spec)
		if err != nil {
			if apperr.Is(err, apperr.Invalid) && !overBudget(err) {
				continue
			}
			return nil, manifest, err
		}
		results[p.id] = res
		specJSON, _ := json.Marshal(p.spec)
		paramsJSON, _ := json.Marshal(res.Compiled.Params)
		manifest.Queries = append(manifest.Queries, reports.ManifestQuery{
			ID: p.id, Dataset: in.ds.ID, Spec: specJSON, SQL: res.Compiled.SQL, SQLHash: reports.Hash([]byte(res.Compiled.SQL)),
			Params: paramsJSON, Watermark: res.Meta.Watermark, Rows: len(res.Rows),
		})
		manifest.Watermarks[in.ds.ID] = res.Meta.Watermark
	}
	if w.Usage != nil {
		if err := w.Usage.Flush(ctx); err != nil {
			w.Log.WarnContext(ctx, "report usage not stored yet", "error", err.Error())
		}
	}
	manifest.Timings = map[string]float64{"queries": float64(time.Since(queryStart).Milliseconds())}
	manifest.GeneratedAt = time.Now().UTC().Truncate(time.Second)
	return results, manifest, nil
}

// renderAndStore renders doc in a scratch folder, within the render
// timeout, and uploads the file under the org's prefix.
func (w *Worker) renderAndStore(ctx context.Context, org tenant.Org, rep *reports.Report, doc *render.Document) (string, gcs.Object, error) {
	rctx, rcancel := context.WithTimeout(ctx, w.RenderTimeout)
	defer rcancel()
	dir, err := os.MkdirTemp(w.WorkDir, "report-")
	if err != nil {
		return "", gcs.Object{}, err
	}
	defer os.RemoveAll(dir)
	format, err := render.ParseFormat(rep.Format)
	if err != nil {
		return "", gcs.Object{}, apperr.Errorf(apperr.Invalid, "%v", err)
	}
	path, err := w.Renderer.Render(rctx, doc, format, dir)
	if err != nil {
		return "", gcs.Object{}, fmt.Errorf("rendering: %w", err)
	}
	object, err := gcs.ReportObject(org.ID, rep.ID, rep.Format)
	if err != nil {
		return "", gcs.Object{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", gcs.Object{}, err
	}
	defer f.Close()
	stored, err := w.Store.Put(ctx, w.Bucket, object, f, reports.Formats[rep.Format])
	if err != nil {
		return "", gcs.Object{}, fmt.Errorf("uploading: %w", err)
	}
	return object, stored, nil
}

func (w *Worker) rendererName() string {
	if e, err := w.Renderer.Engine(); err == nil {
		return e
	}
	return "unknown"
}

// standardPlans derives the standard template's queries from the view's spec:
// the trend of the first measure over time, a comparison across the first
// other dimension, its composition over time, a summary of every measure,
// and the view's own rows in detail.
func standardPlans(ds *semantic.Dataset, spec *semantic.Spec) []plan {
	base := func() *semantic.Spec {
		s := *spec
		// A top N ranks within the view's own dimensions; a plan keeps it
		// only where it groups by the same ones (composition, below).
		s.Dimensions, s.Order, s.Limit, s.Top = nil, nil, 0, nil
		if spec.Time != nil {
			t := *spec.Time
			t.Grain = ""
			s.Time = &t
		}
		return &s
	}
	first := spec.Measures[0]
	if b, _, ok := strings.Cut(first, "."); ok {
		first = b
	}
	timeDim := ds.Time
	if spec.Time != nil && spec.Time.Grain != "" {
		timeDim = spec.Time.Grain
	}
	for _, d := range spec.Dimensions {
		if dim, ok := ds.Dimension(d); ok && isTime(dim.Type) {
			timeDim = d
		}
	}
	other := ""
	for _, d := range spec.Dimensions {
		if dim, ok := ds.Dimension(d); ok && !isTime(dim.Type) {
			other = d
			break
		}
	}
	if other == "" {
		for _, d := range ds.Dimensions {
			if !isTime(d.Type) && d.Type != semantic.TypeRegion {
				other = d.ID
				break
			}
		}
	}
	trend := base()
	trend.Measures, trend.Dimensions = []string{first}, []string{timeDim}
	var out = []plan{{"trend", trend}}
	if other != "" {
		cmp := base()
		cmp.Measures, cmp.Dimensions = []string{first}, []string{other}
		cmp.Order, cmp.Limit = []semantic.Order{{Field: first, Dir: "desc"}}, 10
		comp := base()
		comp.Measures, comp.Dimensions = []string{first}, []string{timeDim, other}
		if spec.Top != nil && spec.Top.Field == other {
			comp.Top = spec.Top
		}
		out = append(out, plan{"comparison", cmp}, plan{"composition", comp})
	}
	summary := base()
	var measures []string
	for _, m := range spec.Measures {
		if b, _, _ := strings.Cut(m, "."); !contains(measures, b) {
			measures = append(measures, b)
		}
	}
	summary.Measures = measures
	detail := *spec
	if detail.Limit == 0 || detail.Limit > 50 {
		detail.Limit = 50
	}
	return append(out, plan{"summary", summary}, plan{"detail", &detail})
}

func isTime(t semantic.DimType) bool {
	return t == semantic.TypeMonth || t == semantic.TypeQuarter || t == semantic.TypeYear
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// document lays the results out for the standard template.
func (w *Worker) document(ctx context.Context, tmpl render.Template, ds *semantic.Dataset, spec *semantic.Spec, params map[string]any,
	locale string, results map[string]*query.Result, m reports.Manifest) render.Document {
	titles := columnTitles(ds, locale)
	results = labelResults(results, ds, locale)
	title, _ := params["title"].(string)
	if title == "" {
		title = ds.Title[locale]
	}
	doc := render.Document{Template: tmpl, Params: params, Locale: locale, Title: title, Subtitle: ds.Description[locale]}
	doc.Filters = filtersOf(ds, spec, titles, locale, w.valueNamer(ctx, ds))
	measure := titles[spec.Measures[0]]
	if b, _, ok := strings.Cut(spec.Measures[0], "."); ok {
		measure = titles[b]
	}
	en := locale == "en"
	for _, c := range []struct {
		id  string
		typ render.ChartType
	}{{"trend", render.Line}, {"comparison", render.Bar}, {"composition", render.StackedBar}} {
		doc.Charts = append(doc.Charts, chartOf(c.id, caption(c.id, measure, en), c.typ, results[c.id], titles))
	}
	for _, id := range templates.StandardTables {
		var wr *warehouse.Result
		if res := results[id]; res != nil {
			wr = &warehouse.Result{Columns: res.Columns, Rows: res.Rows}
		}
		doc.Tables = append(doc.Tables, render.TableFromResult(id, caption(id, measure, en), wr, titles))
	}
	doc.Watermarks, doc.Sources = w.freshness(ctx, ds, locale, results, m.Watermarks)
	return doc
}

// caption is the title of the standard template's chart or table id, about
// the view's first measure.
func caption(id, measure string, en bool) string {
	switch id {
	case "trend":
		return pick(en, measure+" ao longo do tempo", measure+" over time")
	case "comparison":
		return pick(en, measure+": os 10 maiores", measure+": the top 10")
	case "composition":
		return pick(en, measure+": composição ao longo do tempo", measure+": composition over time")
	case "summary":
		return pick(en, "Totais do período", "Totals for the period")
	}
	return pick(en, "Dados da visão", "The view's data")
}

// chartOf lays a plan's result out as a chart: its category (the label
// when there is one) against its value, or one series per category when
// stacked.
func chartOf(id, caption string, typ render.ChartType, res *query.Result, titles map[string]string) render.Chart {
	c := render.Chart{ID: id, Caption: caption, Type: typ}
	if res == nil || len(res.Columns) == 0 || len(res.Rows) == 0 {
		// The template shows "no data" for an empty chart.
		c.Columns = []render.Column{{Name: "x"}, {Name: "value"}}
		c.X, c.Series = "x", []string{"value"}
		return c
	}
	cols := render.ColumnsFromResult(res.Columns, titles)
	if typ == render.StackedBar {
		c.Columns, c.Rows, c.X, c.Series = pivot(res, cols)
		return c
	}
	c.Columns, c.Rows = cols, res.Rows
	c.X = res.Columns[0].Name
	if len(res.Columns) > 2 && res.Columns[1].Kind == "label" {
		c.X = res.Columns[1].Name
	}
	c.Series = []string{res.Columns[len(res.Columns)-1].Name}
	return c
}

// freshness is how current each dataset the report read is, and where its
// data comes from, in dataset order: the same inputs make the same file.
func (w *Worker) freshness(ctx context.Context, ds *semantic.Dataset, locale string, results map[string]*query.Result,
	watermarks map[string]string) ([]render.Watermark, []render.SourceNote) {
	ids := make([]string, 0, len(watermarks))
	for id := range watermarks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var wms []render.Watermark
	var notes []render.SourceNote
	for _, dsID := range ids {
		at, grain := parsePeriod(watermarks[dsID])
		wms = append(wms, render.Watermark{Dataset: dsID, Title: ds.Title[locale], At: at, Grain: grain})
		note := render.SourceNote{Dataset: dsID, Title: ds.Title[locale], Source: ds.Source, Watermark: at, WatermarkGrain: grain}
		if ds.Scope == semantic.Tenant {
			note.Owner = pick(locale == "en", "a própria organização", "your organisation")
			note.Synthetic = anySynthetic(results) // an org's demo upload (tenant_data)
		} else if src, err := w.Sources.FindSource(ctx, ds.Source); err == nil {
			note.Source, note.Owner, note.Synthetic = src.Title, src.Owner, src.Synthetic
		}
		notes = append(notes, note)
	}
	return wms, notes
}

// filtersOf is the view's filters and period as the report shows them.
func filtersOf(ds *semantic.Dataset, spec *semantic.Spec, titles map[string]string, locale string, name namer) []render.Filter {
	var out []render.Filter
	for _, f := range spec.Filters {
		var vals []any
		if err := json.Unmarshal(f.Value, &vals); err != nil {
			var v any
			_ = json.Unmarshal(f.Value, &v)
			vals = []any{v}
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			n := name
			if i >= maxNamedValues {
				n = nil
			}
			parts[i] = displayValue(ds, f.Field, v, locale, n)
		}
		label := titles[f.Field]
		if d, ok := ds.Dimension(f.Field); ok && d.Label != "" {
			label = titles[d.Label]
		}
		if label == "" {
			label = f.Field
		}
		out = append(out, render.Filter{Label: label, Value: opLabel(f.Op, locale) + strings.Join(parts, ", ")})
	}
	if spec.Time != nil && (spec.Time.From != "" || spec.Time.To != "") {
		label := map[string]string{"pt-BR": "Período", "en": "Period"}[locale]
		loc := reportLocale(locale)
		out = append(out, render.Filter{Label: label, Value: render.FormatPeriodKey(spec.Time.From, loc) + " – " + render.FormatPeriodKey(spec.Time.To, loc)})
	}
	return out
}

// anySynthetic says whether an answer of the report is synthetic demo
// data, as the query service told it (meta.synthetic).
func anySynthetic(results map[string]*query.Result) bool {
	for _, r := range results {
		if r != nil && r.Meta.Synthetic {
			return true
		}
	}
	return false
}

// pivot turns (time, category, [label], value) rows into one column per
// category: the five largest and the rest together.
func pivot(res *query.Result, cols []render.Column) ([]render.Column, [][]any, string, []string) {
	catIdx := 1
	if len(res.Columns) > 3 && res.Columns[2].Kind == "label" {
		catIdx = 2
	}
	val := len(res.Columns) - 1
	totals := map[string]float64{}
	for _, r := range res.Rows {
		totals[fmt.Sprint(r[catIdx])] += num(r[val])
	}
	cats := make([]string, 0, len(totals))
	for c := range totals {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool {
		return totals[cats[i]] > totals[cats[j]] || (totals[cats[i]] == totals[cats[j]] && cats[i] < cats[j])
	})
	top := cats
	rest := false
	if len(cats) > 5 {
		top, rest = cats[:5], true
	}
	series := append([]string(nil), top...)
	if rest {
		series = append(series, "Outros")
	}
	out := []render.Column{cols[0]}
	for _, s := range series {
		out = append(out, render.Column{Name: s, Title: s, Unit: cols[val].Unit, Format: cols[val].Format})
	}
	byTime := map[string][]any{}
	var order []string
	for _, r := range res.Rows {
		k := fmt.Sprint(r[0])
		row, ok := byTime[k]
		if !ok {
			row = make([]any, len(out))
			row[0] = r[0]
			for i := 1; i < len(row); i++ {
				row[i] = 0.0
			}
			byTime[k] = row
			order = append(order, k)
		}
		cat := fmt.Sprint(r[catIdx])
		i := indexOf(series, cat)
		if i < 0 {
			i = len(series) - 1
		}
		row[i+1] = row[i+1].(float64) + num(r[val])
	}
	sort.Strings(order)
	rows := make([][]any, len(order))
	for i, k := range order {
		rows[i] = byTime[k]
	}
	return out, rows, cols[0].Name, series
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return 0
}

// parsePeriod reads a watermark ("2025-09" or "2018") and its grain.
func parsePeriod(wm string) (time.Time, string) {
	if t, err := time.Parse("2006-01", wm); err == nil {
		return t, "month"
	}
	if t, err := time.Parse("2006", wm); err == nil {
		return t, "year"
	}
	return time.Time{}, ""
}

func pick(en bool, pt, eng string) string {
	if en {
		return eng
	}
	return pt
}

func opLabel(op, locale string) string {
	en := locale == "en"
	switch op {
	case "neq", "not_in":
		return pick(en, "exceto ", "except ")
	case "gte":
		return pick(en, "a partir de ", "from ")
	case "lte":
		return pick(en, "até ", "up to ")
	case "between":
		return pick(en, "entre ", "between ")
	case "prefix":
		return pick(en, "começa com ", "starts with ")
	}
	return ""
}
