// Package synthetic fills the local DuckDB warehouse with synthetic but
// realistic demo data, so the product works offline on a fresh machine: every
// public mart, the municipality dimension, and each demo org's own
// tenant_metrics rows.
//
// Everything is derived from Params.Seed with PCG streams, so the same
// Params give the same tables. Codes and names (states, municipalities, NCM,
// partner countries, CNAE sections) are real facts typed in and checked by
// the tests against the official tables in ../shared/data; the numbers are
// generated around published orders of magnitude.
//
// Fill replaces each mart's content in its own transaction (delete, then
// insert), so it is idempotent and a reader never sees a half-filled mart.
// It is meant for a warehouse holding demo data only: real files loaded by
// the ingest replace the periods they cover, and running Fill afterwards
// would replace them back (see Empty).
package synthetic

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/tenant"
)

// Mart ids, as in the semantic catalog.
const (
	ComexMonthly   = "comex_monthly"
	ComexMunicipal = "comex_municipal_monthly" // derived from ComexMonthly's rows: filled after it
	AntaqMonthly   = "antaq_monthly"
	CagedMonthly   = "caged_monthly"
	PIBMunicipal   = "pib_municipal"
	IPCAMonthly    = "ipca_monthly"
	SiconfiAnnual  = "siconfi_annual"
	TenantMetrics  = "tenant_metrics"
)

// Marts lists the marts Fill writes, in the order it writes them.
var Marts = []string{ComexMonthly, ComexMunicipal, AntaqMonthly, CagedMonthly, PIBMunicipal, IPCAMonthly, SiconfiAnnual, TenantMetrics}

// publicMarts are the marts every org shares (all but tenant_metrics).
var publicMarts = []string{ComexMonthly, ComexMunicipal, AntaqMonthly, CagedMonthly, PIBMunicipal, IPCAMonthly, SiconfiAnnual}

// Isolation modes of a tenant's own data.
const (
	IsolationRow     = "row"
	IsolationDataset = "dataset"
)

// Tenant is an org that gets tenant_metrics rows of its own.
type Tenant struct {
	OrgID     string // tenant_key in row mode
	Slug      string // picks the metrics; unknown slugs get generic ones named after the slug
	Isolation string // "row" | "dataset"
	Dataset   string // the org's own schema, dataset mode only
}

// Params says what to generate.
type Params struct {
	Tenants []Tenant
	Seed    int64
	// ComexRows is the approximate row count of marts.comex_monthly; 0 means
	// DefaultComexRows.
	ComexRows int
	// Schemas, when set, creates the schemas of dataset-mode tenants (the
	// warehouse's EnsureTenantSchema); otherwise Fill creates them with the
	// same statement.
	Schemas TenantSchemas
}

// DefaultComexRows is the size of marts.comex_monthly when Params.ComexRows is 0.
const DefaultComexRows = comexDefaultRows

// TenantSchemas creates a dataset-mode tenant's schema and tables.
type TenantSchemas interface {
	EnsureTenantSchema(ctx context.Context, dataset string) error
}

// Report says what Fill wrote.
type Report struct {
	Marts          map[string]MartReport // by mart id
	Tenants        []TenantReport        // in Params order
	Municipalities int                   // rows of core.dim_municipio that Fill provides
}

// MartReport is one mart's row count and watermark (the last complete
// period: "YYYY-MM" for monthly marts, "YYYY" for annual ones). The
// tenant_metrics count is of the shared row-mode table only.
type MartReport struct {
	Rows      int64
	Watermark string
}

// TenantReport is what one org got.
type TenantReport struct {
	OrgID   string
	Slug    string
	Table   string // schema-qualified table the rows went to
	Rows    int64
	Metrics []string
}

