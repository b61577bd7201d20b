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

// Compile writes q as SQL for the dialect, scoped to s. It reads only names
// from the catalog; every value from the spec is a parameter.
func (q *Query) Compile(dialectName string, s TenantScope) (warehouse.Compiled, error) {
	d, ok := dialects[dialectName]
	if !ok {
		return warehouse.Compiled{}, fmt.Errorf("unknown dialect %q", dialectName)
	}
	c := &compiler{d: d}
	ds := q.Dataset

	table, tenantPred, err := c.source(ds, s)
	if err != nil {
		return warehouse.Compiled{}, err
	}

	// Grouping keys: the time dimension (at most one) as t, the others g<i>.
	var keys []key
	var timeKey *key
	for i, dim := range q.Dimensions {
		k := key{dim: dim, alias: "g" + strconv.Itoa(i)}
		if isTime(dim.Type) {
			k.alias = "t"
		}
		if dim.Label != "" {
			k.label = "l" + strconv.Itoa(i)
		}
		keys = append(keys, k)
		if k.alias == "t" {
			timeKey = &keys[len(keys)-1]
		}
	}
	needPrev, needRolling := false, false
	for _, m := range q.Measures {
		switch m.Transform {
		case TransformYoYPct, TransformYoYDiff:
			needPrev = true
		case TransformRolling12m:
			needRolling = true
		}
	}

	// Time range, extended back a year when a measure looks back.
	from, to := q.From, q.To
	extended := (needPrev || needRolling) && from != ""
	if extended {
		from = shiftTime(ds, from, -12)
	}

	var where []string
	if tenantPred != "" {
		where = append(where, tenantPred)
	}
	if tr := c.timeRange(ds, "f", from, to); tr != "" {
		where = append(where, tr)
	} else if pf := c.partitionFloor(ds, "f"); pf != "" {
		where = append(where, pf)
	}
	var territorialFilters []FilterValue
	for _, f := range q.Filters {
		where = append(where, c.filter("f", f))
		if territorial[f.Dim.ID] {
			territorialFilters = append(territorialFilters, f)
		}
	}

	// Real values: deflate BRL at the facts' own grain by the IPCA, to the
	// base month's prices.
	real := q.RealBase != ""
	var realJoin, baseIndex, baseCTE string
	if real {
		idx := d.quote("index")
		baseCTE = "base AS (\n  SELECT i0." + idx + " AS b FROM marts.ipca_monthly AS i0 WHERE i0.month = " + c.date(q.RealBase+"-01") + "\n)"
		baseIndex = "base.b"
		if ds.Time == "month" {
			realJoin = "LEFT JOIN (SELECT month AS k, " + idx + " AS deflator FROM marts.ipca_monthly) AS ipca ON ipca.k = f.month"
		} else {
			realJoin = "LEFT JOIN (SELECT year AS k, AVG(" + idx + ") AS deflator FROM marts.ipca_monthly GROUP BY year) AS ipca ON ipca.k = f.year"
		}
	}

	// Aggregates of the facts CTE, shared between measures that need the same one.
	aggs := map[string]string{} // expression -> alias
	var aggList []string
	agg := func(expr string) string {
		if a, ok := aggs[expr]; ok {
			return a
		}
		a := "s" + strconv.Itoa(len(aggs))
		aggs[expr] = a
		aggList = append(aggList, expr+" AS "+a)
		return a
	}
	col := func(r, name string) string { return r + "." + d.quote(name) }
	deflate := func(m *Measure, name string) string {
		if real && m.Unit == "BRL" {
			return col("f", name) + " * " + baseIndex + " / ipca.deflator"
		}
		return col("f", name)
	}
	// value returns the expression of a base measure over facts row r (cur or prev).
	value := map[string]func(r string) string{}
	for _, ref := range q.Measures {
		m := ref.Measure
		if _, done := value[m.ID]; done {
			continue
		}
		switch m.Agg {
		case "sum":
			a := agg("CAST(SUM(" + deflate(m, m.Column) + ") AS " + d.double + ")")
			value[m.ID] = func(r string) string { return r + "." + a }
		case "last":
			a := agg("MAX_BY(" + col("f", m.Column) + ", " + col("f", ds.Time) + ")")
			value[m.ID] = func(r string) string { return r + "." + a }
		case "compound":
			// Rounded to 10 decimals: a single month compounds to itself,
			// not to 0.8799999999999919.
			a := agg("ROUND((EXP(SUM(LN(1 + " + col("f", m.Column) + " / 100))) - 1) * 100, 10)")
			value[m.ID] = func(r string) string { return r + "." + a }
		case "ratio":
			num, _ := ds.Measure(m.Numerator)
			den, _ := ds.Measure(m.Denominator)
			an := agg("CAST(SUM(" + deflate(num, num.Column) + ") AS " + d.double + ")")
			ad := agg("CAST(SUM(" + col("f", den.Column) + ") AS " + d.double + ")")
			value[m.ID] = func(r string) string { return r + "." + an + " / NULLIF(" + r + "." + ad + ", 0)" }
		}
	}

	// facts: one row per group.
	var sel, group []string
	for _, k := range keys {
		e := c.keyExpr(k.dim, "f")
		sel = append(sel, e+" AS "+k.alias)
		group = append(group, k.alias)
		if k.label != "" {
			sel = append(sel, "MAX("+col("f", k.dim.Label)+") AS "+k.label)
		}
	}
	sel = append(sel, aggList...)
	var b strings.Builder
	b.WriteString("WITH ")
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

	// pop: population by the query's territorial keys and year, for per capita.
	var popJoin string
	if q.PerCapita {
		var psel, pgroup, pon []string
		for _, k := range keys {
			if territorial[k.dim.ID] {
				psel = append(psel, col("p", k.dim.Column)+" AS "+k.alias)
				pgroup = append(pgroup, k.alias)
				pon = append(pon, "pop."+k.alias+" = cur."+k.alias)
			}
		}
		psel = append(psel, "p.year AS py", "CAST(SUM(p.population) AS "+d.double+") AS pop")
		pgroup = append(pgroup, "py")
		var pwhere []string
		for _, f := range territorialFilters {
			pwhere = append(pwhere, c.filter("p", f))
		}
		b.WriteString(",\npop AS (\n  SELECT " + strings.Join(psel, ", ") + "\n  FROM marts.pib_municipal AS p")
		if len(pwhere) > 0 {
			b.WriteString("\n  WHERE " + strings.Join(pwhere, " AND "))
		}
		b.WriteString("\n  GROUP BY " + strings.Join(pgroup, ", ") + "\n),\n")
		b.WriteString("latest AS (\n  SELECT MAX(p2.year) AS y FROM marts.pib_municipal AS p2 WHERE p2.population IS NOT NULL\n)")
		latest := "latest.y"
		year := latest
		if timeKey != nil {
			switch timeKey.dim.Type {
			case TypeYear:
				year = "LEAST(cur.t, " + latest + ")"
			default:
				year = "LEAST(EXTRACT(YEAR FROM cur.t), " + latest + ")"
			}
		}
		pon = append(pon, "pop.py = "+year)
		popJoin = "LEFT JOIN pop ON " + strings.Join(pon, " AND ")
	}

	// shaped: measures, derived measures and per capita over the facts.
	var shapedSel []string
	for _, k := range keys {
		shapedSel = append(shapedSel, "cur."+k.alias)
		if k.label != "" {
			shapedSel = append(shapedSel, "cur."+k.label)
		}
	}
	var others []string // non-time keys, for partitions and the previous-year join
	for _, k := range keys {
		if k.alias != "t" {
			others = append(others, k.alias)
		}
	}
	perCapita := func(e string) string {
		if q.PerCapita {
			return "(" + e + ") / NULLIF(pop.pop, 0)"
		}
		return e
	}
	for i, ref := range q.Measures {
		v := perCapita(value[ref.Measure.ID]("cur"))
		var e string
		switch ref.Transform {
		case "":
			e = v
		case TransformShare:
			over := ""
			if timeKey != nil {
				over = "PARTITION BY cur.t"
			}
			e = "(" + v + ") / NULLIF(SUM(" + v + ") OVER (" + over + "), 0)"
		case TransformYoYPct, TransformYoYDiff:
			pv := perCapita(value[ref.Measure.ID]("prev"))
			if ref.Transform == TransformYoYDiff {
				e = "(" + v + ") - (" + pv + ")"
			} else {
				e = "((" + v + ") - (" + pv + ")) / NULLIF(ABS(" + pv + "), 0) * 100"
			}
		case TransformRolling12m:
			part := ""
			if len(others) > 0 {
				part = "PARTITION BY " + prefixAll("cur.", others) + " "
			}
			e = "SUM(" + v + ") OVER (" + part + "ORDER BY EXTRACT(YEAR FROM cur.t) * 12 + EXTRACT(MONTH FROM cur.t) RANGE BETWEEN 11 PRECEDING AND CURRENT ROW)"
		}
		shapedSel = append(shapedSel, e+" AS m"+strconv.Itoa(i))
	}
	b.WriteString(",\nshaped AS (\n  SELECT\n    " + strings.Join(shapedSel, ",\n    ") + "\n  FROM facts AS cur")
	if q.PerCapita {
		b.WriteString("\n  CROSS JOIN latest")
	}
	if needPrev {
		on := []string{"prev.t = " + c.previousYear(timeKey.dim.Type, "cur.t")}
		for _, a := range others {
			on = append(on, "prev."+a+" = cur."+a)
		}
		b.WriteString("\n  LEFT JOIN facts AS prev ON " + strings.Join(on, " AND "))
	}
	if popJoin != "" {
		b.WriteString("\n  " + popJoin)
	}
	b.WriteString("\n)")

	// The result: formatted keys, labels and measures as c0..cN.
	var outSel []string
	var cols []warehouse.Column
	colOf := map[string]string{} // spec field -> output alias
	for _, k := range keys {
		alias := "c" + strconv.Itoa(len(cols))
		outSel = append(outSel, c.formatKey(k.dim, k.alias)+" AS "+alias)
		cols = append(cols, warehouse.Column{Name: k.dim.ID, Kind: "dimension", Type: columnType(k.dim.Type)})
		colOf[k.dim.ID] = alias
		if k.label != "" {
			la := "c" + strconv.Itoa(len(cols))
			outSel = append(outSel, k.label+" AS "+la)
			cols = append(cols, warehouse.Column{Name: k.dim.Label, Kind: "label", Type: "string"})
		}
	}
	for i, ref := range q.Measures {
		alias := "c" + strconv.Itoa(len(cols))
		outSel = append(outSel, "m"+strconv.Itoa(i)+" AS "+alias)
		cols = append(cols, warehouse.Column{Name: ref.Name, Kind: "measure", Type: "number", Unit: measureUnit(ref, q)})
		colOf[ref.Name] = alias
	}
	src := "shaped"
	var final []string
	if q.TopDim != nil {
		b.WriteString(c.ranked(keys, q))
		src = "ranked"
		final = append(final, "rn <= "+c.bind(int64(q.TopN)))
	}
	b.WriteString("\nSELECT\n  " + strings.Join(outSel, ",\n  ") + "\nFROM " + src)
	if extended && timeKey != nil {
		final = append(final, "t >= "+c.timeKeyBound(ds, timeKey.dim, q.From))
	}
	if len(final) > 0 {
		b.WriteString("\nWHERE " + strings.Join(final, " AND "))
	}
	var order []string
	seen := map[string]bool{}
	for _, o := range q.Order {
		order = append(order, colOf[o.Field]+" "+strings.ToUpper(o.Dir)+" NULLS LAST")
		seen[o.Field] = true
	}
	if timeKey != nil && !seen[timeKey.dim.ID] {
		order = append(order, colOf[timeKey.dim.ID]+" ASC NULLS LAST")
		seen[timeKey.dim.ID] = true
	}
	for _, k := range keys {
		if !seen[k.dim.ID] {
			order = append(order, colOf[k.dim.ID]+" ASC NULLS LAST")
		}
	}
	if len(order) > 0 {
		b.WriteString("\nORDER BY " + strings.Join(order, ", "))
	}
	b.WriteString("\nLIMIT " + c.bind(int64(q.Limit)))

	tables := []string{table}
	if real {
		tables = append(tables, "marts.ipca_monthly")
	}
	if q.PerCapita {
		tables = append(tables, "marts.pib_municipal")
	}
	return warehouse.Compiled{Dialect: d.name, SQL: b.String(), Params: c.params, Columns: cols, Dataset: ds.ID, Tables: tables}, nil
}

// ranked numbers the shaped rows within each combination of the keys other
// than the top dimension's, by the first measure, largest first, then by
// the top dimension's value so that ties rank the same way every time.
func (c *compiler) ranked(keys []key, q *Query) string {
	var cols, part []string
	var top string
	for _, k := range keys {
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
