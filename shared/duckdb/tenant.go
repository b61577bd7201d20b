package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/uploads"
)

// LoadTenantMetrics writes an upload into the org's tenant mart, in one
// transaction: rows of the same metrics and months are replaced, so loading a
// file twice changes nothing and a revised file replaces what it covers.
// Only the scope decides where: the shared mart under the org's tenant_key
// (row mode) or the org's own schema (dataset mode). It returns the mart's
// watermark and row count for the org afterwards.
func (d *DB) LoadTenantMetrics(ctx context.Context, scope semantic.TenantScope, f *uploads.File) (string, int64, error) {
	if scope.OrgID == "" {
		return "", 0, fmt.Errorf("no tenant scope")
	}
	table, key := "marts.tenant_metrics", true
	if scope.Dataset != "" {
		if err := d.EnsureTenantSchema(ctx, scope.Dataset); err != nil {
			return "", 0, err
		}
		table, key = scope.Dataset+".tenant_metrics", false
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return "", 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := replaceTenantMonths(ctx, tx, table, key, scope.OrgID, f); err != nil {
		return "", 0, err
	}
	names, err := municipioNames(ctx, tx, f)
	if err != nil {
		return "", 0, err
	}
	cols := "month, year, municipio, municipio_nome, uf, region, metric, value"
	ph := "CAST(? AS DATE), ?, ?, ?, ?, ?, ?, ?"
	if key {
		cols, ph = "tenant_key, "+cols, "?, "+ph
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+table+` (`+cols+`) VALUES (`+ph+`)`)
	if err != nil {
		return "", 0, err
	}
	defer stmt.Close()
	for _, r := range f.Rows {
		uf, region := r.Territory()
		var muni, muniName any
		if r.Municipio != "" {
			muni, muniName = r.Municipio, nullable(names[r.Municipio])
		}
		vals := []any{r.Month + "-01", atoiYear(r.Month), muni, muniName, nullable(uf), nullable(region), r.Metric, r.Value}
		if key {
			vals = append([]any{scope.OrgID}, vals...)
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return "", 0, fmt.Errorf("loading: %w", err)
		}
	}
	var wm sql.NullString
	var n int64
	q := `SELECT strftime(max(month), '%Y-%m'), count(*) FROM ` + table
	var qargs []any
	if key {
		q += ` WHERE tenant_key = ?`
		qargs = append(qargs, scope.OrgID)
	}
	if err := tx.QueryRowContext(ctx, q, qargs...).Scan(&wm, &n); err != nil {
		return "", 0, err
	}
	if err := tx.Commit(); err != nil {
		return "", 0, err
	}
	return wm.String, n, nil
}

// replaceTenantMonths deletes the rows of the upload's metrics and months
// from the tenant's table (the org's rows only, in the shared mart).
func replaceTenantMonths(ctx context.Context, tx *sql.Tx, table string, key bool, orgID string, f *uploads.File) error {
	months := map[string]bool{}
	for _, r := range f.Rows {
		months[r.Month] = true
	}
	var marks, qs []string
	var args []any
	for m := range months {
		marks = append(marks, "CAST(? AS DATE)")
		args = append(args, m+"-01")
	}
	for _, m := range f.Metrics {
		qs = append(qs, "?")
		args = append(args, m)
	}
	del := fmt.Sprintf(`DELETE FROM %s WHERE month IN (%s) AND metric IN (%s)`, table, strings.Join(marks, ","), strings.Join(qs, ","))
	if key {
		del += ` AND tenant_key = ?`
		args = append(args, orgID)
	}
	if _, err := tx.ExecContext(ctx, del, args...); err != nil {
		return fmt.Errorf("replacing the covered months: %w", err)
	}
	return nil
}

func municipioNames(ctx context.Context, tx *sql.Tx, f *uploads.File) (map[string]string, error) {
	return stringPairs(ctx, tx, `SELECT municipio, municipio_nome FROM core.dim_municipio`)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func atoiYear(month string) int {
	y := 0
	for _, c := range month[:4] {
		y = y*10 + int(c-'0')
	}
	return y
}
