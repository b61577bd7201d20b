package sources

import "time"

// Provenance is where a dataset's numbers come from, besides their
// watermark: whether they are synthetic demo data, and for a public
// dataset its source's last load.
type Provenance struct {
	Synthetic bool
	Source    *LoadStatus // nil for tenant data, or a source not in the catalog
}

// LoadStatus says whether the last load of a source failed; the data
// answered is then still the last good load's, up to the watermark.
type LoadStatus struct {
	LastLoadFailed bool   `json:"last_load_failed"`
	LastErrorCode  string `json:"last_error_code,omitempty"` // Failure's codes
	// FailedAt is when the failed load was logged, when it is known.
	FailedAt *time.Time `json:"failed_at,omitempty"`
}
