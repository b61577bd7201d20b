package semantic

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// TenantScope is whose data a query may read. The query service fills it from the
// request's tenant, never from the spec; the compiler refuses to compile a
// tenant mart without it.
type TenantScope struct {
	OrgID string
	// Dataset is the org's own warehouse dataset in dataset mode, "" in row
	// mode (the shared tenant mart filtered by tenant_key).
	Dataset string
}

// The dialects, named as the engines are.
const (
	DuckDB   = "duckdb"
	BigQuery = "bigquery"
)

// dialect holds what differs between the two SQL dialects. Everything else
// the compiler writes is common to both.
type dialect struct {
	name  string
	param func(name string) string
	// quote quotes a catalog column name (all are plain identifiers; quoting
	// keeps words like "index" from being read as keywords).
	quote  func(name string) string
	double string
	str    string
	// monthText, quarterText format a DATE as YYYY-MM and YYYY-Qn.
	monthText   func(e string) string
	quarterText func(e string) string
	// quarterStart is the first day of e's quarter, as a DATE.
	quarterStart func(e string) string
	// addMonths adds n months to a DATE, as a DATE.
	addMonths func(e string, n int) string
}

var dialects = map[string]dialect{
	DuckDB: {
		name:      DuckDB,
		param:     func(n string) string { return "$" + n },
		quote:     func(n string) string { return `"` + n + `"` },
		double:    "DOUBLE",
		str:       "VARCHAR",
		monthText: func(e string) string { return "strftime(" + e + ", '%Y-%m')" },
		quarterText: func(e string) string {
			return "(strftime(" + e + ", '%Y') || '-Q' || CAST(quarter(" + e + ") AS VARCHAR))"
		},
		quarterStart: func(e string) string { return "CAST(date_trunc('quarter', " + e + ") AS DATE)" },
		addMonths: func(e string, n int) string {
			if n < 0 {
				return fmt.Sprintf("CAST(%s - INTERVAL %d MONTH AS DATE)", e, -n)
			}
			return fmt.Sprintf("CAST(%s + INTERVAL %d MONTH AS DATE)", e, n)
		},
	},
	BigQuery: {
		name:         BigQuery,
		param:        func(n string) string { return "@" + n },
		quote:        func(n string) string { return "`" + n + "`" },
		double:       "FLOAT64",
		str:          "STRING",
		monthText:    func(e string) string { return "FORMAT_DATE('%Y-%m', " + e + ")" },
		quarterText:  func(e string) string { return "FORMAT_DATE('%Y-Q%Q', " + e + ")" },
		quarterStart: func(e string) string { return "DATE_TRUNC(" + e + ", QUARTER)" },
		addMonths: func(e string, n int) string {
			if n < 0 {
				return fmt.Sprintf("DATE_SUB(%s, INTERVAL %d MONTH)", e, -n)
			}
			return fmt.Sprintf("DATE_ADD(%s, INTERVAL %d MONTH)", e, n)
		},
	},
}

// Dialects lists the dialects the compiler writes.
func Dialects() []string { return []string{DuckDB, BigQuery} }

// compiler accumulates one query's parameters.
type compiler struct {
	d      dialect
	params []warehouse.Param
}

// bind adds a parameter and returns its placeholder.
func (c *compiler) bind(v any) string {
	name := "p" + strconv.Itoa(len(c.params))
	c.params = append(c.params, warehouse.Param{Name: name, Value: v})
	return c.d.param(name)
}

// date binds a YYYY-MM-DD string and casts it to DATE.
func (c *compiler) date(ymd string) string { return "CAST(" + c.bind(ymd) + " AS DATE)" }

var errNoScope = errors.New("a tenant mart cannot be compiled without the request's org")

// territorial dimensions, which population (for per capita) is known by.
var territorial = map[string]bool{"municipio": true, "regiao_imediata": true, "uf": true, "region": true}

// key is one grouping column of the facts CTE.
type key struct {
	dim   *Dimension
	alias string // g0, g1, ... or t for the time dimension
	label string // l0, ... when the dimension has a label column
}

