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
// A load is published at once: a file that breaks its contract
// (*ContractError) changes nothing; a file loaded again changes nothing (it
// is recognised by sha256 and by the hash of its typed rows); a revised file
// replaces exactly the periods it covers.
//
// The pipeline (Load) talks to a warehouse only through an Engine and the
// Session it begins, reading and writing the load's LoadState: shared/duckdb
// runs a load in process, shared/bigquery plans it as jobs (LoadRemote's
// Remote). This package itself links no database driver, so binaries that
// only need Sources do not carry DuckDB.
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
	"strings"
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

// Load reads one official file of the source into the warehouse the
// engine opens: landing, staging, core and marts, published at once (see
// Session.Publish). name is the file's name (it helps pick the layout:
// EXP_2025.csv, CAGEDEXC202301.txt, ...). A contract violation returns a
// *ContractError and leaves what anyone reads as it was. ANTAQ takes a zip
// holding <year>Atracacao.txt and <year>Carga.txt (the yearly download),
// since a mart cell needs both.
func Load(ctx context.Context, e Engine, sourceID, name string, r io.Reader, p LoadParams) (Report, error) {
	start := time.Now()
	j, cleanup, err := newJob(ctx, sourceID, name, r, p)
	if err != nil {
		return j.report(), err
	}
	defer cleanup()
	rep := j.Report
	s, err := e.Begin(ctx, j.LoadState)
	if err != nil {
		return *rep, err
	}
	j.sess = s
	defer func() {
		j.closeLanders()
		_ = s.Close()
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
	content, skipped, err := j.readUnlessCurrent(start)
	if err != nil || skipped {
		return *rep, err // when skipped, closing the session drops the landed copy
	}
	j.Content = content
	if err := s.Publish(ctx, j.finish); err != nil {
		return *rep, err
	}
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
	st := &LoadState{Source: src, File: name, Params: p, Report: rep, periods: map[string]bool{}}
	j := &job{LoadState: st, ctx: ctx, content: sha256.New()}
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
	j.SHA256, rep.SHA256 = sum, sum
	return j, cleanup, nil
}

// report is the job's report so far (empty before the job exists).
func (j *job) report() Report {
	if j == nil || j.LoadState == nil {
		return Report{}
	}
	return *j.Report
}

// read runs the source's loader over the whole file and checks the
// checksum; it returns the hash of the typed rows.
func (j *job) read(start time.Time) (string, error) {
	rep := j.Report
	err := loaders[j.Source.ID](j)
	rep.Layout = j.Layout
	if err != nil {
		return "", err
	}
	j.step("read and land", time.Since(start))
	// Read what the layout left unread, so the count and checksum cover
	// the whole file.
	if _, err := io.Copy(io.Discard, j.counter); err != nil {
		return "", fmt.Errorf("reading %s: %w", j.File, err)
	}
	rep.Bytes = j.counter.n
	if j.verify != nil {
		if got := hex.EncodeToString(j.verify.Sum(nil)); got != j.SHA256 {
			return "", &ContractError{Source: j.Source.ID, File: j.File, Reason: fmt.Sprintf("sha256 is %s, the raw layer recorded %s", got, j.SHA256)}
		}
	}
	rep.Periods = j.sortedPeriods()
	if len(rep.Periods) > 0 {
		rep.Watermark = rep.Periods[len(rep.Periods)-1]
	} else if j.Source.Grain == "snapshot" {
		rep.Watermark = j.Params.Now.Format("2006-01-02")
	}
	if j.watermark != "" {
		rep.Watermark = j.watermark
	}
	for _, l := range j.landers {
		if err := l.close(); err != nil {
			return "", err
		}
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
	j.Report.Skipped = true
	j.Report.Duration = time.Since(start)
	return content, true, nil
}

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

// job is one load in progress: its state, the engine's session and what
// the loader reads the file with.
type job struct {
	*LoadState
	ctx     context.Context
	sess    Session
	counter *countingReader
	verify  hash.Hash
	in      io.Reader
	// watermark overrides the last period when the file says which period
	// is complete (a semester report, say).
	watermark string
	content   hash.Hash
	landers   []*lander
	// finish runs the load's models once the rows are landed and the
	// file is known to be new.
	finish func() error
	// skipWhy and skipN are the kinds of skipped records, in the order
	// first seen, and their counts (the report's SkippedWhy spells them).
	skipWhy []string
	skipN   []int64
}

// twoStep makes the load commit its landed rows before the models run, and
// publish them, with the models' output, in a second transaction, where
// the engine numbers loads (Session.NumberLoad). For a table whose core is
// a view over landing: the rows carry the load's number, never reused, and
// the view shows a numbered row only once the ingest log names its number,
// which the second transaction writes. A load that fails between the two
// leaves rows nobody reads; the next load of their months deletes them
// with the rows it replaces.
func (j *job) twoStep() error {
	seq, err := j.sess.NumberLoad(j.ctx)
	if err != nil {
		return fmt.Errorf("numbering the load: %w", err)
	}
	j.LoadSeq = seq
	return nil
}

func (j *job) contractErr(line int, column, format string, args ...any) *ContractError {
	return j.ContractErr(line, column, format, args...)
}

// closeLanders stops the appending goroutines of a failed load.
func (j *job) closeLanders() {
	for _, l := range j.landers {
		_ = l.close()
	}
}

func (j *job) step(name string, d time.Duration) { j.Step(name, d) }

func (j *job) addPeriod(p string) { j.periods[p] = true }

// skipLanded is skip for records that land (and reach core) but that the
// marts do not publish.
func (j *job) skipLanded(n int64, why string) {
	j.skip(n, why)
	if n > 0 {
		j.Unpublished += n
	}
}

// skip counts n records the source's contract leaves out of the marts
// before they land, and says which.
func (j *job) skip(n int64, why string) {
	if n <= 0 {
		return
	}
	j.Report.RowsSkipped += n
	i := slices.Index(j.skipWhy, why)
	if i < 0 {
		j.skipWhy, j.skipN = append(j.skipWhy, why), append(j.skipN, 0)
		j.Report.SkippedWhy = append(j.Report.SkippedWhy, "")
		i = len(j.skipWhy) - 1
	}
	j.skipN[i] += n
	j.Report.SkippedWhy[i] = fmt.Sprintf("%d %s", j.skipN[i], why)
}

func (j *job) sortedPeriods() []string { return j.Periods() }

// sameFileCurrent reports whether the file's sha256 was loaded before for
// the source, over the reference data now in effect, and no later load of
// the same layout and scope replaced any of its periods; it then fills the
// report from the ingest log.
func (j *job) sameFileCurrent() (bool, error) {
	var seq, read, landed, published, skipped, bytes int64
	var layout, scope, periods, watermark, deps, why string
	err := j.sess.QueryRow(j.ctx, `SELECT seq, layout, scope, periods, coalesce(watermark, ''), rows_read, rows_loaded,
		coalesce(rows_published, rows_loaded), coalesce(rows_skipped, 0), coalesce(skipped_why, ''), bytes, coalesce(deps_sha256, '')
		FROM landing.ingest_files WHERE source = ? AND file_sha256 = ? ORDER BY seq DESC LIMIT 1`, j.Source.ID, j.SHA256).
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
	rows, err := j.sess.Query(j.ctx, `SELECT periods FROM landing.ingest_files
		WHERE source = ? AND layout = ? AND scope = ? AND seq > ?`, j.Source.ID, layout, scope, seq)
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
	r := j.Report
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
	rows, err := j.sess.Query(j.ctx, `SELECT file_sha256, content_sha256, periods, coalesce(deps_sha256, ''),
		coalesce(rows_published, rows_loaded) FROM landing.ingest_files
		WHERE source = ? AND layout = ? AND scope = ? ORDER BY loaded_at DESC, seq DESC`, j.Source.ID, j.Layout, j.Scope)
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
		if (sha != j.SHA256 && csum != content) || deps != j.Deps {
			return false, nil
		}
		j.Report.RowsPublished = published // the same typed rows publish as many
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

// firstUnmapped runs a load's mapping check (every landed row must reach
// core with its municipality), the model check_<x>: a planned load raises
// the refusal in its script; otherwise the first unmapped row of the file
// is scanned into dest and found says there was one.
func (j *job) firstUnmapped(name, model string, dest ...any) (found bool, err error) {
	err = j.sess.Check(j.ctx, Check{Name: name, Model: model, Dest: dest, Refuse: func() error {
		found = true
		return nil
	}})
	return found, err
}

// note records something the operator should know about the load.
func (j *job) note(format string, args ...any) {
	j.Report.Notes = append(j.Report.Notes, fmt.Sprintf(format, args...))
}
