// Package ingest is the data spine: it reads the official files of each
// source (IBGE territorial table, IPCA, Comex Stat, ANTAQ, Novo CAGED, PIB
// dos Municípios, Siconfi/FINBRA) as streams, checks them against schema
// contracts, lands typed rows and runs the SQL models that carry them
// through staging and core into the marts.
//
// Layers (ARCHITECTURE.md): raw is the caller's (it stores the file and
// hands Load a reader, the name and, ideally, the sha256); landing holds
// typed rows, one table per layout, with the file's sha256 and line
// number; staging normalises keys (7-digit IBGE codes, zero-padded codes,
// month dates); core holds facts and dimensions; marts are the tables of
// models/*/ddl_marts_*.sql. The models are SQL files embedded per dialect
// under models/duckdb and models/bigquery.
//
// A load is one warehouse transaction: a file that breaks its contract
// (*ContractError) changes nothing; a file loaded again changes nothing (it
// is recognised by sha256 and by the hash of its typed rows); a revised file
// replaces exactly the periods it covers.
//
// Where shared/duckdb is linked, rows land through DuckDB's appender, which
// it registers; without it rows go in batched INSERTs, which are correct
// but several times slower. This package itself links no
// database driver, so binaries that only need Sources do not carry DuckDB.
package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mirante/mirante/shared/apperr"
)

// LoadParams tunes one load. The zero value is fine.
type LoadParams struct {
	// SHA256 is the file's checksum as the raw layer recorded it (hex).
	// When given it is verified; when empty Load computes it, reading the
	// file twice (seeking back, or spooling to a temporary file).
	SHA256 string
	// Layout forces a layout of the source (see Source.Layouts) instead of
	// telling it from the file name and header.
	Layout string
	// Flow forces Comex Stat's flow ("export" or "import") when the file
	// name does not start with EXP_ or IMP_.
	Flow string
	// Now stamps the load; zero means time.Now.
	Now time.Time
}

// Report describes one load.
type Report struct {
	Source     string
	File       string
	Layout     string
	SHA256     string
	Bytes      int64
	RowsRead   int64 // data records read from the file
	RowsLoaded int64 // rows landed (for CAGED: aggregated cells, no person-level row)
	// RowsPublished are the landed rows the marts publish, counted in core
	// once the models ran: every landed row but those RowsSkipped names.
	RowsPublished int64
	// RowsSkipped are records the source's contract names as never
	// published (a "não declarado" code, a percentage row, a UF total),
	// counted here rather than dropped in silence; SkippedWhy says what
	// they were, one entry per kind.
	RowsSkipped int64
	SkippedWhy  []string
	// Periods the file covers: "2025-09" for months, "2018" for years,
	// empty for snapshots.
	Periods []string
	// Watermark is the last complete period the file covers.
	Watermark string
	Duration  time.Duration
	// Skipped says the file, or one with the same typed content, was
	// already the current load for its periods: nothing changed.
	Skipped bool
	// Notes lists what was loaded but could not be placed (unmapped names,
	// unknown codes), for the operator.
	Notes []string
	// Steps times the load: reading and landing the file, each SQL
	// statement of the models (by model name), the commit.
	Steps []Step
}

// Step is one timed part of a load.
type Step struct {
	Name     string
	Duration time.Duration
}

