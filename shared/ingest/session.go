package ingest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Engine is a warehouse a load runs on: shared/duckdb's runs it in
// process, shared/bigquery's plans it as jobs. Load talks to it only
// through the Session it begins.
type Engine interface {
	// Begin opens the session of one load. The state is the load's: the
	// session reads it (file, checksum, periods, report) and writes its
	// timings and counts to the report.
	Begin(ctx context.Context, st *LoadState) (Session, error)
}

// Session is one load on an engine: what the pipeline and the loaders ask
// of the warehouse. An engine either runs each call as it comes (DuckDB:
// one transaction) or plans the calls into a script it runs in Publish
// (BigQuery); the loaders do not tell the two apart.
type Session interface {
	// Query reads the warehouse within the load. q is the loaders'
	// portable SQL with ? placeholders; a table that does not exist yet is
	// an error wrapping ErrTableNotFound or answers no rows.
	Query(ctx context.Context, q string, args ...any) (Rows, error)
	// QueryRow is Query for one row; Scan returns sql.ErrNoRows for none.
	QueryRow(ctx context.Context, q string, args ...any) Row
	// RunModels runs the engine's models of those names, in order, with
	// named parameters ($name in DuckDB's, @name in BigQuery's); the
	// file's sha256 is bound without being given.
	RunModels(ctx context.Context, params map[string]any, names ...string) error
	// Run runs one statement of the load's own, in the engine's dialect.
	Run(ctx context.Context, name, stmt string) error
	// Check runs a refusal over what the load wrote (see Check).
	Check(ctx context.Context, c Check) error
	// RequireLoaded refuses the load when reference data its rows
	// resolve against was never loaded: missing is the first of reqs the
	// session's reads found never loaded (nil: all were). An engine that
	// plans a script refuses there instead, so that the reference data
	// the transaction sees decides.
	RequireLoaded(ctx context.Context, reqs []Requirement, missing *Requirement) error
	// Land opens a landing table for the file's rows. Rows an earlier try
	// of the same file left there are replaced.
	Land(ctx context.Context, t AppendTarget) (Appender, error)
	// NumberLoad gives the load a number that lets it commit its landed
	// rows before the models run (see LoadState.LoadSeq); 0 when the
	// engine publishes the load in one step.
	NumberLoad(ctx context.Context) (int64, error)
	// ExtendScope adds to the periods the models replace the months
	// (DATE, first column) a query returns, for an engine that binds the
	// scope as a parameter; an engine whose models read their scope
	// themselves does nothing.
	ExtendScope(ctx context.Context, q string, args ...any) error
	// LandingBound is the predicate (after AND) every read of a landing
	// table must carry on this engine; "" when none.
	LandingBound() string
	// Publish runs the load's models (models, which calls RunModels,
	// Check and the loaders' reads), writes the ingest log row and
	// commits: what anyone reads changes here, all at once.
	Publish(ctx context.Context, models func() error) error
	// Close ends the session; a load that was not published changes
	// nothing anyone reads.
	Close() error
}

// Rows are the rows a Session's query answers.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Row is the first row of a Session's query.
type Row interface {
	Scan(dest ...any) error
}

// Check is a refusal over what a load wrote, by its model (check_<x>, one
// per dialect). An engine that runs the load as it comes queries its
// model at once (the file's sha256 bound as file_sha256), scans the first
// row into Dest and returns Refuse's answer (nil when no row came); one
// that plans a script adds the model to it, a statement that raises the
// refusal itself (BigQuery's ERROR() with ContractMark … ContractEnd)
// where the models reached it. Name labels it in the script.
type Check struct {
	Name   string
	Model  string
	Dest   []any
	Refuse func() error
}

// ErrTableNotFound is what a Session's query wraps when a table is missing (the
// first load of all: the ingest log is created with it).
var ErrTableNotFound = errors.New("table not found")

// ContractMark starts, and ContractEnd ends, the message a script raises
// for a file that breaks its contract: the load returns a *ContractError
// with the text between them, whatever the engine writes around it.
const (
	ContractMark = "mirante-contract: "
	ContractEnd  = " :end-contract"
)

// LoadState is one load as the engines read it: the file, its checksum,
// the layout and periods the loader found, the counts, and the report
// the load returns.
type LoadState struct {
	Source Source
	File   string
	SHA256 string // hex, of the file as read
	Params LoadParams
	Report *Report
	Layout string
	// Scope is what a revised file replaces besides its periods (flow,
	// file kind...).
	Scope string
	// Content is the hash of the typed rows, known once the file is read.
	Content string
	// Deps fingerprints the reference data the rows resolved against (see
	// dependencies); the same content over other reference data is a new
	// load.
	Deps string
	// LoadSeq numbers a two-step load (0: one transaction), see
	// Session.NumberLoad.
	LoadSeq int64
	// Unpublished counts the landed rows the source's contract keeps out
	// of the marts (see skipLanded): every other landed row must be
	// published, or the load is refused (see WantPublished).
	Unpublished int64
	periods     map[string]bool
}

