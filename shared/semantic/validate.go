package semantic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/territory"
)

// CheckJoins refuses the spec's options that join a public dataset the org
// is not entitled to: real values read the IPCA, per capita PIB's
// population, as a query of theirs would. Validate checks it too; callers
// that read a joined dataset before validating (the IPCA's watermark)
// check it first.
func CheckJoins(s *Spec, access Access) error {
	joins := []struct {
		on             bool
		field, id, why string
	}{
		{s.Real != nil, "real", "ipca_monthly", "real values are deflated by it"},
		{s.PerCapita, "per_capita", "pib_municipal", "population comes from it"},
	}
	for _, j := range joins {
		if j.on && !access.Entitled[j.id] {
			return &apperr.Error{Code: apperr.Forbidden, Message: fmt.Sprintf("dataset %s (%s) is not among this organisation's entitlements", j.id, j.why),
				Fields: []apperr.FieldError{{Field: j.field, Reason: "not entitled"}}}
		}
	}
	return nil
}

// Validate checks the spec against the catalog and the org's access and
// returns the resolved query. Errors name the offending field: Invalid for a
// malformed or oversized spec, Forbidden for a public dataset outside the
// org's entitlements. The phases run in the spec's order of concerns and
// each stops at its first fault, so a spec is always told the same fault.
func (c *Catalog) Validate(s *Spec, access Access) (*Query, error) {
	d, err := c.entitledDataset(s, access)
	if err != nil {
		return nil, err
	}
	q := &Query{Dataset: d}
	grouped, err := q.resolveDimensions(s.Dimensions, s.Time)
	if err != nil {
		return nil, err
	}
	named, err := q.resolveMeasures(s.Measures, grouped)
	if err != nil {
		return nil, err
	}
	if err := q.resolveFilters(s.Filters); err != nil {
		return nil, err
	}
	if err := q.resolveTop(s.Top, grouped); err != nil {
		return nil, err
	}
	if err := q.resolveTimeRange(s.Time); err != nil {
		return nil, err
	}
	if err := q.resolveOrder(s.Order, grouped, named); err != nil {
		return nil, err
	}
	if err := q.resolveLimit(s.Limit); err != nil {
		return nil, err
	}
	if err := q.resolveReal(s.Real); err != nil {
		return nil, err
	}
	if err := q.resolvePerCapita(s.PerCapita); err != nil {
		return nil, err
	}
	// Last, so that a spec with other faults is told about those first.
	if err := checkAdditive(d, grouped, q.Filters); err != nil {
		return nil, err
	}
	return q, nil
}

// entitledDataset is the spec's dataset, when the org may query it and
// every public dataset its options join.
func (c *Catalog) entitledDataset(s *Spec, access Access) (*Dataset, error) {
	if s.Dataset == "" {
		return nil, apperr.Invalidf("dataset", "required")
	}
	d, ok := c.Dataset(s.Dataset)
	if !ok {
		return nil, apperr.Invalidf("dataset", "unknown dataset %q", clip(s.Dataset))
	}
	if d.Scope == Public && !access.Entitled[d.ID] {
		return nil, &apperr.Error{Code: apperr.Forbidden, Message: fmt.Sprintf("dataset %s is not among this organisation's entitlements", d.ID),
			Fields: []apperr.FieldError{{Field: "dataset", Reason: "not entitled"}}}
	}
	if err := CheckJoins(s, access); err != nil {
		return nil, err
	}
	return d, nil
}