// Load reads one official file of the source into the warehouse: landing,
// staging, core and marts, in one transaction; a two-step load (see
// job.twoStep) commits its landing first and publishes it with the marts in
// a second. name is the file's name
// (it helps pick the layout: EXP_2025.csv, CAGEDEXC202301.txt, ...). A
// contract violation returns a *ContractError and leaves the warehouse as
// it was. ANTAQ takes a zip holding <year>Atracacao.txt and <year>Carga.txt
// (the yearly download), since a mart cell needs both.
func Load(ctx context.Context, wh *sql.DB, sourceID, name string, r io.Reader, p LoadParams) (Report, error) {
	start := time.Now()
	j, cleanup, err := newJob(ctx, sourceID, name, r, p)
	if err != nil {
		return j.report(), err
	}
	defer cleanup()
	rep := j.rep

	loadMu.Lock()
	defer loadMu.Unlock()
	conn, err := wh.Conn(ctx)
	if err != nil {
		return *rep, fmt.Errorf("warehouse connection: %w", err)
	}
	defer conn.Close()
	j.db, j.conn = conn, sqlConn{conn}

	if err := j.exec("BEGIN TRANSACTION"); err != nil {
		return *rep, err
	}
	committed := false
	defer func() {
		j.closeLanders()
		if !committed {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if err := j.runModels("ddl_ingest_files", "ddl_ingest_files_counts"); err != nil {
		return *rep, err
	}
	// The same bytes as a load still in effect: nothing to do, not even
	// reading the file.
	if done, err := j.sameFileCurrent(); err != nil || done {
		rep.Duration = time.Since(start)
		return *rep, err
	}
	contentSum, skipped, err := j.readUnlessCurrent(start)
	if err != nil || skipped {
		return *rep, err // when skipped, the deferred ROLLBACK drops the landed copy
	}
	if j.loadSeq != 0 {
		t0 := time.Now()
		if err := j.exec("COMMIT"); err != nil {
			return *rep, err
		}
		j.step("commit landing", time.Since(t0))
		if err := j.exec("BEGIN TRANSACTION"); err != nil {
			return *rep, err
		}
	}
	if err := j.fillScope(); err != nil {
		return *rep, err
	}
	// Logged before the models run: a two-step load's core shows its landed
	// rows once the log names them (in one transaction, the order is moot).
	if err := j.logFile(contentSum); err != nil {
		return *rep, err
	}
	if j.finish != nil {
		if err := j.finish(); err != nil {
			return *rep, err
		}
	}
	if err := j.countPublished(); err != nil {
		return *rep, err
	}
	t0 := time.Now()
	if err := j.exec("COMMIT"); err != nil {
		return *rep, err
	}
	j.step("commit", time.Since(t0))
	committed = true
	rep.Duration = time.Since(start)
	return *rep, nil
}

// newJob starts a load of the source's file: it checks the source and
// sets the checksum up (verified as the file is read, or computed first).
// The job has no warehouse yet; cleanup removes a spool file.
func newJob(ctx context.Context, sourceID, name string, r io.Reader, p LoadParams) (*job, func(), error) {
	src, ok := FindSource(sourceID)
	if !ok {
		return nil, func() {}, apperr.Invalidf("source", "unknown source %q", sourceID)
	}
	if p.Now.IsZero() {
		p.Now = time.Now().UTC()
	}
	rep := &Report{Source: src.ID, File: name}
	j := &job{ctx: ctx, src: src, name: name, params: p, rep: rep, periods: map[string]bool{}, content: sha256.New()}
	sum := strings.ToLower(p.SHA256)
	cleanup := func() {}
	if sum == "" {
		var err error
		r, sum, cleanup, err = checksum(r)
		if err != nil {
			return j, func() {}, fmt.Errorf("reading %s: %w", name, err)
		}
	} else {
		j.verify = sha256.New()
	}
	j.counter = &countingReader{r: r, h: j.verify}
	j.in = j.counter
	j.sha, rep.SHA256 = sum, sum
	return j, cleanup, nil
}

// report is the job's report so far (empty before the job exists).
func (j *job) report() Report {
	if j == nil || j.rep == nil {
		return Report{}
	}
	return *j.rep
}

// read runs the source's loader over the whole file and checks the
// checksum; it returns the hash of the typed rows.
func (j *job) read(start time.Time) (string, error) {
	rep := j.rep
	err := loaders[j.src.ID](j)
	rep.Layout = j.layout
	if err != nil {
		return "", err
	}
	j.step("read and land", time.Since(start))
	// Read what the layout left unread, so the count and checksum cover
	// the whole file.
	if _, err := io.Copy(io.Discard, j.counter); err != nil {
		return "", fmt.Errorf("reading %s: %w", j.name, err)
	}
	rep.Bytes = j.counter.n
	if j.verify != nil {
		if got := hex.EncodeToString(j.verify.Sum(nil)); got != j.sha {
			return "", &ContractError{Source: j.src.ID, File: j.name, Reason: fmt.Sprintf("sha256 is %s, the raw layer recorded %s", got, j.sha)}
		}
	}
	rep.Periods = j.sortedPeriods()
	if len(rep.Periods) > 0 {
		rep.Watermark = rep.Periods[len(rep.Periods)-1]
	} else if j.src.Grain == "snapshot" {
		rep.Watermark = j.params.Now.Format("2006-01-02")
	}
	if j.watermark != "" {
		rep.Watermark = j.watermark
	}
	for _, l := range j.landers {
		l.hashRows()
	}
	return hex.EncodeToString(j.content.Sum(nil)), nil
}

// readUnlessCurrent reads the file (read) and tells whether the same typed
// content is already the current load of its periods; then the report says
// Skipped and nothing is to be written.
func (j *job) readUnlessCurrent(start time.Time) (content string, skipped bool, err error) {
	content, err = j.read(start)
	if err != nil {
		return "", false, err
	}
	if err := j.requireDependencies(); err != nil {
		return "", false, err
	}
	if skipped, err = j.alreadyCurrent(content); err != nil || !skipped {
		return content, false, err
	}
	j.rep.Skipped = true
	j.rep.Duration = time.Since(start)
	return content, true, nil
}

// loadMu serialises loads in this process: DuckDB has one writer, and a
// revised file must not interleave with another load of its periods.
var loadMu sync.Mutex

// loaders maps a source id to the function that reads its files.
var loaders = map[string]func(*job) error{}

func init() {
	loaders["ibge_territorio"] = loadTerritorio
	loaders["ipca"] = loadIPCA
	loaders["comex"] = loadComex
	loaders["antaq"] = loadANTAQ
	loaders["caged"] = loadCAGED
	loaders["pib_municipal"] = loadPIB
	loaders["siconfi"] = loadSiconfi
}

// checksum computes the sha256 of r and returns a reader of the same bytes
// from the start: r itself when it can seek, else a temporary spool file.
func checksum(r io.Reader) (io.Reader, string, func(), error) {
	h := sha256.New()
	if s, ok := r.(io.ReadSeeker); ok {
		at, err := s.Seek(0, io.SeekCurrent)
		if err == nil {
			if _, err := io.Copy(h, s); err != nil {
				return nil, "", nil, err
			}
			if _, err := s.Seek(at, io.SeekStart); err != nil {
				return nil, "", nil, err
			}
			return s, hex.EncodeToString(h.Sum(nil)), func() {}, nil
		}
	}
	f, err := os.CreateTemp("", "mirante-ingest-*")
	if err != nil {
		return nil, "", nil, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return f, hex.EncodeToString(h.Sum(nil)), cleanup, nil
}

type countingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.h != nil && n > 0 {
		c.h.Write(p[:n])
	}
	return n, err
}

// Watermark returns the last complete period of a source in the
// warehouse ("2026-05", "2023"; the load date for the territorial table),
// or "" when nothing is loaded.
func Watermark(ctx context.Context, wh *sql.DB, sourceID string) (string, error) {
	q, ok := watermarkSQL[sourceID]
	if !ok {
		return "", apperr.Invalidf("source", "unknown source %q", sourceID)
	}
	var w sql.NullString
	if err := wh.QueryRowContext(ctx, q).Scan(&w); err != nil {
		if isMissingTable(err) {
			return "", nil
		}
		return "", fmt.Errorf("watermark of %s: %w", sourceID, err)
	}
	return w.String, nil
}

var watermarkSQL = map[string]string{
	"ibge_territorio": `SELECT max(watermark) FROM landing.ingest_files WHERE source = 'ibge_territorio'`,
	"ipca":            `SELECT strftime(max(month), '%Y-%m') FROM marts.ipca_monthly`,
	"comex":           `SELECT strftime(max(month), '%Y-%m') FROM marts.comex_monthly`,
	"antaq":           `SELECT strftime(max(month), '%Y-%m') FROM marts.antaq_monthly`,
	"caged":           `SELECT strftime(max(month), '%Y-%m') FROM core.fact_caged WHERE kind = 'mov'`,
	"pib_municipal":   `SELECT CAST(max(year) AS VARCHAR) FROM marts.pib_municipal WHERE pib_brl IS NOT NULL`,
	"siconfi":         `SELECT CAST(max(year) AS VARCHAR) FROM marts.siconfi_annual`,
}

func isMissingTable(err error) bool {
	return strings.Contains(err.Error(), "does not exist")
}

// queryConn is how the loaders and the ingest log read the warehouse
// within a load: the DuckDB connection, or BigQuery's queries (see
// remote.go).
type queryConn interface {
	QueryContext(ctx context.Context, q string, args ...any) (resultRows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) resultRow
}

type resultRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

type resultRow interface {
	Scan(dest ...any) error
}

// sqlConn is the DuckDB (database/sql) queryConn.
type sqlConn struct{ c *sql.Conn }

func (s sqlConn) QueryContext(ctx context.Context, q string, args ...any) (resultRows, error) {
	rows, err := s.c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (s sqlConn) QueryRowContext(ctx context.Context, q string, args ...any) resultRow {
	return s.c.QueryRowContext(ctx, q, args...)
}

// job is one load in progress.
type job struct {
	ctx context.Context
	// db is the DuckDB load's connection (nil on BigQuery); conn reads
	// through it, or through BigQuery's queries.
	db      *sql.Conn
	conn    queryConn
	remote  *remoteRun
	counter *countingReader
	verify  hash.Hash
	src     Source
	name    string
	sha     string
	params  LoadParams
	rep     *Report
	in      io.Reader
	layout  string
	scope   string // what a revised file replaces besides its periods (flow, file kind...)
	periods map[string]bool
	// watermark overrides the last period when the file says which period
	// is complete (a semester report, say).
	watermark string
	content   hash.Hash
	landers   []*lander
	// finish runs the load's models once the rows are landed and the
	// file is known to be new.
	finish func() error
	// loadSeq numbers a two-step load (0: one transaction), see twoStep.
	loadSeq int64
	// unpublished counts the landed rows the source's contract keeps out
	// of the marts (see skipLanded): every other landed row must be
	// published, or the load is refused (see checkPublished).
	unpublished int64
	// skipWhy and skipN are the kinds of skipped records, in the order
	// first seen, and their counts (the report's SkippedWhy spells them).
	skipWhy []string
	skipN   []int64
	// deps fingerprints the reference data the rows resolved against (see
	// dependencies); the same content over other reference data is a new
	// load.
	deps string
}

// twoStep makes the load commit its landed rows before the models run, and
// publish them, with the models' output, in a second transaction. DuckDB
// builds the marts from committed rows faster than from the same rows
// still in the transaction, and the second commit has only the marts to
// write. For a table whose core is a view over landing: the rows carry
// the load's number, never reused, and the view shows a numbered row only
// once the ingest log names its number, which the second transaction
// writes. A load that fails between the two leaves rows nobody reads; the
// next load of their months deletes them with the rows it replaces. Local
// warehouse only: BigQuery runs its models as one script.
func (j *job) twoStep() error {
	if j.remote != nil {
		return nil
	}
	if err := j.conn.QueryRowContext(j.ctx, `SELECT nextval('landing.load_seq')`).Scan(&j.loadSeq); err != nil {
		return fmt.Errorf("numbering the load: %w", err)
	}
	return nil
}

func (j *job) exec(q string, args ...any) error {
	if j.db == nil {
		return fmt.Errorf("%s: a BigQuery load runs no statement on its own (remote.go plans them)", firstLine(q))
	}
	if _, err := j.db.ExecContext(j.ctx, q, args...); err != nil {
		return fmt.Errorf("%s: %w", firstLine(q), err)
	}
	return nil
}

func firstLine(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		q = q[:i]
	}
	return q
}

func (j *job) contractErr(line int, column, format string, args ...any) *ContractError {
	return &ContractError{Source: j.src.ID, File: j.name, Line: line, Column: column, Reason: fmt.Sprintf(format, args...)}
}

// closeLanders stops the appending goroutines of a failed load.
func (j *job) closeLanders() {
	for _, l := range j.landers {
		_ = l.close()
	}
}

func (j *job) step(name string, d time.Duration) {
	j.rep.Steps = append(j.rep.Steps, Step{Name: name, Duration: d})
}

func (j *job) addPeriod(p string) { j.periods[p] = true }

// skipLanded is skip for records that land (and reach core) but that the
// marts do not publish.
func (j *job) skipLanded(n int64, why string) {
	j.skip(n, why)
	if n > 0 {
		j.unpublished += n
	}
}

// skip counts n records the source's contract leaves out of the marts
// before they land, and says which.
func (j *job) skip(n int64, why string) {
	if n <= 0 {
		return
	}
	j.rep.RowsSkipped += n
	i := slices.Index(j.skipWhy, why)
	if i < 0 {
		j.skipWhy, j.skipN = append(j.skipWhy, why), append(j.skipN, 0)
		j.rep.SkippedWhy = append(j.rep.SkippedWhy, "")
		i = len(j.skipWhy) - 1
	}
	j.skipN[i] += n
	j.rep.SkippedWhy[i] = fmt.Sprintf("%d %s", j.skipN[i], why)
}

func (j *job) sortedPeriods() []string {
	out := make([]string, 0, len(j.periods))
	for p := range j.periods {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// sameFileCurrent reports whether the file's sha256 was loaded before for
// the source, over the reference data now in effect, and no later load of
// the same layout and scope replaced any of its periods; it then fills the
// report from the ingest log.
func (j *job) sameFileCurrent() (bool, error) {
	var seq, read, landed, published, skipped, bytes int64
	var layout, scope, periods, watermark, deps, why string
	err := j.conn.QueryRowContext(j.ctx, `SELECT seq, layout, scope, periods, coalesce(watermark, ''), rows_read, rows_loaded,
		coalesce(rows_published, rows_loaded), coalesce(rows_skipped, 0), coalesce(skipped_why, ''), bytes, coalesce(deps_sha256, '')
		FROM landing.ingest_files WHERE source = ? AND file_sha256 = ? ORDER BY seq DESC LIMIT 1`, j.src.ID, j.sha).
		Scan(&seq, &layout, &scope, &periods, &watermark, &read, &landed, &published, &skipped, &why, &bytes, &deps)
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, ErrTableNotFound) {
		return false, nil // nothing loaded yet (BigQuery: not even the log)
	}
	if err != nil {
		return false, fmt.Errorf("reading the ingest log: %w", err)
	}
	now, missing, err := j.dependencies(layout)
	if err != nil || missing != nil || now != deps {
		return false, err // read it again: the load refuses, or resolves anew
	}
	rows, err := j.conn.QueryContext(j.ctx, `SELECT periods FROM landing.ingest_files
		WHERE source = ? AND layout = ? AND scope = ? AND seq > ?`, j.src.ID, layout, scope, seq)
	if err != nil {
		return false, fmt.Errorf("reading the ingest log: %w", err)
	}
	defer rows.Close()
	var mine []string
	if periods != "" {
		mine = strings.Split(periods, ",")
	}
	for rows.Next() {
		var later string
		if err := rows.Scan(&later); err != nil {
			return false, err
		}
		if overlaps(mine, later) {
			return false, nil
		}
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	r := j.rep
	r.Skipped, r.Layout, r.Periods, r.Watermark = true, layout, mine, watermark
	r.RowsRead, r.RowsLoaded, r.RowsPublished, r.RowsSkipped, r.Bytes = read, landed, published, skipped, bytes
	if why != "" {
		r.SkippedWhy = strings.Split(why, "; ")
	}
	return true, nil
}

// alreadyCurrent reports whether the latest load of the same source,
// layout and scope that overlaps this file's periods had the same sha256
// or the same typed content, over the same reference data: loading it
// again would change nothing.
func (j *job) alreadyCurrent(content string) (bool, error) {
	rows, err := j.conn.QueryContext(j.ctx, `SELECT file_sha256, content_sha256, periods, coalesce(deps_sha256, ''),
		coalesce(rows_published, rows_loaded) FROM landing.ingest_files
		WHERE source = ? AND layout = ? AND scope = ? ORDER BY loaded_at DESC, seq DESC`, j.src.ID, j.layout, j.scope)
	if errors.Is(err, ErrTableNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the ingest log: %w", err)
	}
	defer rows.Close()
	mine := j.sortedPeriods()
	for rows.Next() {
		var sha, csum, periods, deps string
		var published int64
		if err := rows.Scan(&sha, &csum, &periods, &deps, &published); err != nil {
			return false, err
		}
		if !overlaps(mine, periods) {
			continue
		}
		if (sha != j.sha && csum != content) || deps != j.deps {
			return false, nil
		}
		j.rep.RowsPublished = published // the same typed rows publish as many
		return true, nil
	}
	return false, rows.Err()
}

func overlaps(mine []string, theirs string) bool {
	if len(mine) == 0 || theirs == "" {
		return len(mine) == 0 && theirs == ""
	}
	set := map[string]bool{}
	for _, p := range strings.Split(theirs, ",") {
		set[p] = true
	}
	for _, p := range mine {
		if set[p] {
			return true
		}
	}
	return false
}

// fillScope writes the file's periods to the temporary table load_scope
// that the DuckDB models read (BigQuery's take them as @periods).
func (j *job) fillScope() error {
	if j.remote != nil {
		return nil // bound as @periods and @years when the script is built
	}
	if err := j.exec(`CREATE OR REPLACE TEMP TABLE load_scope (period DATE, year INTEGER)`); err != nil {
		return err
	}
	for _, p := range j.sortedPeriods() {
		var t time.Time
		var err error
		if len(p) == 4 {
			t, err = time.Parse("2006", p)
		} else {
			t, err = time.Parse("2006-01", p)
		}
		if err != nil {
			return fmt.Errorf("period %q: %w", p, err)
		}
		if err := j.exec(`INSERT INTO load_scope VALUES (?, ?)`, t, t.Year()); err != nil {
			return err
		}
	}
	return nil
}

func (j *job) logFile(content string) error {
	if j.remote != nil {
		return j.remote.logFile(content)
	}
	return j.exec(`INSERT INTO landing.ingest_files (source, layout, scope, file_name, file_sha256, content_sha256, bytes,
		rows_read, rows_loaded, periods, watermark, loaded_at, seq, load_seq, rows_skipped, skipped_why, deps_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM landing.ingest_files), ?, ?, ?, ?)`,
		j.src.ID, j.layout, j.scope, j.name, j.sha, content, j.rep.Bytes, j.rep.RowsRead, j.rep.RowsLoaded,
		strings.Join(j.rep.Periods, ","), j.rep.Watermark, j.params.Now, sql.Null[int64]{V: j.loadSeq, Valid: j.loadSeq != 0},
		j.rep.RowsSkipped, strings.Join(j.rep.SkippedWhy, "; "), j.deps)
}

// firstUnmapped runs a load's mapping check (every landed row must reach
// core with its municipality). On BigQuery it adds the script's statement,
// which raises the refusal itself; locally it scans the first unmapped row
// of the file (query binds the file's sha256) into dest and says whether
// there was one.
func (j *job) firstUnmapped(name, bigquery, query string, dest ...any) (bool, error) {
	if j.remote != nil {
		return false, j.remote.addStatement(name, bigquery)
	}
	err := j.conn.QueryRowContext(j.ctx, query, j.sha).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking the municipalities: %w", err)
	}
	return true, nil
}

// note records something the operator should know about the load.
func (j *job) note(format string, args ...any) {
	j.rep.Notes = append(j.rep.Notes, fmt.Sprintf(format, args...))
}