// Periods are the periods the file covers, sorted ("2025-09", "2018").
func (st *LoadState) Periods() []string {
	out := make([]string, 0, len(st.periods))
	for p := range st.periods {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// PeriodStart is the first day of a period ("2025-09" or "2018").
func PeriodStart(p string) (time.Time, error) {
	layout := "2006-01"
	if len(p) == 4 {
		layout = "2006"
	}
	t, err := time.Parse(layout, p)
	if err != nil {
		return time.Time{}, fmt.Errorf("period %q: %w", p, err)
	}
	return t, nil
}

// Step records a timed part of the load in its report.
func (st *LoadState) Step(name string, d time.Duration) {
	st.Report.Steps = append(st.Report.Steps, Step{Name: name, Duration: d})
}

// ContractErr is a refusal of this load's file.
func (st *LoadState) ContractErr(line int, column, format string, args ...any) *ContractError {
	return &ContractError{Source: st.Source.ID, File: st.File, Line: line, Column: column, Reason: fmt.Sprintf(format, args...)}
}

// Published counts the rows of this load the marts publish, in core after
// the models ran: ? is the file's sha256, $months and $years the load's
// scope, which each engine spells (they keep BigQuery's count to the
// load's partitions). The reference tables count their rows in effect,
// which a load replaces.
func (st *LoadState) Published() string {
	switch st.Source.ID + "/" + st.Layout {
	case "comex/ncm":
		return `SELECT COUNT(*) FROM core.fact_comex WHERE file_sha256 = ? AND month IN $months`
	case "comex/mun":
		return `SELECT COUNT(*) FROM core.fact_comex_municipio WHERE file_sha256 = ? AND month IN $months AND municipio IS NOT NULL`
	case "comex/aux_ncm":
		return `SELECT COUNT(*) FROM core.dim_ncm`
	case "comex/aux_ncm_sh":
		return `SELECT COUNT(*) FROM core.dim_sh`
	case "comex/aux_pais":
		return `SELECT COUNT(*) FROM core.dim_pais`
	case "comex/aux_uf":
		return `SELECT COUNT(*) FROM core.dim_comex_uf`
	case "comex/aux_urf":
		return `SELECT COUNT(*) FROM core.dim_urf`
	}
	switch st.Source.ID {
	case "ibge_territorio":
		return `SELECT COUNT(*) FROM core.dim_municipio`
	case "ipca":
		return `SELECT COUNT(*) FROM core.fact_ipca WHERE file_sha256 = ?`
	case "antaq":
		return `SELECT COUNT(*) FROM core.fact_antaq_carga WHERE file_sha256 = ? AND month IN $months`
	case "caged":
		return `SELECT COUNT(*) FROM core.fact_caged WHERE file_sha256 = ?`
	case "pib_municipal":
		return `SELECT COUNT(*) FROM core.fact_pib WHERE file_sha256 = ? AND year IN $years`
	case "siconfi":
		return `SELECT COUNT(*) FROM core.fact_siconfi WHERE file_sha256 = ? AND year IN $years AND NOT is_percent`
	}
	return ""
}

// WantPublished is how many rows a fact load must publish: every row it
// landed but those its source's contract keeps out (skipLanded). A
// reference table (no per-file count) has no such count.
func (st *LoadState) WantPublished() (int64, bool) {
	if !strings.Contains(st.Published(), "?") {
		return 0, false
	}
	return st.Report.RowsLoaded - st.Unpublished, true
}

// UnpublishedRefusal refuses a load some of whose landed rows reach no
// mart (rows, landed, published, kept out), in fmt's verbs and BigQuery's
// FORMAT alike; no quote or semicolon, as BigQuery's check quotes it.
const UnpublishedRefusal = `%d landed rows would reach no mart (%d landed, %d published, %d kept out by the source contract): refused rather than published short`

// CheckPublished refuses the load when the marts publish other than
// WantPublished of its rows; published is the count of Published.
func (st *LoadState) CheckPublished(published int64) error {
	if want, ok := st.WantPublished(); ok && published != want {
		r := st.Report
		return st.ContractErr(0, "", UnpublishedRefusal, r.RowsLoaded-published-st.Unpublished, r.RowsLoaded, published, st.Unpublished)
	}
	return nil
}