// queryCompiler compiles one Query, phase by phase: facts, population,
// shaped, result. Placeholders are numbered in the order they are bound,
// so the phases always run in that order and a query compiles to the same
// text and parameters every time.
type queryCompiler struct {
	compiler
	q       *Query
	keys    []key
	timeKey *key     // the time dimension's key, nil without one
	others  []string // aliases of the keys other than time, for partitions and the previous-year join
	// needPrev is set when a measure compares with the same period a year
	// before; extended when the facts must then read a year before q.From.
	needPrev, extended bool
	// aggAlias names each aggregate expression of the facts CTE; the
	// facts phase fills it before any measure's value is written.
	aggAlias map[string]string
}

// Compile writes q as SQL for the dialect, scoped to s. It reads only names
// from the catalog; every value from the spec is a parameter.
func (q *Query) Compile(dialectName string, s TenantScope) (warehouse.Compiled, error) {
	d, ok := dialects[dialectName]
	if !ok {
		return warehouse.Compiled{}, fmt.Errorf("unknown dialect %q", dialectName)
	}
	qc := newQueryCompiler(d, q)
	table, tenantPred, err := qc.source(q.Dataset, s)
	if err != nil {
		return warehouse.Compiled{}, err
	}
	var b strings.Builder
	b.WriteString("WITH ")
	qc.writeFacts(&b, table, tenantPred)
	popJoin := ""
	if q.PerCapita {
		popJoin = qc.writePopulation(&b)
	}
	qc.writeShaped(&b, popJoin)
	cols := qc.writeResult(&b)
	tables := []string{table}
	if q.RealBase != "" {
		tables = append(tables, "marts.ipca_monthly")
	}
	if q.PerCapita {
		tables = append(tables, "marts.pib_municipal")
	}
	return warehouse.Compiled{Dialect: d.name, SQL: b.String(), Params: qc.params, Columns: cols, Dataset: q.Dataset.ID, Tables: tables}, nil
}

// newQueryCompiler names the grouping keys, the time dimension (at most
// one) t and the others g<i>, and notes what the measures' transforms ask
// of the time range.
func newQueryCompiler(d dialect, q *Query) *queryCompiler {
	qc := &queryCompiler{compiler: compiler{d: d}, q: q}
	timeAt := -1
	for i, dim := range q.Dimensions {
		k := key{dim: dim, alias: "g" + strconv.Itoa(i)}
		if isTime(dim.Type) {
			k.alias = "t"
			timeAt = len(qc.keys)
		} else {
			qc.others = append(qc.others, k.alias)
		}
		if dim.Label != "" {
			k.label = "l" + strconv.Itoa(i)
		}
		qc.keys = append(qc.keys, k)
	}
	if timeAt >= 0 {
		qc.timeKey = &qc.keys[timeAt]
	}
	needRolling := false
	for _, m := range q.Measures {
		switch m.Transform {
		case TransformYoYPct, TransformYoYDiff:
			qc.needPrev = true
		case TransformRolling12m:
			needRolling = true
		}
	}
	qc.extended = (qc.needPrev || needRolling) && q.From != ""
	return qc
}

// col is the catalog column name of row alias r, quoted.
func (c *compiler) col(r, name string) string { return r + "." + c.d.quote(name) }

// writeFacts writes the facts CTE, one row per group, after the base CTE
// of real values when the query asks for them.
func (qc *queryCompiler) writeFacts(b *strings.Builder, table, tenantPred string) {
	where := qc.factsWhere(tenantPred)
	baseCTE, realJoin := qc.deflation()
	var sel, group []string
	for _, k := range qc.keys {
		sel = append(sel, qc.keyExpr(k.dim, "f")+" AS "+k.alias)
		group = append(group, k.alias)
		if k.label != "" {
			sel = append(sel, "MAX("+qc.col("f", k.dim.Label)+") AS "+k.label)
		}
	}
	sel = append(sel, qc.aggregates()...)
	if baseCTE != "" {
		b.WriteString(baseCTE + ",\n")
	}
	b.WriteString("facts AS (\n  SELECT\n    " + strings.Join(sel, ",\n    ") + "\n  FROM " + table + " AS f")
	if realJoin != "" {
		b.WriteString("\n  CROSS JOIN base\n  " + realJoin)
	}
	if len(where) > 0 {
		b.WriteString("\n  WHERE " + strings.Join(where, "\n    AND "))
	}
	if len(group) > 0 {
		b.WriteString("\n  GROUP BY " + strings.Join(group, ", "))
	}
	b.WriteString("\n)")
}

