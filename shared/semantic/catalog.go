// Package semantic is the mart catalog and the query language over it: the
// datasets an org may ask about, their dimensions and measures, the query
// spec, its validation, and its compilation to SQL per warehouse dialect.
// Only names from the catalog ever reach SQL; every value is a parameter.
//
// The catalog here is the marts' definition (catalog/*.json, checked when
// loaded). What a client is shown of it, per org and with watermarks, is
// package query's description of it (query/describe.go).
package semantic

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Text is a string in the product's two languages.
type Text map[string]string

// Scope says who may query a dataset.
type Scope string

// Public marts hold public data gated by entitlements; tenant marts hold each
// org's own data, isolated by the compiler.
const (
	Public Scope = "public"
	Tenant Scope = "tenant"
)

// DimType says what values a dimension holds and which operators apply.
type DimType string

// The dimension types.
const (
	TypeMonth     DimType = "month"     // YYYY-MM
	TypeQuarter   DimType = "quarter"   // YYYY-Qn
	TypeYear      DimType = "year"      // YYYY
	TypeEnum      DimType = "enum"      // one of Values
	TypeUF        DimType = "uf"        // two-letter state
	TypeRegion    DimType = "region"    // Norte, Nordeste, Sudeste, Sul, Centro-Oeste
	TypeMunicipio DimType = "municipio" // 7-digit IBGE code
	TypeCode      DimType = "code"      // a classification code matching Pattern
	TypeString    DimType = "string"    // free text
)

// Dimension is a field to group and filter by.
type Dimension struct {
	ID      string   `json:"id"`
	Type    DimType  `json:"type"`
	Column  string   `json:"column"`
	Title   Text     `json:"title"`
	Label   string   `json:"label,omitempty"`   // column holding the value's name
	Rollup  string   `json:"rollup,omitempty"`  // the dimension this one rolls up to
	Values  []string `json:"values,omitempty"`  // for enums
	Pattern string   `json:"pattern,omitempty"` // for codes
	// Additive is false for a dimension whose values must never be summed
	// together (exports with imports, one account with another): a query
	// groups by it or filters it to one value. Absent means additive.
	Additive *bool `json:"additive,omitempty"`

	pattern *regexp.Regexp
}

// IsAdditive reports whether the dimension's values may be summed together.
func (d *Dimension) IsAdditive() bool { return d.Additive == nil || *d.Additive }

// Measure is a field to aggregate.
type Measure struct {
	ID          string `json:"id"`
	Agg         string `json:"agg"` // sum, last, compound, ratio
	Column      string `json:"column,omitempty"`
	Numerator   string `json:"numerator,omitempty"`   // ratio measures
	Denominator string `json:"denominator,omitempty"` // ratio measures
	Unit        string `json:"unit"`
	Format      string `json:"format"`
	Title       Text   `json:"title"`
}

// Limits bound what one query may ask of a dataset.
type Limits struct {
	MaxDimensions int `json:"max_dimensions"`
	MaxSpanMonths int `json:"max_span_months"`
	MaxRows       int `json:"max_rows"`
}

// Partition names the column the warehouse partitions the mart by: the
// column of one of its time dimensions.
type Partition struct {
	Column string `json:"column"`
	By     string `json:"by"`
}

// Dataset is one mart.
type Dataset struct {
	ID          string            `json:"id"`
	Version     string            `json:"version"` // the indicator version
	Title       Text              `json:"title"`
	Description Text              `json:"description"`
	Source      string            `json:"source"`
	Scope       Scope             `json:"scope"`
	Grain       string            `json:"grain"`
	Time        string            `json:"time"` // the finest time dimension
	Tables      map[string]string `json:"tables"`
	Partition   Partition         `json:"partition"`
	Cluster     []string          `json:"cluster"`
	Limits      Limits            `json:"limits"`
	Dimensions  []*Dimension      `json:"dimensions"`
	Measures    []*Measure        `json:"measures"`

	dims     map[string]*Dimension
	measures map[string]*Measure
	// partition is the month or year dimension over Partition.Column; nil
	// when the mart names no partition column.
	partition *Dimension
}

// Dimension returns the dimension with the id.
func (d *Dataset) Dimension(id string) (*Dimension, bool) {
	dim, ok := d.dims[id]
	return dim, ok
}