// resolveDimensions sets the grouped dimensions, with the time grain
// folded in, and returns them as a set of ids.
func (q *Query) resolveDimensions(ids []string, t *TimeRange) (map[string]bool, error) {
	d := q.Dataset
	grouped := map[string]bool{}
	for i, id := range ids {
		dim, ok := d.Dimension(id)
		if !ok {
			return nil, apperr.Invalidf(fmt.Sprintf("dimensions[%d]", i), "unknown dimension %q of %s", clip(id), d.ID)
		}
		if grouped[id] {
			return nil, apperr.Invalidf(fmt.Sprintf("dimensions[%d]", i), "dimension %q listed twice", id)
		}
		grouped[id] = true
		q.Dimensions = append(q.Dimensions, dim)
	}
	if t != nil && t.Grain != "" {
		g, ok := d.Dimension(t.Grain)
		if !ok || !isTime(g.Type) {
			return nil, apperr.Invalidf("time.grain", "grain %q is not a time dimension of %s", clip(t.Grain), d.ID)
		}
		for i, dim := range q.Dimensions {
			if isTime(dim.Type) && dim.ID != g.ID {
				return nil, apperr.Invalidf(fmt.Sprintf("dimensions[%d]", i), "time dimension %q disagrees with time.grain %q", dim.ID, g.ID)
			}
		}
		if !grouped[g.ID] {
			q.Dimensions = append(q.Dimensions, g)
			grouped[g.ID] = true
		}
	}
	if len(q.Dimensions) > d.Limits.MaxDimensions {
		return nil, apperr.Invalidf("dimensions", "at most %d dimensions for %s", d.Limits.MaxDimensions, d.ID)
	}
	if q.timeDimensions() > 1 {
		return nil, apperr.Invalidf("dimensions", "use one time dimension at a time")
	}
	return grouped, nil
}

// timeDimensions counts the query's grouped time dimensions.
func (q *Query) timeDimensions() int {
	n := 0
	for _, dim := range q.Dimensions {
		if isTime(dim.Type) {
			n++
		}
	}
	return n
}

// resolveMeasures sets the measures, each possibly transformed, and
// returns their names as written in the spec.
func (q *Query) resolveMeasures(refs []string, grouped map[string]bool) (map[string]bool, error) {
	if len(refs) == 0 {
		return nil, apperr.Invalidf("measures", "at least one measure is required")
	}
	if len(refs) > MaxMeasures {
		return nil, apperr.Invalidf("measures", "at most %d measures", MaxMeasures)
	}
	named := map[string]bool{}
	for i, ref := range refs {
		field := fmt.Sprintf("measures[%d]", i)
		base, transform, _ := strings.Cut(ref, ".")
		m, ok := q.Dataset.Measure(base)
		if !ok {
			return nil, apperr.Invalidf(field, "unknown measure %q of %s", clip(ref), q.Dataset.ID)
		}
		if transform != "" && !transforms[transform] {
			return nil, apperr.Invalidf(field, "unknown transform %q (share, yoy_pct, yoy_diff, rolling_12m)", clip(transform))
		}
		if named[ref] {
			return nil, apperr.Invalidf(field, "measure %q listed twice", ref)
		}
		named[ref] = true
		if err := q.checkTransform(m, transform, grouped, field); err != nil {
			return nil, err
		}
		q.Measures = append(q.Measures, MeasureRef{Name: ref, Measure: m, Transform: transform})
	}
	return named, nil
}

// checkTransform refuses a transform the query's grouping or the measure's
// aggregation cannot support.
func (q *Query) checkTransform(m *Measure, transform string, grouped map[string]bool, field string) error {
	switch transform {
	case TransformYoYPct, TransformYoYDiff:
		if q.timeDimensions() == 0 {
			return apperr.Invalidf(field, "%s needs a time dimension", transform)
		}
	case TransformRolling12m:
		if !grouped["month"] || q.Dataset.Time != "month" {
			return apperr.Invalidf(field, "rolling_12m needs the month dimension of a monthly dataset")
		}
		if m.Agg != "sum" {
			return apperr.Invalidf(field, "rolling_12m applies to summed measures")
		}
	case TransformShare:
		if m.Agg != "sum" {
			return apperr.Invalidf(field, "share applies to summed measures")
		}
	}
	return nil
}

// resolveFilters sets the filters, each checked against its dimension.
func (q *Query) resolveFilters(filters []Filter) error {
	if len(filters) > MaxFilters {
		return apperr.Invalidf("filters", "at most %d filters", MaxFilters)
	}
	for i, f := range filters {
		fv, err := validateFilter(q.Dataset, f, fmt.Sprintf("filters[%d]", i))
		if err != nil {
			return err
		}
		q.Filters = append(q.Filters, fv)
	}
	return nil
}