// factsWhere is the facts' predicates: the tenant's, the time range
// (extended back a year when a measure looks back) or else the partition
// floor, and the filters.
func (qc *queryCompiler) factsWhere(tenantPred string) []string {
	q := qc.q
	from := q.From
	if qc.extended {
		from = shiftTime(q.Dataset, from, -12)
	}
	where := qc.readWhere(q.Dataset, tenantPred, from, q.To)
	for _, f := range q.Filters {
		where = append(where, qc.filter("f", f))
	}
	return where
}

// deflation returns, for real values, the base CTE (the IPCA index of the
// base month) and the join of the IPCA at the facts' own grain; "" for
// nominal values.
func (qc *queryCompiler) deflation() (baseCTE, realJoin string) {
	q := qc.q
	if q.RealBase == "" {
		return "", ""
	}
	idx := qc.d.quote("index")
	baseCTE = "base AS (\n  SELECT i0." + idx + " AS b FROM marts.ipca_monthly AS i0 WHERE i0.month = " + qc.date(q.RealBase+"-01") + "\n)"
	if q.Dataset.Time == "month" {
		return baseCTE, "LEFT JOIN (SELECT month AS k, " + idx + " AS deflator FROM marts.ipca_monthly) AS ipca ON ipca.k = f.month"
	}
	return baseCTE, "LEFT JOIN (SELECT year AS k, AVG(" + idx + ") AS deflator FROM marts.ipca_monthly GROUP BY year) AS ipca ON ipca.k = f.year"
}

// aggregates lists the facts' aggregate columns, s<i>: one per distinct
// expression, so measures that need the same sum share it.
func (qc *queryCompiler) aggregates() []string {
	var list []string
	qc.aggAlias = map[string]string{}
	for _, ref := range qc.q.Measures {
		for _, e := range qc.aggExprs(ref.Measure) {
			if _, ok := qc.aggAlias[e]; !ok {
				a := "s" + strconv.Itoa(len(list))
				qc.aggAlias[e] = a
				list = append(list, e+" AS "+a)
			}
		}
	}
	return list
}

// aggExprs is the aggregates a base measure is computed from over the
// facts: one, or a ratio's numerator and denominator.
func (qc *queryCompiler) aggExprs(m *Measure) []string {
	switch m.Agg {
	case "sum":
		return []string{qc.sum(qc.deflated(m, m.Column))}
	case "last":
		return []string{"MAX_BY(" + qc.col("f", m.Column) + ", " + qc.col("f", qc.q.Dataset.Time) + ")"}
	case "compound":
		// Rounded to 10 decimals: a single month compounds to itself,
		// not to 0.8799999999999919.
		return []string{"ROUND((EXP(SUM(LN(1 + " + qc.col("f", m.Column) + " / 100))) - 1) * 100, 10)"}
	case "ratio":
		num, _ := qc.q.Dataset.Measure(m.Numerator)
		den, _ := qc.q.Dataset.Measure(m.Denominator)
		return []string{qc.sum(qc.deflated(num, num.Column)), qc.sum(qc.col("f", den.Column))}
	}
	return nil
}

// sum is the sum of e as a double.
func (qc *queryCompiler) sum(e string) string { return "CAST(SUM(" + e + ") AS " + qc.d.double + ")" }

// deflated is a facts column of m, brought to the base month's prices when
// the query asks for real values and m is in BRL.
func (qc *queryCompiler) deflated(m *Measure, name string) string {
	if qc.q.RealBase != "" && m.Unit == "BRL" {
		return qc.col("f", name) + " * base.b / ipca.deflator"
	}
	return qc.col("f", name)
}

