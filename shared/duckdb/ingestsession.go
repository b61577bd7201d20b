package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mirante/mirante/shared/ingest"
)

// AppenderFunc opens an ingest.Appender on a load's connection.
type AppenderFunc func(ctx context.Context, conn *sql.Conn, t ingest.AppendTarget) (ingest.Appender, error)

// Ingest is the ingest engine over a DuckDB warehouse: a load is one
// transaction on one connection (a two-step load, two), and its rows land
// in batches through a table function (OpenBatchAppender).
func Ingest(wh *sql.DB) ingest.Engine { return engine{db: wh, open: OpenBatchAppender} }

// PortableIngest is Ingest landing rows through batched INSERTs
// (InsertAppender), the path any SQL engine takes.
func PortableIngest(wh *sql.DB) ingest.Engine { return engine{db: wh, open: InsertAppender} }

type engine struct {
	db   *sql.DB
	open AppenderFunc
}

// loadMu serialises loads in this process: DuckDB has one writer, and a
// revised file must not interleave with another load of its periods.
var loadMu sync.Mutex

// Begin takes the process's load lock and a connection, and begins the
// load's transaction; Close gives them back.
func (e engine) Begin(ctx context.Context, st *ingest.LoadState) (ingest.Session, error) {
	loadMu.Lock()
	conn, err := e.db.Conn(ctx)
	if err != nil {
		loadMu.Unlock()
		return nil, fmt.Errorf("warehouse connection: %w", err)
	}
	s := &session{ctx: ctx, conn: conn, st: st, open: e.open}
	if err := s.exec(ctx, "BEGIN TRANSACTION"); err != nil {
		conn.Close()
		loadMu.Unlock()
		return nil, err
	}
	return s, nil
}

// session is one DuckDB load: every call runs at once in its transaction.
type session struct {
	ctx       context.Context
	conn      *sql.Conn
	st        *ingest.LoadState
	open      AppenderFunc
	committed bool
}

