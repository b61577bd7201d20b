package semantic

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/warehouse"
)

// MaxValues bounds a value picker's answer.
const MaxValues = 200

// ValuesQuery asks for the distinct values of one dimension, for filter
// pickers, optionally narrowed by a search text.
type ValuesQuery struct {
	Dataset *Dataset
	Dim     *Dimension
	Search  string
	Limit   int
	// From and To bound the periods whose rows are read, inclusive, in
	// the dataset's time type; "" leaves that side open.
	From, To string
}

// ValidateValues checks a value-picker request like a query: the dataset must
// be one the org may query, the field one of its dimensions.
func (c *Catalog) ValidateValues(datasetID, field, search string, limit int, access Access) (*ValuesQuery, error) {
	d, ok := c.Dataset(datasetID)
	if !ok {
		return nil, apperr.Errorf(apperr.NotFound, "dataset %q not found", clip(datasetID))
	}
	if d.Scope == Public && !access.Entitled[d.ID] {
		return nil, apperr.Errorf(apperr.Forbidden, "dataset %s is not among this organisation's entitlements", d.ID)
	}
	if field == "" {
		return nil, apperr.Invalidf("field", "required")
	}
	dim, ok := d.Dimension(field)
	if !ok {
		return nil, apperr.Invalidf("field", "unknown dimension %q of %s", clip(field), d.ID)
	}
	if !utf8.ValidString(search) || len(search) > 100 || strings.ContainsRune(search, 0) {
		return nil, apperr.Invalidf("q", "at most 100 bytes of valid UTF-8")
	}
	switch {
	case limit == 0:
		limit = 50
	case limit < 1 || limit > MaxValues:
		return nil, apperr.Invalidf("limit", "must be from 1 to %d", MaxValues)
	}
	return &ValuesQuery{Dataset: d, Dim: dim, Search: strings.TrimSpace(search), Limit: limit}, nil
}

// Compile writes the values query, scoped like any query of the dataset.
func (v *ValuesQuery) Compile(dialectName string, s TenantScope) (warehouse.Compiled, error) {
	d, ok := dialects[dialectName]
	if !ok {
		return warehouse.Compiled{}, fmt.Errorf("unknown dialect %q", dialectName)
	}
	c := &compiler{d: d}
	table, pred, err := c.source(v.Dataset, s)
	if err != nil {
		return warehouse.Compiled{}, err
	}
	key := c.keyExpr(v.Dim, "f")
	sel := []string{key + " AS k"}
	label := "NULL"
	if v.Dim.Label != "" {
		label = "MAX(f." + d.quote(v.Dim.Label) + ")"
	}
	sel = append(sel, label+" AS l")
	// A picker reads the periods it is bounded to; unbounded, its only
	// time predicate is the one every row meets.
	where := c.readWhere(v.Dataset, pred, v.From, v.To)
	if v.Search != "" {
		p := c.bind(strings.ToLower(v.Search))
		cond := "STRPOS(LOWER(CAST(f." + d.quote(v.Dim.Column) + " AS " + d.str + ")), " + p + ") > 0"
		if v.Dim.Label != "" {
			cond = "(" + cond + " OR STRPOS(LOWER(f." + d.quote(v.Dim.Label) + "), " + p + ") > 0)"
		}
		where = append(where, cond)
	}
	var b strings.Builder
	b.WriteString("WITH vals AS (\n  SELECT " + strings.Join(sel, ", ") + "\n  FROM " + table + " AS f")
	if len(where) > 0 {
		b.WriteString("\n  WHERE " + strings.Join(where, "\n    AND "))
	}
	b.WriteString("\n  GROUP BY k\n)\nSELECT " + c.formatKey(v.Dim, "k") + " AS c0, l AS c1\nFROM vals\nWHERE k IS NOT NULL")
	order := "k ASC"
	if isTime(v.Dim.Type) {
		order = "k DESC"
	}
	b.WriteString("\nORDER BY " + order + "\nLIMIT " + c.bind(int64(v.Limit)))
	cols := []warehouse.Column{{Name: "value", Kind: "dimension", Type: columnType(v.Dim.Type)}, {Name: "label", Kind: "label", Type: "string"}}
	return warehouse.Compiled{Dialect: d.name, SQL: b.String(), Params: c.params, Columns: cols, Dataset: v.Dataset.ID, Tables: []string{table}}, nil
}
