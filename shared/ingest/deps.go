package ingest

import (
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// resolving are the source's requirements that the layout's rows resolve
// against (not NamesOnly).
func (j *job) resolving(layout string) []Requirement {
	var out []Requirement
	for _, q := range j.Source.Requires {
		if !q.NamesOnly && q.applies(layout) {
			out = append(out, q)
		}
	}
	return out
}

// dependencies reads, for the layout's resolving requirements, the typed
// content of the load of each that is in effect. It returns their
// fingerprint (empty when the layout requires nothing) and the first
// requirement never loaded, if any.
func (j *job) dependencies(layout string) (fingerprint string, missing *Requirement, err error) {
	reqs := j.resolving(layout)
	if len(reqs) == 0 {
		return "", nil, nil
	}
	h := sha256.New()
	for i, q := range reqs {
		query := `SELECT content_sha256 FROM landing.ingest_files WHERE source = ?`
		args := []any{q.Source}
		if len(q.Layouts) > 0 {
			query += ` AND layout IN (?` + strings.Repeat(", ?", len(q.Layouts)-1) + `)`
			for _, l := range q.Layouts {
				args = append(args, l)
			}
		}
		var content string
		err := j.sess.QueryRow(j.ctx, query+` ORDER BY seq DESC LIMIT 1`, args...).Scan(&content)
		if errors.Is(err, sql.ErrNoRows) || errors.Is(err, ErrTableNotFound) {
			return "", &reqs[i], nil
		}
		if err != nil {
			return "", nil, fmt.Errorf("reading the ingest log for %s: %w", q.What, err)
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", q.Source, strings.Join(q.Layouts, ","), content)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil, nil
}

// requireDependencies refuses the load when reference data its layout
// resolves against was never loaded (Session.RequireLoaded), and
// otherwise records their fingerprint for the ingest log.
func (j *job) requireDependencies() error {
	fp, missing, err := j.dependencies(j.Layout)
	if err != nil {
		return err
	}
	j.Deps = fp
	reqs := j.resolving(j.Layout)
	if len(reqs) == 0 {
		return nil
	}
	return j.sess.RequireLoaded(j.ctx, reqs, missing)
}

// dependentRefreshes are the models that rebuild, from core, the marts of
// every source that takes reference data from this load's layout, in
// order, each once.
func (j *job) dependentRefreshes() []string {
	var out []string
	for _, s := range sources {
		for _, q := range s.Requires {
			if !q.providedBy(j.Source.ID, j.Layout) {
				continue
			}
			for _, m := range q.Refresh {
				if !slices.Contains(out, m) {
					out = append(out, m)
				}
			}
		}
	}
	return out
}