// resolveTimeRange sets the time range in the dataset's time type, within
// the dataset's longest span.
func (q *Query) resolveTimeRange(t *TimeRange) error {
	if t == nil || (t.From == "" && t.To == "") {
		return nil
	}
	d := q.Dataset
	td, _ := d.Dimension(d.Time)
	var err error
	if q.From, err = parseTimeBound(td.Type, t.From, "time.from"); err != nil {
		return err
	}
	if q.To, err = parseTimeBound(td.Type, t.To, "time.to"); err != nil {
		return err
	}
	if q.From == "" || q.To == "" {
		return nil
	}
	span := monthsBetween(td.Type, q.From, q.To)
	if span < 0 {
		return apperr.Invalidf("time.to", "ends before time.from")
	}
	if span+1 > d.Limits.MaxSpanMonths {
		return apperr.Invalidf("time", "spans %d months; %s allows at most %d", span+1, d.ID, d.Limits.MaxSpanMonths)
	}
	return nil
}

// resolveOrder sets the sort keys, each a grouped dimension or a measure
// of the query, ascending unless asked otherwise.
func (q *Query) resolveOrder(order []Order, grouped, named map[string]bool) error {
	if len(order) > MaxOrder {
		return apperr.Invalidf("order", "at most %d sort keys", MaxOrder)
	}
	for i, o := range order {
		if !grouped[o.Field] && !named[o.Field] {
			return apperr.Invalidf(fmt.Sprintf("order[%d].field", i), "%q is not among the query's dimensions or measures", clip(o.Field))
		}
		dir := strings.ToLower(o.Dir)
		if dir == "" {
			dir = "asc"
		}
		if dir != "asc" && dir != "desc" {
			return apperr.Invalidf(fmt.Sprintf("order[%d].dir", i), "must be asc or desc")
		}
		q.Order = append(q.Order, Order{Field: o.Field, Dir: dir})
	}
	return nil
}

// resolveLimit sets the row limit: the default when the spec names none,
// never more than the dataset allows.
func (q *Query) resolveLimit(limit int) error {
	maxRows := q.Dataset.Limits.MaxRows
	switch {
	case limit < 0:
		return apperr.Invalidf("limit", "must be positive")
	case limit == 0:
		q.Limit = min(DefaultLimit, maxRows)
	case limit > maxRows:
		return apperr.Invalidf("limit", "at most %d rows for %s", maxRows, q.Dataset.ID)
	default:
		q.Limit = limit
	}
	return nil
}

// resolveReal sets the base month of real values, which only BRL measures
// have.
func (q *Query) resolveReal(r *Real) error {
	if r == nil {
		return nil
	}
	if !hasUnit(q.Measures, "BRL") {
		return apperr.Invalidf("real", "only measures in BRL can be deflated")
	}
	if !monthRe.MatchString(r.Base) {
		return apperr.Invalidf("real.base", "must be a month, YYYY-MM")
	}
	q.RealBase = r.Base
	return nil
}

// resolvePerCapita asks for per capita values, which need a population for
// every group: territorial and time dimensions only, over a dataset other
// than the population's own and the IPCA.
func (q *Query) resolvePerCapita(on bool) error {
	if !on {
		return nil
	}
	if id := q.Dataset.ID; id == "pib_municipal" || id == "ipca_monthly" {
		return apperr.Invalidf("per_capita", "not available for %s", id)
	}
	for i, dim := range q.Dimensions {
		switch dim.Type {
		case TypeMonth, TypeQuarter, TypeYear, TypeUF, TypeRegion, TypeMunicipio:
		default:
			if dim.ID != "regiao_imediata" {
				return apperr.Invalidf(fmt.Sprintf("dimensions[%d]", i), "per capita needs territorial and time dimensions only; %q has no population", dim.ID)
			}
		}
	}
	q.PerCapita = true
	return nil
}

// checkAdditive refuses a query that would sum the values of a
// non-additive dimension together: each one must be grouped by, or
// filtered to exactly one value (eq, or in with one value).
func checkAdditive(d *Dataset, grouped map[string]bool, filters []FilterValue) error {
	for _, dim := range d.Dimensions {
		if dim.IsAdditive() || grouped[dim.ID] {
			continue
		}
		one := false
		for _, f := range filters {
			if f.Dim == dim && (f.Op == "eq" || f.Op == "in") && len(f.Values) == 1 {
				one = true
			}
		}
		if one {
			continue
		}
		what := "different values of " + dim.ID
		if dim.Type == TypeEnum {
			what = strings.Join(dim.Values, " and ")
		}
		reason := fmt.Sprintf("%s: %s cannot be added together; group by %s or filter it to one value", dim.ID, what, dim.ID)
		return &apperr.Error{Code: apperr.Invalid, Message: "dimensions: " + reason,
			Fields:  []apperr.FieldError{{Field: "dimensions", Reason: reason}},
			Details: map[string]any{"non_additive": dim.ID}}
	}
	return nil
}

