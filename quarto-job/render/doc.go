// Package render turns a report Document (a versioned Quarto template, its
// parameters, the report's tables and charts, watermarks, source notes and
// manifest) into a PDF, Word or HTML file.
//
// Two engines do the work. With the Quarto CLI on PATH (the production image)
// the template is handed to `quarto render`. Without it (development machines)
// the template is pre-processed in Go (front matter, params, shortcodes,
// includes, conditional content, callouts, figure and table numbering) and
// rendered with pandoc; PDF is Chromium printing pandoc's HTML.
//
// Either way the renderer writes each chart as figures/<id>.svg and each
// table as tables/<id>.md beside the template, so the same .qmd works under
// both engines, and embeds the caller's manifest in the produced file
// (ExtractManifest reads it back).
package render

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"time"

	"github.com/mirante/mirante/shared/warehouse"
)

// Format is an output format.
type Format string

// The output formats.
const (
	PDF  Format = "pdf"
	DOCX Format = "docx"
	HTML Format = "html"
)

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case PDF, DOCX, HTML:
		return f, nil
	}
	return "", fmt.Errorf("unknown report format %q (want pdf, docx or html)", s)
}

// Template is a report template: the .qmd text and the folder that holds its
// partials and CSS.
type Template struct {
	// Name is the template's name: the file Name.qmd.
	Name string
	// Content is the .qmd text.
	Content []byte
	// FS is the template folder (partials, CSS, _variables.yml). Nil means
	// the templates embedded in the binary.
	FS fs.FS
}

// Column describes one column of a table or chart.
type Column struct {
	// Name identifies the column (the warehouse column name).
	Name string
	// Title is the header or legend text; Name when empty.
	Title string
	// Unit is BRL, USD, %, t, kg, jobs... as in the semantic catalog.
	Unit string
	// Format is text, month, quarter, year, date, integer, number, decimal,
	// percent or currency. Empty: guessed from Unit and the values.
	Format string
}

func (c Column) title() string {
	if c.Title != "" {
		return c.Title
	}
	return c.Name
}

// Table is a table of the report, written to tables/<ID>.md.
type Table struct {
	ID      string
	Caption string
	Columns []Column
	// Rows hold string, float64, int64, int, time.Time or nil values, one per
	// column.
	Rows [][]any
}

// ChartType is how a chart draws its series.
type ChartType string

// The chart types.
const (
	Line       ChartType = "line"
	Bar        ChartType = "bar"
	StackedBar ChartType = "stacked_bar"
)

// Chart is a chart of the report, drawn as SVG to figures/<ID>.svg.
type Chart struct {
	ID      string
	Caption string
	Type    ChartType
	// Columns describe the values of each row.
	Columns []Column
	// X names the category column (months, years, names).
	X string
	// Series names the value columns, one series each.
	Series []string
	// Unit and Format of the value axis; the first series column's when
	// empty.
	Unit   string
	Format string
	Rows   [][]any
}

// Filter is one of the view's filters, as display text.
type Filter struct {
	Label string
	Value string
}

// Watermark says how recent a dataset's data is.
type Watermark struct {
	// Dataset is the catalog id; Title its display name (Dataset when empty).
	Dataset string
	Title   string
	// At is the last date with data.
	At time.Time
	// Grain is "month", "year" or "" (a day): how At is written.
	Grain string
}

// SourceNote credits a dataset.
type SourceNote struct {
	Dataset   string
	Title     string
	Source    string
	Owner     string
	Watermark time.Time
	// WatermarkGrain is "month", "year" or "" (a day).
	WatermarkGrain string
	// Synthetic marks generated (demonstration) data.
	Synthetic bool
}

