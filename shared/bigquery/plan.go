package bigquery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/ingest"
)

// Remote is a warehouse that takes landing rows as files and runs a load's
// models as one script: BigQuery (Warehouse.Ingest), or a test's recorder.
// Each call is one job; the implementation pins its location, labels it
// and bounds it with a timeout.
type Remote interface {
	// Query runs a read-only query and returns its rows. Values are
	// string, int64, float64, bool, civil.Date, time.Time or nil. A table
	// that does not exist yet is an error wrapping ErrTableNotFound.
	Query(ctx context.Context, q RemoteQuery) ([][]any, error)
	// Exec runs a statement or a script and waits for it to finish.
	Exec(ctx context.Context, q RemoteQuery) error
	// Land opens a landing table's rows for one load job. The rows a load
	// appends are held (BigQuery: spooled to a temporary file) until the
	// file passed its contract; Send then appends them to the table.
	Land(t RemoteTable) (RemoteLanding, error)
}

// RemoteQuery is SQL in the warehouse's dialect with named parameters.
type RemoteQuery struct {
	Source string // the source loading, for job labels
	SQL    string
	Params []RemoteParam
}

// RemoteParam is a named parameter. Values: string, int64, float64, bool,
// civil.Date (DATE), time.Time (TIMESTAMP), []civil.Date, []int64.
type RemoteParam struct {
	Name  string
	Value any
}

// RemoteTable is a landing table a load's rows go to.
type RemoteTable struct {
	Source         string
	Dataset, Table string
	Schema         []ingest.ModelColumn // as the table's model declares it
	Columns        []string             // each row's values, in AppendRow's order
	Consts         []ingest.Const       // one value for every row of the file
}

// RemoteLanding holds one landing table's rows for a load job. Close ends
// the rows; Send, after Close, appends them to the table in one job;
// Discard drops them, sent or not.
type RemoteLanding interface {
	ingest.Appender
	Rows() int64
	Send(ctx context.Context) error
	Discard()
}

// RecentLanding bounds every BigQuery read of a landing table to the
// partitions a load can have written. On BigQuery, landing tables are
// partitioned by ingestion day, clustered by file_sha256 and expire after
// 35 days: core and marts are materialised, so landing rows are read only
// by the load that wrote them, and a read of the whole history (every load
// ever made) would be billed on each load. A load's rows are in today's
// partition, or yesterday's when its jobs straddle midnight (each job has
// BIGQUERY_INGEST_TIMEOUT). The leftovers of a try on an earlier day are
// never read again and expire with their partition. The models write the
// predicate out (qualified by their aliases); a test holds them to it.
const RecentLanding = "_PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)"

// LoadRemote is Load for a remote warehouse (BigQuery). Parsing and
// contract checks are Load's own; then, and only for a file that passed
// them and is not already current:
//
//  1. one script creates the tables the layout needs (BigQuery allows no
//     permanent DDL inside a transaction) and drops landing rows an
//     earlier try of the same file left;
//  2. each landing table's rows, spooled to a temporary file while the
//     file was read, go in a load job (WRITE_APPEND);
//  3. one script runs BEGIN TRANSACTION, the layout's models in the order
//     Load runs them, the ingest log row, COMMIT TRANSACTION.
//
// A contract error sends no load job and no script; so does a file whose
// sha256 or typed content is already current (checked by queries). The
// notes the DuckDB path lists inside its transaction are read once the
// script committed; one that cannot be read becomes a note itself.
func LoadRemote(ctx context.Context, wh Remote, sourceID, name string, r io.Reader, p ingest.LoadParams) (ingest.Report, error) {
	return ingest.Load(ctx, remoteEngine{wh}, sourceID, name, r, p)
}

// remoteEngine plans each load as a remoteRun.
type remoteEngine struct{ wh Remote }

func (e remoteEngine) Begin(ctx context.Context, st *ingest.LoadState) (ingest.Session, error) {
	return &remoteRun{wh: e.wh, st: st, ctx: ctx, live: true, params: map[string]any{}, named: map[string]bool{}}, nil
}