// Fill writes the demo data. See the package comment.
func Fill(ctx context.Context, db *sql.DB, p Params) (Report, error) {
	if err := p.validate(); err != nil {
		return Report{}, err
	}
	rows := p.ComexRows
	if rows == 0 {
		rows = DefaultComexRows
	}
	// Dataset-mode schemas first: creating them goes through other
	// connections, outside the transactions below.
	for _, t := range p.Tenants {
		if t.Isolation != IsolationDataset {
			continue
		}
		if err := ensureSchema(ctx, db, p.Schemas, t.Dataset); err != nil {
			return Report{}, fmt.Errorf("creating the schema of %s: %w", t.Slug, err)
		}
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("demo data: %w", err)
	}
	defer conn.Close()

	rep := Report{Marts: map[string]MartReport{}}
	if rep.Municipalities, err = fillMunicipalities(ctx, conn); err != nil {
		return Report{}, err
	}
	steps := []struct {
		mart, watermark string
		fill            func() (int64, error)
	}{
		{ComexMonthly, monthlyWatermark, func() (int64, error) { return fillComex(ctx, conn, p.Seed, rows) }},
		{ComexMunicipal, monthlyWatermark, func() (int64, error) { return fillComexMunicipal(ctx, conn, p.Seed) }},
		{AntaqMonthly, monthlyWatermark, func() (int64, error) { return fillAntaq(ctx, conn, p.Seed) }},
		{CagedMonthly, monthlyWatermark, func() (int64, error) { return fillCaged(ctx, conn, p.Seed) }},
		{PIBMunicipal, pibWatermark, func() (int64, error) { return fillPIB(ctx, conn, p.Seed) }},
		{IPCAMonthly, monthlyWatermark, func() (int64, error) { return fillIPCA(ctx, conn, p.Seed) }},
		{SiconfiAnnual, siconfiWatermark, func() (int64, error) { return fillSiconfi(ctx, conn, p.Seed) }},
	}
	for _, s := range steps {
		n, err := replace(ctx, conn, "DELETE FROM marts."+s.mart, s.fill)
		if err != nil {
			return Report{}, fmt.Errorf("filling %s: %w", s.mart, err)
		}
		rep.Marts[s.mart] = MartReport{Rows: n, Watermark: s.watermark}
	}

	shared, tenants, err := fillTenants(ctx, conn, p.Seed, p.Tenants)
	if err != nil {
		return Report{}, err
	}
	rep.Marts[TenantMetrics] = MartReport{Rows: shared, Watermark: monthlyWatermark}
	rep.Tenants = tenants
	return rep, nil
}

// Empty reports whether every public mart Fill writes has no rows, the
// condition under which the local stack loads the demo data.
func Empty(ctx context.Context, db *sql.DB) (bool, error) {
	for _, m := range publicMarts {
		var has bool
		err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM marts."+m+")").Scan(&has)
		if err != nil {
			return false, fmt.Errorf("reading marts.%s: %w", m, err)
		}
		if has {
			return false, nil
		}
	}
	return true, nil
}

// validate refuses anything that could put one org's rows where another
// can read them.
func (p Params) validate() error {
	if p.ComexRows < 0 {
		return apperr.Errorf(apperr.Invalid, "comex rows must not be negative")
	}
	ids, slugs, datasets := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, t := range p.Tenants {
		switch {
		case t.OrgID == "":
			return apperr.Errorf(apperr.Invalid, "tenant %q has no org id", t.Slug)
		case t.Slug == "":
			return apperr.Errorf(apperr.Invalid, "tenant %s has no slug", t.OrgID)
		case ids[t.OrgID]:
			return apperr.Errorf(apperr.Invalid, "org id %s appears twice", t.OrgID)
		case slugs[t.Slug]:
			return apperr.Errorf(apperr.Invalid, "slug %s appears twice", t.Slug)
		}
		ids[t.OrgID], slugs[t.Slug] = true, true
		switch t.Isolation {
		case IsolationRow:
			if t.Dataset != "" {
				return apperr.Errorf(apperr.Invalid, "tenant %s is in row mode but names dataset %q", t.Slug, t.Dataset)
			}
		case IsolationDataset:
			if !tenant.ValidDataset(t.Dataset) {
				return apperr.Errorf(apperr.Invalid, "tenant %s: dataset %q is not a schema of its own", t.Slug, t.Dataset)
			}
			if datasets[t.Dataset] {
				return apperr.Errorf(apperr.Invalid, "dataset %s is given to two tenants", t.Dataset)
			}
			datasets[t.Dataset] = true
		default:
			return apperr.Errorf(apperr.Invalid, "tenant %s: isolation %q is neither %q nor %q", t.Slug, t.Isolation, IsolationRow, IsolationDataset)
		}
	}
	return nil
}