// Document is everything a report needs.
type Document struct {
	Template Template
	// Params override the template's params defaults. Values are shown as
	// literal text (markdown is escaped).
	Params map[string]any
	// Locale is "pt-BR" (the default) or "en".
	Locale     string
	Title      string
	Subtitle   string
	Filters    []Filter
	Tables     []Table
	Charts     []Chart
	Watermarks []Watermark
	Sources    []SourceNote
	// Manifest is the caller's JSON (template name and version, params and
	// their hash, SQL and hashes, engine, timings), embedded in every output.
	Manifest json.RawMessage
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// validate checks the document before any file is written.
func (d *Document) validate() error {
	if !idPattern.MatchString(d.Template.Name) {
		return fmt.Errorf("template name %q is not a simple name", d.Template.Name)
	}
	if len(d.Template.Content) == 0 {
		return fmt.Errorf("template %s is empty", d.Template.Name)
	}
	if _, err := parseLocale(d.Locale); err != nil {
		return err
	}
	if len(d.Manifest) == 0 {
		return fmt.Errorf("document has no manifest: every report embeds one")
	}
	if !json.Valid(d.Manifest) {
		return fmt.Errorf("document manifest is not valid JSON")
	}
	// Tables and charts are cross-referenced with different prefixes (tbl-,
	// fig-), so a table and a chart may share an id.
	tableIDs, chartIDs := map[string]bool{}, map[string]bool{}
	for _, t := range d.Tables {
		if err := claimID("table", t.ID, tableIDs); err != nil {
			return err
		}
		if err := checkRows("table", t.ID, t.Rows, len(t.Columns)); err != nil {
			return err
		}
	}
	for _, c := range d.Charts {
		if err := claimID("chart", c.ID, chartIDs); err != nil {
			return err
		}
		if err := c.validate(); err != nil {
			return err
		}
	}
	return nil
}

// claimID checks that id is a simple name not yet in seen, and adds it.
func claimID(kind, id string, seen map[string]bool) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%s id %q is not a simple name", kind, id)
	}
	if seen[id] {
		return fmt.Errorf("%s id %q is used twice", kind, id)
	}
	seen[id] = true
	return nil
}

// checkRows checks that every row has one value per column.
func checkRows(kind, id string, rows [][]any, cols int) error {
	for i, r := range rows {
		if len(r) != cols {
			return fmt.Errorf("%s %s row %d has %d values for %d columns", kind, id, i, len(r), cols)
		}
	}
	return nil
}

func (c *Chart) validate() error {
	switch c.Type {
	case Line, Bar, StackedBar:
	default:
		return fmt.Errorf("chart %s: unknown type %q (want line, bar or stacked_bar)", c.ID, c.Type)
	}
	if c.columnIndex(c.X) < 0 {
		return fmt.Errorf("chart %s: x column %q is not among its columns", c.ID, c.X)
	}
	if len(c.Series) == 0 {
		return fmt.Errorf("chart %s has no series", c.ID)
	}
	for _, s := range c.Series {
		if c.columnIndex(s) < 0 {
			return fmt.Errorf("chart %s: series column %q is not among its columns", c.ID, s)
		}
	}
	return checkRows("chart", c.ID, c.Rows, len(c.Columns))
}

func (c *Chart) columnIndex(name string) int {
	for i, col := range c.Columns {
		if col.Name == name {
			return i
		}
	}
	return -1
}

// ColumnsFromResult describes a warehouse result's columns for a table or
// chart: titles from the map (the column name when missing), formats from
// the column types and units.
func ColumnsFromResult(cols []warehouse.Column, titles map[string]string) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = Column{Name: c.Name, Title: titles[c.Name], Unit: c.Unit, Format: FormatForColumn(c)}
	}
	return out
}

// FormatForColumn picks the display format of a warehouse column.
func FormatForColumn(c warehouse.Column) string {
	switch c.Type {
	case "month", "quarter", "year":
		return c.Type
	case "integer":
		return "integer"
	case "number":
		switch c.Unit {
		case "BRL", "USD":
			return "currency"
		case "%":
			return "percent"
		}
		return "number"
	}
	return "text"
}

// TableFromResult builds a table from a warehouse result.
func TableFromResult(id, caption string, r *warehouse.Result, titles map[string]string) Table {
	t := Table{ID: id, Caption: caption}
	if r == nil {
		return t
	}
	t.Columns = ColumnsFromResult(r.Columns, titles)
	t.Rows = r.Rows
	return t
}