// Publish plans the models (the loaders' own queries answer nothing yet),
// the published check and the ingest log, then sends the jobs; once the
// script committed the models run again with the loaders' queries live,
// which now list what could not be placed (no model is added again).
func (r *remoteRun) Publish(ctx context.Context, models func() error) error {
	st := r.st
	if models != nil {
		r.live = false
		err := models()
		r.live = true
		if err != nil {
			return err
		}
	}
	if err := r.checkPublished(); err != nil {
		return err
	}
	if err := r.logFile(); err != nil {
		return err
	}
	if err := r.execute(); err != nil {
		return err
	}
	if models != nil {
		r.planned = true
		if err := models(); err != nil {
			r.note("the load committed, but its notes could not be read: %v", err)
		}
	}
	err := r.QueryRow(ctx, `SELECT rows_published FROM landing.ingest_files WHERE source = ? AND file_sha256 = ?
		ORDER BY seq DESC LIMIT 1`, st.Source.ID, st.SHA256).Scan(&st.Report.RowsPublished)
	if err != nil {
		r.note("the load committed, but its count of published rows could not be read: %v", err)
	}
	return nil
}

func (r *remoteRun) note(format string, args ...any) {
	r.st.Report.Notes = append(r.st.Report.Notes, fmt.Sprintf(format, args...))
}

// Close drops the spooled rows, sent or not.
func (r *remoteRun) Close() error {
	r.removeSpools()
	return nil
}

// WatermarkRemote is Watermark for a remote warehouse.
func WatermarkRemote(ctx context.Context, wh Remote, sourceID string) (string, error) {
	q, ok := watermarkBigQuery[sourceID]
	if !ok {
		return "", apperr.Invalidf("source", "unknown source %q", sourceID)
	}
	rows, err := wh.Query(ctx, RemoteQuery{Source: sourceID, SQL: q})
	if errors.Is(err, ingest.ErrTableNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("watermark of %s: %w", sourceID, err)
	}
	if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] == nil {
		return "", nil
	}
	w, ok := rows[0][0].(string)
	if !ok {
		return "", fmt.Errorf("watermark of %s: got %T, want a string", sourceID, rows[0][0])
	}
	return w, nil
}

// everyMonth is a predicate on a mart's partition column that every row
// meets (no month is earlier than BigQuery's least DATE): the marts that
// require a partition filter (require_partition_filter in
// infra/modules/bigquery) refuse a read without one, and a watermark
// reads every partition.
const everyMonth = "month >= DATE '0001-01-01'"

var watermarkBigQuery = map[string]string{
	"ibge_territorio": `SELECT MAX(watermark) FROM landing.ingest_files WHERE source = 'ibge_territorio'`,
	"ipca":            `SELECT FORMAT_DATE('%Y-%m', MAX(month)) FROM marts.ipca_monthly`,
	"comex":           `SELECT FORMAT_DATE('%Y-%m', MAX(month)) FROM marts.comex_monthly WHERE ` + everyMonth,
	"antaq":           `SELECT FORMAT_DATE('%Y-%m', MAX(month)) FROM marts.antaq_monthly WHERE ` + everyMonth,
	"caged":           `SELECT FORMAT_DATE('%Y-%m', MAX(month)) FROM core.fact_caged WHERE kind = 'mov'`,
	"pib_municipal":   `SELECT CAST(MAX(year) AS STRING) FROM marts.pib_municipal WHERE pib_brl IS NOT NULL`,
	"siconfi":         `SELECT CAST(MAX(year) AS STRING) FROM marts.siconfi_annual`,
}

// remoteRun is a remote load being planned and then executed.
type remoteRun struct {
	wh  Remote
	st  *ingest.LoadState
	ctx context.Context
	// live says the loaders' queries reach the warehouse; planned that
	// the models ran already (so runModels adds nothing).
	live, planned bool
	setup         []string // CREATE TABLE IF NOT EXISTS statements, once each, in order
	setupSeen     map[string]bool
	tx            []string // the transaction's statements, in order
	params        map[string]any
	named         map[string]bool // parameters the statements use
	spools        []*remoteSpool
	scope         map[string]bool // months beyond the file's that the models replace (CAGED)
}

var remoteParamRE = regexp.MustCompile(`@([a-z_][a-z0-9_]*)`)

// addModels adds BigQuery models: table DDL to the setup script, the rest
// to the transaction, binding their parameters.
func (r *remoteRun) addModels(params map[string]any, names ...string) error {
	if r.planned {
		return nil
	}
	for _, name := range names {
		text, err := ingest.Model("bigquery", name)
		if err != nil {
			return err
		}
		if err := r.bind(name, text, params); err != nil {
			return err
		}
		stmt := "-- model " + name + "\n" + strings.TrimSpace(text)
		switch kind := statementKind(text); kind {
		case "setup":
			if r.setupSeen == nil {
				r.setupSeen = map[string]bool{}
			}
			if !r.setupSeen[name] {
				r.setupSeen[name] = true
				r.setup = append(r.setup, stmt)
			}
		case "tx":
			r.tx = append(r.tx, stmt)
		default:
			return fmt.Errorf("model %s: %s cannot run inside a BigQuery transaction", name, kind)
		}
	}
	return nil
}