// resolveTop checks a top N request against the query's grouped
// dimensions.
func (q *Query) resolveTop(t *Top, grouped map[string]bool) error {
	if t == nil {
		return nil
	}
	dim, ok := q.Dataset.Dimension(t.Field)
	if !ok || !grouped[t.Field] {
		return apperr.Invalidf("top.field", "%q is not among the query's dimensions", clip(t.Field))
	}
	if isTime(dim.Type) {
		return apperr.Invalidf("top.field", "top N applies to a dimension other than time; %q is the time bucket", dim.ID)
	}
	if t.N < 1 || t.N > MaxTopN {
		return apperr.Invalidf("top.n", "must be from 1 to %d", MaxTopN)
	}
	q.TopDim, q.TopN = dim, t.N
	return nil
}

func hasUnit(ms []MeasureRef, unit string) bool {
	for _, m := range ms {
		if m.Measure.Unit == unit {
			return true
		}
	}
	return false
}

// Operators by dimension type.
var opsByType = map[DimType][]string{
	TypeMonth:     {"eq", "in", "gte", "lte", "between"},
	TypeQuarter:   {"eq", "in", "gte", "lte", "between"},
	TypeYear:      {"eq", "in", "gte", "lte", "between"},
	TypeEnum:      {"eq", "neq", "in", "not_in"},
	TypeUF:        {"eq", "neq", "in", "not_in"},
	TypeRegion:    {"eq", "neq", "in", "not_in"},
	TypeMunicipio: {"eq", "neq", "in", "not_in", "prefix"},
	TypeCode:      {"eq", "neq", "in", "not_in", "prefix"},
	TypeString:    {"eq", "neq", "in", "not_in"},
}

// Operators returns the filter operators a dimension accepts.
func (d *Dimension) Operators() []string { return opsByType[d.Type] }

func validateFilter(d *Dataset, f Filter, field string) (FilterValue, error) {
	dim, ok := d.Dimension(f.Field)
	if !ok {
		return FilterValue{}, apperr.Invalidf(field+".field", "unknown dimension %q of %s", clip(f.Field), d.ID)
	}
	allowed := false
	for _, op := range dim.Operators() {
		if op == f.Op {
			allowed = true
		}
	}
	if !allowed {
		return FilterValue{}, apperr.Invalidf(field+".op", "operator %q is not allowed on %s (allowed: %s)", clip(f.Op), dim.ID, strings.Join(dim.Operators(), ", "))
	}
	var raw []json.RawMessage
	switch f.Op {
	case "in", "not_in", "between":
		if err := json.Unmarshal(f.Value, &raw); err != nil {
			return FilterValue{}, apperr.Invalidf(field+".value", "%s needs a list", f.Op)
		}
		if f.Op == "between" && len(raw) != 2 {
			return FilterValue{}, apperr.Invalidf(field+".value", "between needs exactly two values")
		}
		if len(raw) == 0 || len(raw) > MaxListValues {
			return FilterValue{}, apperr.Invalidf(field+".value", "a list of 1 to %d values", MaxListValues)
		}
	default:
		if len(f.Value) == 0 {
			return FilterValue{}, apperr.Invalidf(field+".value", "required")
		}
		raw = []json.RawMessage{f.Value}
	}
	fv := FilterValue{Dim: dim, Op: f.Op}
	for i, r := range raw {
		v, err := scalar(r)
		if err == nil {
			v, err = dim.normalise(v, f.Op)
		}
		if err != nil {
			vf := field + ".value"
			if len(raw) > 1 || f.Op == "in" || f.Op == "not_in" || f.Op == "between" {
				vf = fmt.Sprintf("%s.value[%d]", field, i)
			}
			return FilterValue{}, apperr.Invalidf(vf, "%v", err)
		}
		fv.Values = append(fv.Values, v)
	}
	if f.Op == "between" && fv.Values[0] > fv.Values[1] {
		return FilterValue{}, apperr.Invalidf(field+".value", "between's first value is after its second")
	}
	return fv, nil
}