// ensureSchema creates a dataset-mode tenant's schema, through the
// warehouse when it was given, else with the warehouse's own statement.
func ensureSchema(ctx context.Context, db *sql.DB, s TenantSchemas, dataset string) error {
	if s != nil {
		return s.EnsureTenantSchema(ctx, dataset)
	}
	_, err := db.ExecContext(ctx, fmt.Sprintf(`
		CREATE SCHEMA IF NOT EXISTS %[1]s;
		CREATE TABLE IF NOT EXISTS %[1]s.tenant_metrics (
		  month DATE NOT NULL, year INTEGER NOT NULL, municipio VARCHAR, municipio_nome VARCHAR,
		  uf VARCHAR, region VARCHAR, metric VARCHAR NOT NULL, value DOUBLE NOT NULL)`, dataset))
	return err
}

// replace runs del and then fill in one transaction on conn, so readers see
// the old rows or the new ones, never a mix or a half.
func replace(ctx context.Context, conn *sql.Conn, del string, fill func() (int64, error)) (int64, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, del); err != nil {
		return 0, errors.Join(err, tx.Rollback())
	}
	n, err := fill()
	if err != nil {
		return 0, errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return n, nil
}

// rowSource produces a table's rows, handing each to add.
type rowSource func(add func(vals ...driver.Value) error) error

// appendRows streams rows into schema.table's named columns through a
// DuckDB appender on conn (inside conn's open transaction).
func appendRows(ctx context.Context, conn *sql.Conn, schema, table string, cols []string, gen rowSource) (int64, error) {
	target := schema + "." + table
	return appendThrough(ctx, conn, target, func(drv driver.Conn) (*duckdb.Appender, error) {
		a, err := duckdb.NewAppenderWithColumns(drv, "", schema, table, cols)
		if err != nil {
			return nil, fmt.Errorf("opening an appender on %s: %w", target, err)
		}
		return a, nil
	}, gen)
}

// appendThrough streams gen's rows through the appender open makes on
// conn's DuckDB connection and returns how many it appended. The context is
// checked every 4096 rows; when gen fails the appender is cleared and
// closed. target names what a failed flush was writing.
func appendThrough(ctx context.Context, conn *sql.Conn, target string, open func(driver.Conn) (*duckdb.Appender, error), gen rowSource) (int64, error) {
	var n int64
	err := conn.Raw(func(dc any) error {
		drv, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("not a DuckDB connection: %T", dc)
		}
		a, err := open(drv)
		if err != nil {
			return err
		}
		err = gen(func(vals ...driver.Value) error {
			if n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			n++
			return a.AppendRow(vals...)
		})
		if err != nil {
			return closeAppender(a, err)
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("flushing %s: %w", target, err)
		}
		return nil
	})
	return n, err
}

// closeAppender drops what an appender holds after cause stopped the writing.
func closeAppender(a *duckdb.Appender, cause error) error {
	return errors.Join(cause, a.Clear(), a.Close())
}

// stagedColumn is one column of the batches a query appender collects.
type stagedColumn struct {
	name string
	typ  duckdb.Type
}

// appendStaged streams narrow rows (small integer keys and measures)
// through a DuckDB query appender on conn: each batch it collects, as the
// table appended_data, is moved into the mart by insert, one set-based
// statement that turns the keys back into codes and names. Appending the
// wide rows directly costs a cgo call per string value and is several times
// slower. Rows keep their order.
func appendStaged(ctx context.Context, conn *sql.Conn, insert string, cols []stagedColumn, gen rowSource) (int64, error) {
	types := make([]duckdb.TypeInfo, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		ti, err := duckdb.NewTypeInfo(c.typ)
		if err != nil {
			return 0, err
		}
		types[i], names[i] = ti, c.name
	}
	return appendThrough(ctx, conn, "the appender", func(drv driver.Conn) (*duckdb.Appender, error) {
		a, err := duckdb.NewQueryAppender(drv, insert, "appended_data", types, names)
		if err != nil {
			return nil, fmt.Errorf("opening a query appender: %w", err)
		}
		return a, nil
	}, gen)
}