// RunModels adds the models to the plan (see addModels).
func (r *remoteRun) RunModels(_ context.Context, params map[string]any, names ...string) error {
	return r.addModels(params, names...)
}

// Run adds a statement of the load's own to the transaction.
func (r *remoteRun) Run(_ context.Context, name, stmt string) error {
	return r.addStatement(name, stmt)
}

// Check adds the check's statement to the transaction, where it raises
// the refusal itself.
func (r *remoteRun) Check(_ context.Context, c ingest.Check) error {
	if r.planned {
		return nil
	}
	text, err := ingest.Model("bigquery", c.Model)
	if err != nil {
		return err
	}
	if err := r.bind(c.Model, text, nil); err != nil {
		return err
	}
	return r.addStatement(c.Name, strings.TrimSpace(text))
}

// RequireLoaded adds the dependency check to the transaction, before any
// of the load's rows reach core: one SELECT whose CASE calls ERROR() with
// the first missing requirement's command.
func (r *remoteRun) RequireLoaded(_ context.Context, reqs []ingest.Requirement, _ *ingest.Requirement) error {
	var b strings.Builder
	b.WriteString("SELECT CASE\n")
	for _, q := range reqs {
		cond := "source = '" + q.Source + "'"
		if len(q.Layouts) > 0 {
			cond += " AND layout IN ('" + strings.Join(q.Layouts, "', '") + "')"
		}
		fmt.Fprintf(&b, "  WHEN (SELECT COUNT(*) FROM landing.ingest_files WHERE %s) = 0 THEN ERROR('%s%s%s')\n",
			cond, ingest.ContractMark, q.Command(), ingest.ContractEnd)
	}
	b.WriteString("  ELSE 'every dependency loaded'\nEND AS dependencies;")
	return r.addStatement("dependency check", b.String())
}

// NumberLoad is 0: the load publishes in one script.
func (r *remoteRun) NumberLoad(context.Context) (int64, error) { return 0, nil }

// ExtendScope adds to @periods the months a query returns (see
// addScopeFrom).
func (r *remoteRun) ExtendScope(_ context.Context, q string, args ...any) error {
	return r.addScopeFrom(q, args...)
}

// LandingBound is RecentLanding: a read of landing is billed for its
// partitions only.
func (r *remoteRun) LandingBound() string { return RecentLanding }

// Land spools a landing table's rows for its load job (see spool).
func (r *remoteRun) Land(_ context.Context, t ingest.AppendTarget) (ingest.Appender, error) {
	return r.spool(t)
}

// addStatement adds a statement of the runner's own to the transaction.
func (r *remoteRun) addStatement(name, stmt string) error {
	if r.planned {
		return nil
	}
	r.tx = append(r.tx, "-- "+name+"\n"+stmt)
	return nil
}

// statementKind tells where a model runs: "setup" (CREATE TABLE IF NOT
// EXISTS and ADD COLUMN IF NOT EXISTS, before the transaction), "tx" (DML and temporary tables), or
// the offending statement when BigQuery would refuse it in a transaction.
func statementKind(text string) string {
	var code string
	for _, line := range strings.Split(text, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			code = strings.ToUpper(l)
			break
		}
	}
	switch {
	case strings.HasPrefix(code, "CREATE TABLE IF NOT EXISTS "), strings.HasPrefix(code, "ALTER TABLE ") && strings.Contains(text, "ADD COLUMN IF NOT EXISTS"):
		return "setup"
	case strings.HasPrefix(code, "CREATE TEMP TABLE "), strings.HasPrefix(code, "CREATE TEMPORARY TABLE "):
		return "tx"
	case strings.HasPrefix(code, "CREATE"), strings.HasPrefix(code, "DROP"), strings.HasPrefix(code, "ALTER"):
		return strings.SplitN(code, "\n", 2)[0]
	}
	return "tx"
}