// scalar reads a JSON string or number as a string.
func scalar(r json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(r, &s); err == nil {
		return s, nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(r))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil {
		return n.String(), nil
	}
	return "", errors.New("must be a string or a number")
}

var (
	monthRe     = regexp.MustCompile(`^[12][0-9]{3}-(0[1-9]|1[0-2])$`)
	quarterRe   = regexp.MustCompile(`^[12][0-9]{3}-Q[1-4]$`)
	yearRe      = regexp.MustCompile(`^[12][0-9]{3}$`)
	municipioRe = regexp.MustCompile(`^[1-5][0-9]{6}$`)
	prefixRe    = regexp.MustCompile(`^[0-9A-Z]{1,8}$`)
)

// normalise checks one filter value against the dimension's type.
func (d *Dimension) normalise(v, op string) (string, error) {
	if !utf8.ValidString(v) || len(v) > MaxStringLen {
		return "", fmt.Errorf("must be valid UTF-8 of at most %d bytes", MaxStringLen)
	}
	if op == "prefix" {
		if !prefixRe.MatchString(v) {
			return "", errors.New("a prefix is 1 to 8 digits")
		}
		return v, nil
	}
	switch d.Type {
	case TypeMonth:
		if !monthRe.MatchString(v) {
			return "", errors.New("must be a month, YYYY-MM")
		}
	case TypeQuarter:
		if !quarterRe.MatchString(v) {
			return "", errors.New("must be a quarter, YYYY-Qn")
		}
	case TypeYear:
		if !yearRe.MatchString(v) {
			return "", errors.New("must be a year, YYYY")
		}
	case TypeUF:
		v = strings.ToUpper(v)
		if _, ok := territory.BySigla(v); !ok {
			return "", errors.New("must be a two-letter UF")
		}
	case TypeRegion:
		if !territory.IsRegion(v) {
			return "", fmt.Errorf("must be one of %s", strings.Join(territory.RegionNames(), ", "))
		}
	case TypeMunicipio:
		if !municipioRe.MatchString(v) {
			return "", errors.New("must be a 7-digit IBGE municipality code")
		}
	case TypeCode:
		if !d.pattern.MatchString(v) {
			return "", fmt.Errorf("must match %s", d.Pattern)
		}
	case TypeEnum:
		if !oneOf(v, d.Values) {
			return "", fmt.Errorf("must be one of %s", strings.Join(d.Values, ", "))
		}
	case TypeString:
		if strings.ContainsAny(v, "\x00") {
			return "", errors.New("must not contain NUL")
		}
	}
	return v, nil
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// parseTimeBound checks a time.from or time.to value against the dataset's
// time type. Monthly datasets also accept a year (its first or last month is
// meant by from and to respectively).
func parseTimeBound(t DimType, v, field string) (string, error) {
	if v == "" {
		return "", nil
	}
	switch t {
	case TypeMonth:
		if monthRe.MatchString(v) {
			return v, nil
		}
		if yearRe.MatchString(v) {
			if field == "time.from" {
				return v + "-01", nil
			}
			return v + "-12", nil
		}
		return "", apperr.Invalidf(field, "must be a month, YYYY-MM")
	case TypeYear:
		if yearRe.MatchString(v) {
			return v, nil
		}
		if monthRe.MatchString(v) {
			return v[:4], nil
		}
		return "", apperr.Invalidf(field, "must be a year, YYYY")
	}
	return "", apperr.Invalidf(field, "not supported for this dataset")
}

// monthsBetween is the number of months from a to b (b - a) in the type.
func monthsBetween(t DimType, a, b string) int {
	ya, _ := strconv.Atoi(a[:4])
	yb, _ := strconv.Atoi(b[:4])
	if t == TypeYear {
		return (yb - ya) * 12
	}
	ma, _ := strconv.Atoi(a[5:7])
	mb, _ := strconv.Atoi(b[5:7])
	return (yb-ya)*12 + (mb - ma)
}

// clip keeps echoed client input short in error messages.
func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