func (s *session) exec(ctx context.Context, q string, args ...any) error {
	if _, err := s.conn.ExecContext(ctx, q, args...); err != nil {
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

func (s *session) Query(ctx context.Context, q string, args ...any) (ingest.Rows, error) {
	rows, err := s.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (s *session) QueryRow(ctx context.Context, q string, args ...any) ingest.Row {
	return s.conn.QueryRowContext(ctx, q, args...)
}

func (s *session) Run(ctx context.Context, _, stmt string) error { return s.exec(ctx, stmt) }

// Check queries the check's model in the transaction and refuses on its
// first row.
func (s *session) Check(ctx context.Context, c ingest.Check) error {
	text, err := ingest.Model("duckdb", c.Model)
	if err != nil {
		return err
	}
	q := strings.TrimSuffix(strings.TrimSpace(text), ";")
	args, err := s.modelArgs(c.Model, q, nil)
	if err != nil {
		return err
	}
	err = s.conn.QueryRowContext(ctx, q, args...).Scan(c.Dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	return c.Refuse()
}

// RequireLoaded refuses the load on what its transaction read.
func (s *session) RequireLoaded(_ context.Context, _ []ingest.Requirement, missing *ingest.Requirement) error {
	if missing != nil {
		return s.st.ContractErr(0, "", "%s", missing.Command())
	}
	return nil
}

// NumberLoad takes the load's number from the never-reused sequence
// landing.load_seq.
func (s *session) NumberLoad(ctx context.Context) (int64, error) {
	var seq int64
	err := s.conn.QueryRowContext(ctx, `SELECT nextval('landing.load_seq')`).Scan(&seq)
	return seq, err
}

// ExtendScope does nothing: DuckDB's models add the months they replace
// to load_scope themselves.
func (s *session) ExtendScope(context.Context, string, ...any) error { return nil }

// LandingBound is empty: DuckDB's landing tables are not partitioned.
func (s *session) LandingBound() string { return "" }

// Publish commits a two-step load's landed rows first (see
// ingest.Session.NumberLoad), then writes the scope and the ingest log,
// runs the models, counts what they publish and commits. The log is
// written before the models run: a two-step load's core shows its landed
// rows once the log names them (in one transaction, the order is moot).
func (s *session) Publish(ctx context.Context, models func() error) error {
	st := s.st
	if st.LoadSeq != 0 {
		t0 := time.Now()
		if err := s.exec(ctx, "COMMIT"); err != nil {
			return err
		}
		st.Step("commit landing", time.Since(t0))
		if err := s.exec(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
	}
	if err := s.fillScope(ctx); err != nil {
		return err
	}
	if err := s.logFile(ctx); err != nil {
		return err
	}
	if models != nil {
		if err := models(); err != nil {
			return err
		}
	}
	if err := s.countPublished(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	if err := s.exec(ctx, "COMMIT"); err != nil {
		return err
	}
	st.Step("commit", time.Since(t0))
	s.committed = true
	return nil
}

// Close rolls back what was not committed and frees the connection and
// the load lock.
func (s *session) Close() error {
	defer loadMu.Unlock()
	if !s.committed {
		_, _ = s.conn.ExecContext(context.WithoutCancel(s.ctx), "ROLLBACK")
	}
	return s.conn.Close()
}

// fillScope writes the file's periods to the temporary table load_scope
// that the models read.
func (s *session) fillScope(ctx context.Context) error {
	if err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE load_scope (period DATE, year INTEGER)`); err != nil {
		return err
	}
	for _, p := range s.st.Periods() {
		t, err := ingest.PeriodStart(p)
		if err != nil {
			return err
		}
		if err := s.exec(ctx, `INSERT INTO load_scope VALUES (?, ?)`, t, t.Year()); err != nil {
			return err
		}
	}
	return nil
}

// logFile writes the load's row of landing.ingest_files.
func (s *session) logFile(ctx context.Context) error {
	st, rep := s.st, s.st.Report
	return s.exec(ctx, `INSERT INTO landing.ingest_files (source, layout, scope, file_name, file_sha256, content_sha256, bytes,
		rows_read, rows_loaded, periods, watermark, loaded_at, seq, load_seq, rows_skipped, skipped_why, deps_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM landing.ingest_files), ?, ?, ?, ?)`,
		st.Source.ID, st.Layout, st.Scope, st.File, st.SHA256, st.Content, rep.Bytes, rep.RowsRead, rep.RowsLoaded,
		strings.Join(rep.Periods, ","), rep.Watermark, st.Params.Now, sql.Null[int64]{V: st.LoadSeq, Valid: st.LoadSeq != 0},
		rep.RowsSkipped, strings.Join(rep.SkippedWhy, "; "), st.Deps)
}

// countPublished fills the report's RowsPublished and the ingest log's
// rows_published within the load's transaction, and refuses a load that
// publishes short (ingest.LoadState.CheckPublished).
func (s *session) countPublished(ctx context.Context) error {
	st := s.st
	q := st.Published()
	if q == "" {
		return fmt.Errorf("%s %s: no count of published rows", st.Source.ID, st.Layout)
	}
	q = strings.NewReplacer("$months", "(SELECT period FROM load_scope)", "$years", "(SELECT year FROM load_scope)").Replace(q)
	var args []any
	if strings.Contains(q, "?") {
		args = append(args, st.SHA256)
	}
	if err := s.conn.QueryRowContext(ctx, q, args...).Scan(&st.Report.RowsPublished); err != nil {
		return fmt.Errorf("counting the published rows: %w", err)
	}
	if err := st.CheckPublished(st.Report.RowsPublished); err != nil {
		return err
	}
	return s.exec(ctx, `UPDATE landing.ingest_files SET rows_published = ? WHERE seq = (SELECT max(seq) FROM landing.ingest_files)`, st.Report.RowsPublished)
}
