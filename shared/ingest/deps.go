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
	for _, q := range j.src.Requires {
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
		err := j.conn.QueryRowContext(j.ctx, query+` ORDER BY seq DESC LIMIT 1`, args...).Scan(&content)
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
// resolves against was never loaded, and otherwise records their
// fingerprint for the ingest log. On BigQuery the refusal is a statement
// of the load's script (dependenciesBigQuery), in its transaction; the
// fingerprint is read beforehand.
func (j *job) requireDependencies() error {
	fp, missing, err := j.dependencies(j.layout)
	if err != nil {
		return err
	}
	j.deps = fp
	if j.remote != nil {
		if reqs := j.resolving(j.layout); len(reqs) > 0 {
			return j.remote.addStatement("dependency check", dependenciesBigQuery(reqs))
		}
		return nil
	}
	if missing != nil {
		return j.contractErr(0, "", "%s", missing.Command())
	}
	return nil
}

// dependenciesBigQuery is the check of requireDependencies inside a
// BigQuery load's transaction: one SELECT whose CASE calls ERROR() with
// the first missing requirement's command.
func dependenciesBigQuery(reqs []Requirement) string {
	var b strings.Builder
	b.WriteString("SELECT CASE\n")
	for _, q := range reqs {
		cond := "source = '" + q.Source + "'"
		if len(q.Layouts) > 0 {
			cond += " AND layout IN ('" + strings.Join(q.Layouts, "', '") + "')"
		}
		fmt.Fprintf(&b, "  WHEN (SELECT COUNT(*) FROM landing.ingest_files WHERE %s) = 0 THEN ERROR('%s%s%s')\n",
			cond, contractMark, q.Command(), contractEnd)
	}
	b.WriteString("  ELSE 'every dependency loaded'\nEND AS dependencies;")
	return b.String()
}

// dependentRefreshes are the models that rebuild, from core, the marts of
// every source that takes reference data from this load's layout, in
// order, each once.
func (j *job) dependentRefreshes() []string {
	var out []string
	for _, s := range sources {
		for _, q := range s.Requires {
			if !q.providedBy(j.src.ID, j.layout) {
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

// published counts the rows of this load the marts publish, in core after
// the models ran: ? is the file's sha256, $months and $years the load's
// scope (see countPublished and publishedBigQuery; they keep BigQuery's
// count to the load's partitions). The reference tables count their rows
// in effect, which a load replaces.
func (j *job) published() string {
	switch j.src.ID + "/" + j.layout {
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
	switch j.src.ID {
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

// countPublished fills the report's RowsPublished and the ingest log's
// rows_published within the DuckDB load's transaction.
func (j *job) countPublished() error {
	q := j.published()
	if q == "" {
		return fmt.Errorf("%s %s: no count of published rows", j.src.ID, j.layout)
	}
	q = strings.NewReplacer("$months", "(SELECT period FROM load_scope)", "$years", "(SELECT year FROM load_scope)").Replace(q)
	var args []any
	if strings.Contains(q, "?") {
		args = append(args, j.sha)
	}
	if err := j.conn.QueryRowContext(j.ctx, q, args...).Scan(&j.rep.RowsPublished); err != nil {
		return fmt.Errorf("counting the published rows: %w", err)
	}
	if want, ok := j.wantPublished(); ok && j.rep.RowsPublished != want {
		return j.contractErr(0, "", unpublishedRefusal, j.rep.RowsLoaded-j.rep.RowsPublished-j.unpublished, j.rep.RowsLoaded, j.rep.RowsPublished, j.unpublished)
	}
	return j.exec(`UPDATE landing.ingest_files SET rows_published = ? WHERE seq = (SELECT max(seq) FROM landing.ingest_files)`, j.rep.RowsPublished)
}

// publishedBigQuery is published inside BigQuery's script.
func publishedBigQuery(j *job) string {
	return strings.NewReplacer("?", "@file_sha256", "$months", "UNNEST(@periods)", "$years", "UNNEST(@years)").Replace(j.published())
}

// wantPublished is how many rows a fact load must publish: every row it
// landed but those its source's contract keeps out (skipLanded). A
// reference table (no per-file count) has no such count.
func (j *job) wantPublished() (int64, bool) {
	if !strings.Contains(j.published(), "?") {
		return 0, false
	}
	return j.rep.RowsLoaded - j.unpublished, true
}

// unpublishedRefusal refuses a load some of whose landed rows reach no
// mart (rows, landed, published, kept out), in fmt's verbs and BigQuery's
// FORMAT alike; no quote or semicolon, as BigQuery's check quotes it.
const unpublishedRefusal = `%d landed rows would reach no mart (%d landed, %d published, %d kept out by the source contract): refused rather than published short`

// checkPublishedBigQuery is the refusal of checkPublished inside the
// BigQuery load's script, after its models.
func checkPublishedBigQuery(j *job) error {
	want, ok := j.wantPublished()
	if !ok {
		return nil
	}
	count := "(" + publishedBigQuery(j) + ")"
	return j.remote.addStatement("published check", fmt.Sprintf(`SELECT CASE
  WHEN %[1]s <> %[2]d THEN ERROR(FORMAT('%[3]s%[4]s%[5]s', %[2]d - %[1]s, %[7]d, %[1]s, %[6]d))
  ELSE 'every landed row published'
END AS published_check;`, count, want, contractMark, unpublishedRefusal, contractEnd, j.unpublished, j.rep.RowsLoaded))
}