// value is a base measure's expression over a facts row r (cur or prev).
func (qc *queryCompiler) value(m *Measure, r string) string {
	exprs := qc.aggExprs(m)
	v := r + "." + qc.aggAlias[exprs[0]]
	if m.Agg == "ratio" {
		return v + " / NULLIF(" + r + "." + qc.aggAlias[exprs[1]] + ", 0)"
	}
	return v
}

// writePopulation writes the pop CTE, population by the query's
// territorial keys and year, and the latest year with a population; it
// returns the join of the shaped CTE to pop.
func (qc *queryCompiler) writePopulation(b *strings.Builder) (popJoin string) {
	var sel, group, on []string
	for _, k := range qc.keys {
		if territorial[k.dim.ID] {
			sel = append(sel, qc.col("p", k.dim.Column)+" AS "+k.alias)
			group = append(group, k.alias)
			on = append(on, "pop."+k.alias+" = cur."+k.alias)
		}
	}
	sel = append(sel, "p.year AS py", "CAST(SUM(p.population) AS "+qc.d.double+") AS pop")
	group = append(group, "py")
	var where []string
	for _, f := range qc.q.Filters {
		if territorial[f.Dim.ID] {
			where = append(where, qc.filter("p", f))
		}
	}
	b.WriteString(",\npop AS (\n  SELECT " + strings.Join(sel, ", ") + "\n  FROM marts.pib_municipal AS p")
	if len(where) > 0 {
		b.WriteString("\n  WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString("\n  GROUP BY " + strings.Join(group, ", ") + "\n),\n")
	b.WriteString("latest AS (\n  SELECT MAX(p2.year) AS y FROM marts.pib_municipal AS p2 WHERE p2.population IS NOT NULL\n)")
	year := "latest.y"
	if qc.timeKey != nil {
		if qc.timeKey.dim.Type == TypeYear {
			year = "LEAST(cur.t, latest.y)"
		} else {
			year = "LEAST(EXTRACT(YEAR FROM cur.t), latest.y)"
		}
	}
	on = append(on, "pop.py = "+year)
	return "LEFT JOIN pop ON " + strings.Join(on, " AND ")
}

// writeShaped writes the shaped CTE: the keys, and each measure with its
// transform and per capita applied, over the facts.
func (qc *queryCompiler) writeShaped(b *strings.Builder, popJoin string) {
	var sel []string
	for _, k := range qc.keys {
		sel = append(sel, "cur."+k.alias)
		if k.label != "" {
			sel = append(sel, "cur."+k.label)
		}
	}
	for i, ref := range qc.q.Measures {
		sel = append(sel, qc.shapedMeasure(ref)+" AS m"+strconv.Itoa(i))
	}
	b.WriteString(",\nshaped AS (\n  SELECT\n    " + strings.Join(sel, ",\n    ") + "\n  FROM facts AS cur")
	if qc.q.PerCapita {
		b.WriteString("\n  CROSS JOIN latest")
	}
	if qc.needPrev {
		on := []string{"prev.t = " + qc.previousYear(qc.timeKey.dim.Type, "cur.t")}
		for _, a := range qc.others {
			on = append(on, "prev."+a+" = cur."+a)
		}
		b.WriteString("\n  LEFT JOIN facts AS prev ON " + strings.Join(on, " AND "))
	}
	if popJoin != "" {
		b.WriteString("\n  " + popJoin)
	}
	b.WriteString("\n)")
}

// perCapita divides e by the population when the query asks for it.
func (qc *queryCompiler) perCapita(e string) string {
	if qc.q.PerCapita {
		return "(" + e + ") / NULLIF(pop.pop, 0)"
	}
	return e
}

// shapedMeasure is one measure of the shaped CTE, transformed.
func (qc *queryCompiler) shapedMeasure(ref MeasureRef) string {
	v := qc.perCapita(qc.value(ref.Measure, "cur"))
	switch ref.Transform {
	case TransformShare:
		over := ""
		if qc.timeKey != nil {
			over = "PARTITION BY cur.t"
		}
		return "(" + v + ") / NULLIF(SUM(" + v + ") OVER (" + over + "), 0)"
	case TransformYoYDiff:
		return "(" + v + ") - (" + qc.perCapita(qc.value(ref.Measure, "prev")) + ")"
	case TransformYoYPct:
		pv := qc.perCapita(qc.value(ref.Measure, "prev"))
		return "((" + v + ") - (" + pv + ")) / NULLIF(ABS(" + pv + "), 0) * 100"
	case TransformRolling12m:
		part := ""
		if len(qc.others) > 0 {
			part = "PARTITION BY " + prefixAll("cur.", qc.others) + " "
		}
		return "SUM(" + v + ") OVER (" + part + "ORDER BY EXTRACT(YEAR FROM cur.t) * 12 + EXTRACT(MONTH FROM cur.t) RANGE BETWEEN 11 PRECEDING AND CURRENT ROW)"
	}
	return v
}

// writeResult writes the ranked CTE of a top N query and the final
// SELECT: formatted keys, labels and measures as c0..cN, the requested
// time range when the facts read further back, the order and the limit.
func (qc *queryCompiler) writeResult(b *strings.Builder) []warehouse.Column {
	q := qc.q
	var sel []string
	var cols []warehouse.Column
	colOf := map[string]string{} // spec field -> output alias
	add := func(expr string, c warehouse.Column) string {
		alias := "c" + strconv.Itoa(len(cols))
		sel = append(sel, expr+" AS "+alias)
		cols = append(cols, c)
		return alias
	}
	for _, k := range qc.keys {
		colOf[k.dim.ID] = add(qc.formatKey(k.dim, k.alias), warehouse.Column{Name: k.dim.ID, Kind: "dimension", Type: columnType(k.dim.Type)})
		if k.label != "" {
			add(k.label, warehouse.Column{Name: k.dim.Label, Kind: "label", Type: "string"})
		}
	}
	for i, ref := range q.Measures {
		colOf[ref.Name] = add("m"+strconv.Itoa(i), warehouse.Column{Name: ref.Name, Kind: "measure", Type: "number", Unit: measureUnit(ref, q)})
	}
	src := "shaped"
	var where []string
	if q.TopDim != nil {
		b.WriteString(qc.ranked())
		src = "ranked"
		where = append(where, "rn <= "+qc.bind(int64(q.TopN)))
	}
	b.WriteString("\nSELECT\n  " + strings.Join(sel, ",\n  ") + "\nFROM " + src)
	if qc.extended && qc.timeKey != nil {
		where = append(where, "t >= "+qc.timeKeyBound(q.Dataset, qc.timeKey.dim, q.From))
	}
	if len(where) > 0 {
		b.WriteString("\nWHERE " + strings.Join(where, " AND "))
	}
	if order := qc.orderBy(colOf); len(order) > 0 {
		b.WriteString("\nORDER BY " + strings.Join(order, ", "))
	}
	b.WriteString("\nLIMIT " + qc.bind(int64(q.Limit)))
	return cols
}

// orderBy is the result's sort: the spec's order, then the time key, then
// the other keys, each once.
func (qc *queryCompiler) orderBy(colOf map[string]string) []string {
	var order []string
	seen := map[string]bool{}
	for _, o := range qc.q.Order {
		order = append(order, colOf[o.Field]+" "+strings.ToUpper(o.Dir)+" NULLS LAST")
		seen[o.Field] = true
	}
	if qc.timeKey != nil && !seen[qc.timeKey.dim.ID] {
		order = append(order, colOf[qc.timeKey.dim.ID]+" ASC NULLS LAST")
		seen[qc.timeKey.dim.ID] = true
	}
	for _, k := range qc.keys {
		if !seen[k.dim.ID] {
			order = append(order, colOf[k.dim.ID]+" ASC NULLS LAST")
		}
	}
	return order
}

// ranked numbers the shaped rows within each combination of the keys other
// than the top dimension's, by the first measure, largest first, then by
// the top dimension's value so that ties rank the same way every time.
func (qc *queryCompiler) ranked() string {
	q := qc.q
	var cols, part []string
	var top string
	for _, k := range qc.keys {
		cols = append(cols, k.alias)
		if k.label != "" {
			cols = append(cols, k.label)
		}
		if k.dim == q.TopDim {
			top = k.alias
		} else {
			part = append(part, k.alias)
		}
	}
	for i := range q.Measures {
		cols = append(cols, "m"+strconv.Itoa(i))
	}
	over := "ORDER BY m0 DESC NULLS LAST, " + top + " ASC"
	if len(part) > 0 {
		over = "PARTITION BY " + strings.Join(part, ", ") + " " + over
	}
	return ",\nranked AS (\n  SELECT\n    " + strings.Join(cols, ",\n    ") + ",\n    ROW_NUMBER() OVER (" + over + ") AS rn\n  FROM shaped\n)"
}

// source returns the table to read and the tenant predicate, from the scope
// only: a tenant mart in row mode is filtered by tenant_key, in dataset mode
// read from the org's own dataset.
func (c *compiler) source(ds *Dataset, s TenantScope) (table, pred string, err error) {
	table = ds.Tables[c.d.name]
	if ds.Scope != Tenant {
		return table, "", nil
	}
	if s.OrgID == "" {
		return "", "", errNoScope
	}
	if s.Dataset != "" {
		// Written into the SQL, and never a warehouse layer (marts holds
		// every row-mode tenant's rows): only a tenant dataset's form.
		if !tenant.ValidDataset(s.Dataset) {
			return "", "", fmt.Errorf("tenant dataset %q is not a tenant dataset's name", s.Dataset)
		}
		_, name, _ := strings.Cut(table, ".")
		return s.Dataset + "." + name, "", nil
	}
	return table, "f.tenant_key = " + c.bind(s.OrgID), nil
}

// keyExpr is a grouping key's expression over row alias r.
func (c *compiler) keyExpr(dim *Dimension, r string) string {
	e := r + "." + c.d.quote(dim.Column)
	if dim.Type == TypeQuarter {
		return c.d.quarterStart(e)
	}
	return e
}

// formatKey renders a key of the shaped CTE for the result.
func (c *compiler) formatKey(dim *Dimension, alias string) string {
	switch dim.Type {
	case TypeMonth:
		return c.d.monthText(alias)
	case TypeQuarter:
		return c.d.quarterText(alias)
	case TypeYear:
		return "CAST(" + alias + " AS " + c.d.str + ")"
	}
	return alias
}

// previousYear is the key of the same period a year before.
func (c *compiler) previousYear(t DimType, e string) string {
	if t == TypeYear {
		return e + " - 1"
	}
	return c.d.addMonths(e, -12)
}

// readWhere is the predicates every read of a mart over row alias f
// starts with: the tenant's, then the time range [from, to] or, with
// neither bound, the partition floor, which partition-required marts
// still demand.
func (c *compiler) readWhere(ds *Dataset, tenantPred, from, to string) []string {
	var where []string
	if tenantPred != "" {
		where = append(where, tenantPred)
	}
	if tr := c.timeRange(ds, "f", from, to); tr != "" {
		where = append(where, tr)
	} else if pf := c.partitionFloor(ds, "f"); pf != "" {
		where = append(where, pf)
	}
	return where
}

// timeRange restricts the dataset's time column to [from, to].
func (c *compiler) timeRange(ds *Dataset, r, from, to string) string {
	td, _ := ds.Dimension(ds.Time)
	col := r + "." + c.d.quote(td.Column)
	bound := func(v string) string {
		if td.Type == TypeYear {
			n, _ := strconv.ParseInt(v, 10, 64)
			return c.bind(n)
		}
		return c.date(v + "-01")
	}
	switch {
	case from != "" && to != "":
		return col + " BETWEEN " + bound(from) + " AND " + bound(to)
	case from != "":
		return col + " >= " + bound(from)
	case to != "":
		return col + " <= " + bound(to)
	}
	return ""
}

// partitionFloor is a predicate over row alias r that every row meets and
// that names the mart's partition column. The marts created with
// require_partition_filter (infra/modules/bigquery) refuse a read without
// a predicate on that column that BigQuery can use for partition
// elimination (IS NOT NULL cannot); a read meant to see every row (a value
// picker, a query with no time range) carries this one. Its bound is the
// least value of the column's type in both engines (DATE 0001-01-01, year
// 1), so it leaves no row out. "" when the mart names no partition column.
func (c *compiler) partitionFloor(ds *Dataset, r string) string {
	dim := ds.partition
	if dim == nil {
		return ""
	}
	col := r + "." + c.d.quote(dim.Column)
	if dim.Type == TypeYear {
		return col + " >= " + c.bind(int64(1))
	}
	return col + " >= " + c.date("0001-01-01")
}

// timeKeyBound is the requested start as a value of the time key.
func (c *compiler) timeKeyBound(ds *Dataset, dim *Dimension, from string) string {
	switch dim.Type {
	case TypeYear:
		n, _ := strconv.ParseInt(from[:4], 10, 64)
		return c.bind(n)
	case TypeQuarter:
		return c.d.quarterStart(c.date(monthOf(ds, from) + "-01"))
	}
	return c.date(monthOf(ds, from) + "-01")
}

// monthOf turns a time bound of the dataset into a month.
func monthOf(ds *Dataset, v string) string {
	if len(v) == 4 {
		return v + "-01"
	}
	return v
}

// filter writes one validated filter over row alias r.
func (c *compiler) filter(r string, f FilterValue) string {
	col := r + "." + c.d.quote(f.Dim.Column)
	val := func(v string) string { return c.filterValue(f.Dim, v) }
	switch f.Dim.Type {
	case TypeQuarter:
		col = c.d.quarterStart(col)
	}
	switch f.Op {
	case "eq":
		return col + " = " + val(f.Values[0])
	case "neq":
		return col + " <> " + val(f.Values[0])
	case "gte":
		return col + " >= " + val(f.Values[0])
	case "lte":
		return col + " <= " + val(f.Values[0])
	case "between":
		return col + " BETWEEN " + val(f.Values[0]) + " AND " + val(f.Values[1])
	case "prefix":
		return "STARTS_WITH(" + col + ", " + c.bind(f.Values[0]) + ")"
	case "in", "not_in":
		ps := make([]string, len(f.Values))
		for i, v := range f.Values {
			ps[i] = val(v)
		}
		op := " IN ("
		if f.Op == "not_in" {
			op = " NOT IN ("
		}
		return col + op + strings.Join(ps, ", ") + ")"
	}
	// Validation admits no other operator; refuse to write SQL for one.
	return "FALSE"
}

// filterValue binds a filter value in the column's type.
func (c *compiler) filterValue(dim *Dimension, v string) string {
	switch dim.Type {
	case TypeMonth:
		return c.date(v + "-01")
	case TypeQuarter:
		y, q := v[:4], int(v[6]-'0')
		return c.date(fmt.Sprintf("%s-%02d-01", y, (q-1)*3+1))
	case TypeYear:
		n, _ := strconv.ParseInt(v, 10, 64)
		return c.bind(n)
	}
	return c.bind(v)
}

// shiftTime moves a time bound of the dataset by months.
func shiftTime(ds *Dataset, v string, months int) string {
	y, _ := strconv.Atoi(v[:4])
	if len(v) == 4 {
		return strconv.Itoa(y + months/12)
	}
	m, _ := strconv.Atoi(v[5:7])
	total := y*12 + (m - 1) + months
	return fmt.Sprintf("%04d-%02d", total/12, total%12+1)
}

func prefixAll(p string, xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return strings.Join(out, ", ")
}

func columnType(t DimType) string {
	switch t {
	case TypeMonth, TypeQuarter, TypeYear:
		return string(t)
	}
	return "string"
}

// measureUnit is the unit of a result column.
func measureUnit(ref MeasureRef, q *Query) string {
	switch ref.Transform {
	case TransformShare:
		return "ratio"
	case TransformYoYPct:
		return "%"
	}
	u := ref.Measure.Unit
	if q.PerCapita {
		u += "/person"
	}
	return u
}