// fillMunicipalities adds the municipalities the marts refer to. Rows that
// exist (for example from the IBGE loader, with immediate regions) are kept.
func fillMunicipalities(ctx context.Context, conn *sql.Conn) (int, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO core.dim_municipio
		(municipio, municipio_nome, uf, uf_code, uf_nome, region, capital)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, errors.Join(fmt.Errorf("core.dim_municipio: %w", err), tx.Rollback())
	}
	for _, mu := range municipalities {
		u := ufs[ufIndex[mu.uf]]
		if _, err := stmt.ExecContext(ctx, mu.code, mu.name, u.abbr, u.code, u.name, u.region, mu.capital); err != nil {
			return 0, errors.Join(fmt.Errorf("core.dim_municipio: %w", err), stmt.Close(), tx.Rollback())
		}
	}
	if err := stmt.Close(); err != nil {
		return 0, errors.Join(err, tx.Rollback())
	}
	return len(municipalities), tx.Commit()
}

func fillAntaq(ctx context.Context, conn *sql.Conn, seed int64) (int64, error) {
	cols := []string{"month", "year", "port", "uf", "region", "nav_type", "cargo_nature", "direction", "tonnes", "teu", "berthings"}
	return appendRows(ctx, conn, "marts", "antaq_monthly", cols, func(add func(...driver.Value) error) error {
		return genAntaq(seed, func(r antaqRow) error {
			return add(r.m.date(firstYear), int32(r.m.year(firstYear)), r.port.name, r.port.uf, regionOf(r.port.uf),
				navTypes[r.nav], cargoNatures[r.nature], directions[r.direction], r.tonnes, r.teu, r.berthings)
		})
	})
}

func fillCaged(ctx context.Context, conn *sql.Conn, seed int64) (int64, error) {
	mun := func(f func(m municipality) string) string {
		return sqlList(len(municipalities), "mu", func(i int) string { return f(municipalities[i]) })
	}
	sec := func(f func(s cnaeSection) string) string {
		return sqlList(len(cnaeSections), "s", func(i int) string { return f(cnaeSections[i]) })
	}
	insert := fmt.Sprintf(`INSERT INTO marts.caged_monthly
  (month, year, municipio, municipio_nome, regiao_imediata, regiao_imediata_nome, uf, region,
   cnae_section, cnae_section_name, admissions, separations, net)
SELECT make_date(%[1]d + m // 12, m %% 12 + 1, 1), CAST(%[1]d + m // 12 AS INTEGER),
  %[2]s, %[3]s, NULL, NULL, %[4]s, %[5]s, %[6]s, %[7]s, adm, sep, adm - sep
FROM appended_data`,
		firstYear,
		mun(func(m municipality) string { return m.code }),
		mun(func(m municipality) string { return m.name }),
		mun(func(m municipality) string { return m.uf }),
		mun(func(m municipality) string { return regionOf(m.uf) }),
		sec(func(s cnaeSection) string { return s.code }),
		sec(func(s cnaeSection) string { return s.name }))
	cols := []stagedColumn{{"m", duckdb.TYPE_USMALLINT}, {"mu", duckdb.TYPE_USMALLINT}, {"s", duckdb.TYPE_UTINYINT},
		{"adm", duckdb.TYPE_BIGINT}, {"sep", duckdb.TYPE_BIGINT}}
	return appendStaged(ctx, conn, insert, cols, func(add func(...driver.Value) error) error {
		row := make([]driver.Value, 5)
		return genCaged(seed, func(r cagedRow) error {
			row[0], row[1], row[2], row[3], row[4] = uint16(r.m), uint16(r.mun), uint8(r.section), r.admissions, r.separations
			return add(row...)
		})
	})
}

