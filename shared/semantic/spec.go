package semantic

import (
	"encoding/json"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/jsondecode"
)

// Spec is a dashboard's question, as clients send it (../shared/API.md).
type Spec struct {
	Dataset    string     `json:"dataset"`
	Measures   []string   `json:"measures"`
	Dimensions []string   `json:"dimensions,omitempty"`
	Filters    []Filter   `json:"filters,omitempty"`
	Time       *TimeRange `json:"time,omitempty"`
	Order      []Order    `json:"order,omitempty"`
	Limit      int        `json:"limit,omitempty"`
	Real       *Real      `json:"real,omitempty"`
	PerCapita  bool       `json:"per_capita,omitempty"`
	Top        *Top       `json:"top,omitempty"`
}

// Top keeps, within each combination of the other grouped dimensions (the
// time bucket among them), the N values of Field with the largest first
// measure.
type Top struct {
	Field string `json:"field"`
	N     int    `json:"n"`
}

// MaxTopN bounds Top.N.
const MaxTopN = 100

// Filter restricts a dimension. Value is a scalar, or a list for in, not_in
// and between.
type Filter struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value"`
}

// TimeRange bounds the dataset's time dimension, inclusive, and chooses the
// time grain of the result.
type TimeRange struct {
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Grain string `json:"grain,omitempty"`
}

// Order sorts the result by a dimension or a measure.
type Order struct {
	Field string `json:"field"`
	Dir   string `json:"dir,omitempty"`
}

// Real asks for BRL measures deflated by the IPCA to prices of Base (YYYY-MM).
type Real struct {
	Base string `json:"base"`
}

// Transforms derive a measure from another: "vl_fob_usd.yoy_pct".
const (
	TransformShare      = "share"       // share of the total over the other dimensions
	TransformYoYPct     = "yoy_pct"     // % change against the same period a year before
	TransformYoYDiff    = "yoy_diff"    // absolute change against the same period a year before
	TransformRolling12m = "rolling_12m" // sum of the last 12 months
)

var transforms = map[string]bool{TransformShare: true, TransformYoYPct: true, TransformYoYDiff: true, TransformRolling12m: true}

// Limits on a spec's size, whatever the dataset.
const (
	MaxMeasures   = 8
	MaxFilters    = 20
	MaxListValues = 500
	MaxOrder      = 4
	MaxStringLen  = 200
	DefaultLimit  = 1000
)

// ParseSpec decodes a spec strictly: unknown fields, trailing data and wrong
// types are refused with the offending field named.
func ParseSpec(b []byte) (*Spec, error) {
	var s Spec
	if err := jsondecode.Strict(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// MeasureRef is a measure, possibly transformed.
type MeasureRef struct {
	Name      string // as written in the spec: the result column
	Measure   *Measure
	Transform string
}

// FilterValue is a validated filter with its values normalised to strings.
type FilterValue struct {
	Dim    *Dimension
	Op     string
	Values []string
}

// Query is a validated spec, resolved against one dataset; the compiler's input.
type Query struct {
	Dataset    *Dataset
	Measures   []MeasureRef
	Dimensions []*Dimension
	Filters    []FilterValue
	From, To   string // inclusive, in the dataset's time type; "" when open
	Order      []Order
	Limit      int
	RealBase   string // YYYY-MM, or "" for nominal values
	PerCapita  bool
	// TopDim, when set, keeps the TopN values of that grouped dimension per
	// combination of the others.
	TopDim *Dimension
	TopN   int
}

// Access says which public datasets the org may query.
type Access struct {
	Entitled map[string]bool
}

// ValidateConfig checks a saved view's config: a spec the org could run.
func (c *Catalog) ValidateConfig(config json.RawMessage, entitled map[string]bool) error {
	return c.ValidateSpec(config, entitled, "config")
}

// ValidateSpec checks a spec in JSON that the org could run; errors name the
// fields under field (e.g. "query.measures[0]").
func (c *Catalog) ValidateSpec(spec json.RawMessage, entitled map[string]bool, field string) error {
	s, err := ParseSpec(spec)
	if err != nil {
		return prefixFields(err, field)
	}
	if _, err := c.Validate(s, Access{Entitled: entitled}); err != nil {
		return prefixFields(err, field)
	}
	return nil
}

// prefixFields names fields of a nested document from the outer one:
// "measures[0]" becomes "config.measures[0]".
func prefixFields(err error, prefix string) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	out := &apperr.Error{Code: e.Code, Message: prefix + "." + e.Message, Details: e.Details}
	for _, f := range e.Fields {
		name := prefix + "." + f.Field
		if f.Field == "body" {
			name = prefix
		}
		out.Fields = append(out.Fields, apperr.FieldError{Field: name, Reason: f.Reason})
	}
	return out
}

// IsPublic reports whether id is a public dataset of the catalog.
func (c *Catalog) IsPublic(id string) bool {
	d, ok := c.Dataset(id)
	return ok && d.Scope == Public
}
