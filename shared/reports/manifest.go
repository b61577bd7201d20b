package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Manifest says how a report was made, so that it can be reproduced and
// checked: stored with the report and embedded in its file.
type Manifest struct {
	ReportID    string             `json:"report_id"`
	Template    ManifestTemplate   `json:"template"`
	Format      string             `json:"format"`
	Locale      string             `json:"locale"`
	Params      json.RawMessage    `json:"params"`
	ParamsHash  string             `json:"params_hash"`
	Queries     []ManifestQuery    `json:"queries"`
	Watermarks  map[string]string  `json:"watermarks"`
	Engine      string             `json:"engine"`
	Renderer    string             `json:"renderer"`
	Timings     map[string]float64 `json:"timings_ms"`
	GeneratedAt time.Time          `json:"generated_at"`
}

// ManifestTemplate names the template and its version (a content hash).
type ManifestTemplate struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ManifestQuery is one query the report ran.
type ManifestQuery struct {
	ID        string          `json:"id"`
	Dataset   string          `json:"dataset"`
	Spec      json.RawMessage `json:"spec"`
	SQL       string          `json:"sql"`
	SQLHash   string          `json:"sql_hash"`
	Params    json.RawMessage `json:"params"`
	Watermark string          `json:"watermark"`
	Rows      int             `json:"rows"`
}

// Hash is the hex sha256 of b.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// HashJSON hashes a JSON value in a canonical form (keys sorted, no spaces),
// so equal values hash equally however they were written.
func HashJSON(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return Hash(raw)
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return Hash(b)
}

// Check is one verification of a stored report.
type Check struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Verification is the result of re-checking a report's hashes.
type Verification struct {
	ReportID string  `json:"report_id"`
	Match    bool    `json:"match"`
	Checks   []Check `json:"checks"`
}