// bind records the values of a model's parameters; @periods and @years
// are the load's scope, bound when the script is built.
func (r *remoteRun) bind(name, text string, params map[string]any) error {
	for _, m := range remoteParamRE.FindAllStringSubmatch(text, -1) {
		p := m[1]
		r.named[p] = true
		switch p {
		case "periods", "years":
			continue
		case "file_sha256":
			r.params[p] = r.st.SHA256
			continue
		}
		v, ok := params[p]
		if !ok {
			return fmt.Errorf("model %s: no value for @%s", name, p)
		}
		v = remoteValue(v)
		if old, seen := r.params[p]; seen && old != v {
			return fmt.Errorf("model %s: @%s is %v, an earlier model of the load bound %v", name, p, v, old)
		}
		r.params[p] = v
	}
	return nil
}

// remoteValue turns a DuckDB model parameter into BigQuery's: the models'
// dates are DATEs.
func remoteValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return civil.DateOf(x)
	case int:
		return int64(x)
	}
	return v
}

// addScopeFrom adds to @periods the months a query returns (DATE, first
// column): what the models replace beyond the file's own months.
func (r *remoteRun) addScopeFrom(q string, args ...any) error {
	if r.planned {
		return nil
	}
	rows, err := r.query(q, args...)
	if errors.Is(err, ingest.ErrTableNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the scope: %w", err)
	}
	if r.scope == nil {
		r.scope = map[string]bool{}
	}
	for _, row := range rows {
		if d, ok := row[0].(civil.Date); ok {
			r.scope[fmt.Sprintf("%04d-%02d", d.Year, d.Month)] = true
		}
	}
	return nil
}

