// Package templates holds the report templates (Quarto .qmd files, their
// partials and the CSS), embedded in the binary so that the worker's image
// needs no extra COPY.
//
// A template named N is the file N.qmd. Partials start with an underscore and
// are pulled in with {{< include _partial.qmd >}}; files under tables/,
// figures/ and data/ are written by the renderer for each report.
//
// standard.qmd expects the charts "trend" (line), "comparison" (bar) and
// "composition" (stacked_bar), and the tables "summary" and "detail".
package templates

import "embed"

// FS is the template folder.
//
//go:embed *.qmd *.css
var FS embed.FS

// Standard is the name of the report that always exists.
const Standard = "standard"

// Chart and table ids that the standard template places.
var (
	StandardCharts = []string{"trend", "comparison", "composition"}
	StandardTables = []string{"summary", "detail"}
)