// Measure returns the measure with the id.
func (d *Dataset) Measure(id string) (*Measure, bool) {
	m, ok := d.measures[id]
	return m, ok
}

// Catalog is every dataset, by id.
type Catalog struct {
	datasets map[string]*Dataset
	version  string
}

// Dataset returns the dataset with the id.
func (c *Catalog) Dataset(id string) (*Dataset, bool) {
	d, ok := c.datasets[id]
	return d, ok
}

// Datasets returns every dataset, ordered by id.
func (c *Catalog) Datasets() []*Dataset {
	out := make([]*Dataset, 0, len(c.datasets))
	for _, d := range c.datasets {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Version identifies the catalog's content; it is part of every cache key, so
// a catalog change invalidates cached results by construction.
func (c *Catalog) Version() string { return c.version }

// Engines are the warehouse dialects every dataset must name a table for.
var Engines = []string{"duckdb", "bigquery"}

var (
	identRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	tableRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}\.[a-z][a-z0-9_]{0,62}$`)
)

// LoadCatalog reads and checks the catalog files embedded in the binary.
func LoadCatalog() (*Catalog, error) {
	sub, err := fs.Sub(catalogFS, "catalog")
	if err != nil {
		return nil, err
	}
	return LoadCatalogFS(sub)
}

// LoadCatalogFS reads and checks every *.json file of fsys.
func LoadCatalogFS(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	c := &Catalog{datasets: map[string]*Dataset{}}
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		h.Write([]byte(name))
		h.Write(b)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var d Dataset
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", name, err)
		}
		if err := d.check(); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", name, err)
		}
		if name != d.ID+".json" {
			return nil, fmt.Errorf("catalog %s: file name must be %s.json", name, d.ID)
		}
		c.datasets[d.ID] = &d
	}
	if len(c.datasets) == 0 {
		return nil, fmt.Errorf("catalog: no datasets")
	}
	c.version = hex.EncodeToString(h.Sum(nil))[:12]
	return c, nil
}

// check validates a dataset definition: every name that may reach SQL is a
// plain identifier, references resolve, and limits are set. It indexes the
// dimensions and measures as it goes.
func (d *Dataset) check() error {
	if err := d.checkHeader(); err != nil {
		return err
	}
	if err := d.checkDimensions(); err != nil {
		return err
	}
	if err := d.checkPartition(); err != nil {
		return err
	}
	return d.checkMeasures()
}

// checkHeader checks the dataset's own fields: id, scope, tables, title
// and limits.
func (d *Dataset) checkHeader() error {
	if !identRe.MatchString(d.ID) {
		return fmt.Errorf("id %q is not an identifier", d.ID)
	}
	if d.Scope != Public && d.Scope != Tenant {
		return fmt.Errorf("scope %q must be public or tenant", d.Scope)
	}
	for _, e := range Engines {
		if !tableRe.MatchString(d.Tables[e]) {
			return fmt.Errorf("table for %s %q must be dataset.table", e, d.Tables[e])
		}
	}
	if !bilingual(d.Title) {
		return fmt.Errorf("title needs pt-BR and en")
	}
	if d.Limits.MaxDimensions < 1 || d.Limits.MaxRows < 1 || d.Limits.MaxSpanMonths < 1 {
		return fmt.Errorf("limits must all be positive")
	}
	return nil
}

// bilingual reports whether t has both of the product's languages.
func bilingual(t Text) bool { return t["pt-BR"] != "" && t["en"] != "" }

// checkDimensions checks and indexes the dimensions, their rollups and the
// time dimension.
func (d *Dataset) checkDimensions() error {
	d.dims = map[string]*Dimension{}
	for _, dim := range d.Dimensions {
		if !identRe.MatchString(dim.ID) || !identRe.MatchString(dim.Column) || (dim.Label != "" && !identRe.MatchString(dim.Label)) {
			return fmt.Errorf("dimension %q: id, column and label must be identifiers", dim.ID)
		}
		if _, dup := d.dims[dim.ID]; dup {
			return fmt.Errorf("dimension %q twice", dim.ID)
		}
		if err := dim.check(); err != nil {
			return err
		}
		d.dims[dim.ID] = dim
	}
	for _, dim := range d.Dimensions {
		if dim.Rollup != "" {
			if _, ok := d.dims[dim.Rollup]; !ok {
				return fmt.Errorf("dimension %q rolls up to unknown %q", dim.ID, dim.Rollup)
			}
		}
	}
	if t, ok := d.dims[d.Time]; !ok || !isTime(t.Type) {
		return fmt.Errorf("time %q must name a time dimension", d.Time)
	}
	return nil
}

// check checks a dimension's type, with what the type needs (an enum's
// values, a code's anchored pattern, compiled here), its title and its
// additivity.
func (dim *Dimension) check() error {
	switch dim.Type {
	case TypeMonth, TypeQuarter, TypeYear, TypeUF, TypeRegion, TypeMunicipio, TypeString:
	case TypeEnum:
		if len(dim.Values) == 0 {
			return fmt.Errorf("dimension %q: an enum needs values", dim.ID)
		}
	case TypeCode:
		re, err := regexp.Compile(dim.Pattern)
		if err != nil || dim.Pattern == "" || !strings.HasPrefix(dim.Pattern, "^") || !strings.HasSuffix(dim.Pattern, "$") {
			return fmt.Errorf("dimension %q: a code needs an anchored pattern", dim.ID)
		}
		dim.pattern = re
	default:
		return fmt.Errorf("dimension %q: unknown type %q", dim.ID, dim.Type)
	}
	if !bilingual(dim.Title) {
		return fmt.Errorf("dimension %q: title needs pt-BR and en", dim.ID)
	}
	return dim.checkAdditive()
}

// checkPartition finds the month or year dimension over the partition
// column, when the mart names one.
func (d *Dataset) checkPartition() error {
	if d.Partition.Column == "" {
		return nil
	}
	for _, dim := range d.Dimensions {
		if dim.Column == d.Partition.Column && (dim.Type == TypeMonth || dim.Type == TypeYear) {
			d.partition = dim
			return nil
		}
	}
	return fmt.Errorf("partition column %q is not the column of a month or year dimension", d.Partition.Column)
}

// checkMeasures checks and indexes the measures: identifiers, no clash
// with a dimension, a known aggregation, and ratios of two summed
// measures.
func (d *Dataset) checkMeasures() error {
	d.measures = map[string]*Measure{}
	for _, m := range d.Measures {
		if !identRe.MatchString(m.ID) {
			return fmt.Errorf("measure %q: id must be an identifier", m.ID)
		}
		if _, dup := d.measures[m.ID]; dup {
			return fmt.Errorf("measure %q twice", m.ID)
		}
		if _, clash := d.dims[m.ID]; clash {
			return fmt.Errorf("measure %q has a dimension's name", m.ID)
		}
		switch m.Agg {
		case "sum", "last", "compound":
			if !identRe.MatchString(m.Column) {
				return fmt.Errorf("measure %q: column must be an identifier", m.ID)
			}
		case "ratio":
		default:
			return fmt.Errorf("measure %q: unknown aggregation %q", m.ID, m.Agg)
		}
		if !bilingual(m.Title) {
			return fmt.Errorf("measure %q: title needs pt-BR and en", m.ID)
		}
		d.measures[m.ID] = m
	}
	for _, m := range d.Measures {
		if m.Agg != "ratio" {
			continue
		}
		num, ok1 := d.measures[m.Numerator]
		den, ok2 := d.measures[m.Denominator]
		if !ok1 || !ok2 || num.Agg != "sum" || den.Agg != "sum" {
			return fmt.Errorf("measure %q: a ratio needs two summed measures", m.ID)
		}
	}
	if len(d.Measures) == 0 {
		return fmt.Errorf("no measures")
	}
	return nil
}

// checkAdditive admits the flag only as false (additive is the default),
// and only on a dimension a query can filter to one value with eq: never a
// time dimension, whose values the time range and grain govern.
func (dim *Dimension) checkAdditive() error {
	if dim.Additive == nil {
		return nil
	}
	if *dim.Additive {
		return fmt.Errorf("dimension %q: additive is only written as false (dimensions are additive unless marked)", dim.ID)
	}
	if isTime(dim.Type) {
		return fmt.Errorf("dimension %q: a time dimension cannot be non-additive", dim.ID)
	}
	return nil
}

func isTime(t DimType) bool { return t == TypeMonth || t == TypeQuarter || t == TypeYear }