// scopeParams binds @periods (ARRAY<DATE>) and @years (ARRAY<INT64>).
func (r *remoteRun) scopeParams() error {
	all := map[string]bool{}
	for _, p := range r.st.Periods() {
		all[p] = true
	}
	for p := range r.scope {
		all[p] = true
	}
	keys := make([]string, 0, len(all))
	for p := range all {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	periods := []civil.Date{}
	years := []int64{}
	seenYear := map[int]bool{}
	for _, p := range keys {
		t, err := ingest.PeriodStart(p)
		if err != nil {
			return err
		}
		periods = append(periods, civil.DateOf(t))
		if !seenYear[t.Year()] {
			seenYear[t.Year()] = true
			years = append(years, int64(t.Year()))
		}
	}
	r.params["periods"], r.params["years"] = periods, years
	return nil
}

// logFile adds the ingest log's row to the transaction.
func (r *remoteRun) logFile() error {
	st := r.st
	rep := st.Report
	log := map[string]any{
		"log_source": st.Source.ID, "log_layout": st.Layout, "log_scope": st.Scope, "log_file_name": st.File,
		"log_content_sha256": st.Content, "log_bytes": rep.Bytes, "log_rows_read": rep.RowsRead,
		"log_rows_loaded": rep.RowsLoaded, "log_periods": strings.Join(rep.Periods, ","),
		"log_watermark": rep.Watermark, "log_loaded_at": st.Params.Now.UTC(),
	}
	for k, v := range log {
		r.params[k] = v
		r.named[k] = true
	}
	r.params["file_sha256"], r.named["file_sha256"] = st.SHA256, true
	r.params["log_rows_skipped"], r.named["log_rows_skipped"] = rep.RowsSkipped, true
	r.params["log_skipped_why"], r.named["log_skipped_why"] = strings.Join(rep.SkippedWhy, "; "), true
	r.params["log_deps_sha256"], r.named["log_deps_sha256"] = st.Deps, true
	return r.addStatement("ingest log", `INSERT INTO landing.ingest_files (source, layout, scope, file_name, file_sha256, content_sha256, bytes,
  rows_read, rows_loaded, periods, watermark, loaded_at, seq, rows_published, rows_skipped, skipped_why, deps_sha256)
VALUES (@log_source, @log_layout, @log_scope, @log_file_name, @file_sha256, @log_content_sha256, @log_bytes,
  @log_rows_read, @log_rows_loaded, @log_periods, @log_watermark, @log_loaded_at,
  (SELECT COALESCE(MAX(seq), 0) + 1 FROM landing.ingest_files), (`+r.published()+`),
  @log_rows_skipped, @log_skipped_why, @log_deps_sha256);`)
}

// published is LoadState.Published inside BigQuery's script.
func (r *remoteRun) published() string {
	return strings.NewReplacer("?", "@file_sha256", "$months", "UNNEST(@periods)", "$years", "UNNEST(@years)").Replace(r.st.Published())
}

// checkPublished is the refusal of LoadState.CheckPublished inside the
// script, after its models.
func (r *remoteRun) checkPublished() error {
	st := r.st
	want, ok := st.WantPublished()
	if !ok {
		return nil
	}
	count := "(" + r.published() + ")"
	return r.addStatement("published check", fmt.Sprintf(`SELECT CASE
  WHEN %[1]s <> %[2]d THEN ERROR(FORMAT('%[3]s%[4]s%[5]s', %[2]d - %[1]s, %[7]d, %[1]s, %[6]d))
  ELSE 'every landed row published'
END AS published_check;`, count, want, ingest.ContractMark, ingest.UnpublishedRefusal, ingest.ContractEnd, st.Unpublished, st.Report.RowsLoaded))
}

// Script is the transaction a load runs: what LoadRemote sends as its last
// job, for tests and logs.
func (r *remoteRun) script() string {
	var b strings.Builder
	b.WriteString("BEGIN TRANSACTION;\n\n")
	for _, s := range r.tx {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	b.WriteString("COMMIT TRANSACTION;")
	return b.String()
}

// execute sends the setup script, the landing loads and the transaction.
func (r *remoteRun) execute() error {
	st := r.st
	if err := r.scopeParams(); err != nil {
		return err
	}
	t0 := time.Now()
	setup := append([]string(nil), r.setup...)
	for _, s := range r.spools {
		setup = append(setup, fmt.Sprintf("DELETE FROM landing.%s WHERE file_sha256 = @file_sha256 AND %s;", s.table, RecentLanding))
	}
	if len(r.spools) > 0 {
		r.named["file_sha256"], r.params["file_sha256"] = true, st.SHA256
	}
	if len(setup) > 0 {
		sqlText := strings.Join(setup, "\n\n")
		if err := r.wh.Exec(r.ctx, RemoteQuery{Source: st.Source.ID, SQL: sqlText, Params: r.paramsOf(sqlText)}); err != nil {
			return fmt.Errorf("creating the tables of %s: %w", st.Layout, err)
		}
	}
	st.Step("setup", time.Since(t0))
	for _, s := range r.spools {
		t0 := time.Now()
		if err := s.Send(r.ctx); err != nil {
			return fmt.Errorf("loading landing.%s: %w", s.table, err)
		}
		st.Step("load landing."+s.table, time.Since(t0))
	}
	t0 = time.Now()
	script := r.script()
	if err := r.wh.Exec(r.ctx, RemoteQuery{Source: st.Source.ID, SQL: script, Params: r.paramsOf(script)}); err != nil {
		if msg, ok := remoteContract(err); ok {
			return &ingest.ContractError{Source: st.Source.ID, File: st.File, Reason: msg}
		}
		return fmt.Errorf("running the models of %s: %w", st.Layout, err)
	}
	st.Step("script", time.Since(t0))
	return nil
}

// paramsOf lists the bound parameters the SQL names, sorted.
func (r *remoteRun) paramsOf(sqlText string) []RemoteParam {
	used := map[string]bool{}
	for _, m := range remoteParamRE.FindAllStringSubmatch(sqlText, -1) {
		used[m[1]] = true
	}
	var out []RemoteParam
	for name := range used {
		if v, ok := r.params[name]; ok {
			out = append(out, RemoteParam{Name: name, Value: v})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

var contractRE = regexp.MustCompile(regexp.QuoteMeta(ingest.ContractMark) + `(.*?)` + regexp.QuoteMeta(ingest.ContractEnd))

// remoteContract finds the refusal a script raised in a job's error.
func remoteContract(err error) (string, bool) {
	m := contractRE.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(m[1]), true
}

// remoteSpool is one landing table's rows held for its load job.
type remoteSpool struct {
	RemoteLanding
	table string
}

// spool opens a landing table's rows on the remote warehouse; its schema
// is the landing model's.
func (r *remoteRun) spool(t ingest.AppendTarget) (ingest.Appender, error) {
	text, err := ingest.Model("bigquery", "landing_"+t.Table)
	if err != nil {
		return nil, err
	}
	schema, err := ingest.ParseColumns(text)
	if err != nil {
		return nil, fmt.Errorf("model landing_%s: %w", t.Table, err)
	}
	l, err := r.wh.Land(RemoteTable{Source: r.st.Source.ID, Dataset: "landing", Table: t.Table, Schema: schema,
		Columns: t.Columns, Consts: t.Consts})
	if err != nil {
		return nil, err
	}
	s := &remoteSpool{RemoteLanding: l, table: t.Table}
	r.spools = append(r.spools, s)
	return s, nil
}

func (r *remoteRun) removeSpools() {
	for _, s := range r.spools {
		s.Discard()
	}
}