func fillPIB(ctx context.Context, conn *sql.Conn, seed int64) (int64, error) {
	cols := []string{"year", "municipio", "municipio_nome", "regiao_imediata", "regiao_imediata_nome",
		"uf", "region", "pib_brl", "population", "pib_per_capita_brl"}
	return appendRows(ctx, conn, "marts", "pib_municipal", cols, func(add func(...driver.Value) error) error {
		for i := range municipalities {
			for _, y := range municipalSeries(seed, i, PIBFirstYear, PIBLastYear) {
				if err := add(int32(y.year), y.mun.code, y.mun.name, nil, nil, y.mun.uf, regionOf(y.mun.uf),
					y.pibBRL, y.population, y.perCapita()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func fillIPCA(ctx context.Context, conn *sql.Conn, seed int64) (int64, error) {
	cols := []string{"month", "year", "index", "mom_pct", "yoy_pct"}
	return appendRows(ctx, conn, "marts", "ipca_monthly", cols, func(add func(...driver.Value) error) error {
		for _, r := range genIPCA(seed) {
			if err := add(r.m.date(ipcaFirstYear), int32(r.m.year(ipcaFirstYear)), r.index, r.momPct, r.yoyPct); err != nil {
				return err
			}
		}
		return nil
	})
}

func fillSiconfi(ctx context.Context, conn *sql.Conn, seed int64) (int64, error) {
	cols := []string{"year", "municipio", "municipio_nome", "uf", "region", "account", "coluna", "value_brl"}
	return appendRows(ctx, conn, "marts", "siconfi_annual", cols, func(add func(...driver.Value) error) error {
		for i := range municipalities {
			for _, y := range municipalSeries(seed, i, SiconfiFirstYear, SiconfiLastYear) {
				for k, v := range siconfiValues(seed, i, y) {
					if err := add(int32(y.year), y.mun.code, y.mun.name, y.mun.uf, regionOf(y.mun.uf),
						siconfiAccounts[k], siconfiColumns[k], v); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// fillTenants replaces each org's own rows: the row-mode orgs' rows in the
// shared table under their own tenant_key (one transaction, deleting only
// their keys), each dataset-mode org's rows in its own schema.
func fillTenants(ctx context.Context, conn *sql.Conn, seed int64, tenants []Tenant) (int64, []TenantReport, error) {
	out := make([]TenantReport, len(tenants))
	var shared int64
	cols := []string{"month", "year", "municipio", "municipio_nome", "uf", "region", "metric", "value"}
	gen := func(slug string) func(add func(...driver.Value) error) error {
		return func(add func(...driver.Value) error) error {
			return genTenant(seed, slug, func(r tenantRow) error {
				return add(r.m.date(firstYear), int32(r.m.year(firstYear)), r.mun.code, r.mun.name, r.mun.uf,
					regionOf(r.mun.uf), r.metric, r.value)
			})
		}
	}
	rowTenants := 0
	for _, t := range tenants {
		if t.Isolation == IsolationRow {
			rowTenants++
		}
	}
	if rowTenants > 0 {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return 0, nil, err
		}
		for i, t := range tenants {
			if t.Isolation != IsolationRow {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM marts.tenant_metrics WHERE tenant_key = ?", t.OrgID); err != nil {
				return 0, nil, errors.Join(fmt.Errorf("clearing the rows of %s: %w", t.Slug, err), tx.Rollback())
			}
			// Every row's key is this org's id, taken from t and never
			// from the generator.
			n, err := appendRows(ctx, conn, "marts", "tenant_metrics", append([]string{"tenant_key"}, cols...),
				func(add func(...driver.Value) error) error {
					return gen(t.Slug)(func(vals ...driver.Value) error {
						return add(append([]driver.Value{t.OrgID}, vals...)...)
					})
				})
			if err != nil {
				return 0, nil, errors.Join(fmt.Errorf("filling the rows of %s: %w", t.Slug, err), tx.Rollback())
			}
			shared += n
			out[i] = TenantReport{OrgID: t.OrgID, Slug: t.Slug, Table: "marts.tenant_metrics", Rows: n, Metrics: metricNames(t.Slug)}
		}
		if err := tx.Commit(); err != nil {
			return 0, nil, fmt.Errorf("filling marts.tenant_metrics: %w", err)
		}
	}
	for i, t := range tenants {
		if t.Isolation != IsolationDataset {
			continue
		}
		n, err := replace(ctx, conn, "DELETE FROM "+t.Dataset+".tenant_metrics", func() (int64, error) {
			return appendRows(ctx, conn, t.Dataset, "tenant_metrics", cols, gen(t.Slug))
		})
		if err != nil {
			return 0, nil, fmt.Errorf("filling the rows of %s: %w", t.Slug, err)
		}
		out[i] = TenantReport{OrgID: t.OrgID, Slug: t.Slug, Table: t.Dataset + ".tenant_metrics", Rows: n, Metrics: metricNames(t.Slug)}
	}
	return shared, out, nil
}
