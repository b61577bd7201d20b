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
	Status     string `json:"status"`
	Synthetic  bool   `json:"synthetic"`
	RowsLoaded *int64 `json:"rows_loaded,omitempty"`
	LastError  string `json:"last_error,omitempty"`
	// PastSLA is true when the source was not refreshed within its SLA.
	PastSLA bool `json:"past_sla"`
}

// Catalog reads the source catalog.
type Catalog interface {
	FindSources(ctx context.Context) ([]*Entry, error)
}
