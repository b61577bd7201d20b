// Package sources is the catalog of public data sources: who publishes them,
// how often, within what SLA, and how fresh our copy is.
package sources

import (
	"context"
	"time"
)

// Entry is one public source.
type Entry struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Owner         string     `json:"owner"`
	Frequency     string     `json:"frequency"`
	SLA           string     `json:"sla"`
	URL           string     `json:"url,omitempty"`
	LastUpdatedAt *time.Time `json:"last_updated_at"`
	Checksum      string     `json:"checksum,omitempty"`
	Watermark     string     `json:"watermark,omitempty"`
	SchemaVersion int        `json:"schema_version"`
	// Status is empty, ok, stale (past its SLA) or failed (the last load).
	Status    string `json:"status"`
	Synthetic bool   `json:"synthetic"`
	// RowsLoaded are the rows the current load published to the marts;
	// RowsLanded what it landed and RowsSkipped what the source's
	// contract leaves unpublished (UF totals, percentages, unidentified
	// places), so that landed = published + skipped rows that landed.
	RowsLoaded  *int64 `json:"rows_loaded,omitempty"`
	RowsLanded  *int64 `json:"rows_landed,omitempty"`
	RowsSkipped *int64 `json:"rows_skipped,omitempty"`
	// Requires is the reference data this source's files depend on.
	Requires []Requirement `json:"requires,omitempty"`
	// LastErrorCode and LastError say, when the last load failed, why in
	// a form meant for users (see Failure); the catalog stores the code.
	LastErrorCode string `json:"last_error_code,omitempty"`
	LastError     string `json:"last_error,omitempty"`
	// PastSLA is true when the source was not refreshed within its SLA.
	PastSLA bool `json:"past_sla"`
}

// Requirement is reference data a source's files depend on: a file that
// resolves against it is refused until it is loaded; one that only takes
// names from it (NamesOnly) loads, and is named when it arrives.
type Requirement struct {
	Source    string   `json:"source"`
	Layouts   []string `json:"layouts,omitempty"` // the reference source's layouts that provide it
	For       []string `json:"for,omitempty"`     // the layouts that need it; none means all
	NamesOnly bool     `json:"names_only,omitempty"`
	Load      string   `json:"load"` // the command that loads it
}

// The codes a failed load of an official file records in the catalog.
const (
	// FileRefused: the file broke its source's contract (layout, a value,
	// a municipality the territorial table lacks, missing reference data)
	// and went to quarantine; the data in effect is the previous load's.
	FileRefused = "file_refused"
	// LoadFailed: the warehouse could not take the file; it is retried.
	LoadFailed = "load_failed"
)

// Failure turns a recorded failure code into the code and the sentence
// the API shows; any other text recorded there is never shown.
func Failure(recorded string) (code, text string) {
	switch recorded {
	case "":
		return "", ""
	case FileRefused:
		return FileRefused, "The last file received was refused (it did not follow the source's published layout); the data shown is the previous load's."
	case LoadFailed:
		return LoadFailed, "The last file could not be loaded yet and will be retried; the data shown is the previous load's."
	}
	return "load_error", "The last load did not complete; the data shown is the previous load's."
}

// Catalog reads the source catalog.
type Catalog interface {
	FindSources(ctx context.Context) ([]*Entry, error)
}
