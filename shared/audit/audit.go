// Package audit records who read or changed which tenant data, when, with
// which filters, and lets admins read it back.
package audit

import (
	"context"
	"encoding/json"
	"time"
)

// MaxSummaryBytes bounds the summary of filters or payload kept per entry.
const MaxSummaryBytes = 2048

// Entry is one audited request.
type Entry struct {
	ID       int64           `json:"id"`
	OrgID    string          `json:"-"`
	UserID   string          `json:"user_id"`
	Action   string          `json:"action"`
	Resource string          `json:"resource"`
	Summary  json.RawMessage `json:"summary,omitempty"`
	Status   int             `json:"status"`
	TraceID  string          `json:"trace_id"`
	At       time.Time       `json:"at"`
}

// Recorder takes entries to store. Record must not lose an entry: an
// implementation that batches flushes them all before it closes.
type Recorder interface {
	Record(ctx context.Context, e Entry)
}

// Key is a position in the audit log (newest first), for cursors.
type Key struct {
	At time.Time `json:"a"`
	ID int64     `json:"i"`
}

// Filter narrows and pages the audit log.
type Filter struct {
	UserID string
	// Action is one action ("views.create"), or every action that starts
	// with it when it ends in a dot ("views.").
	Action string
	From   time.Time
	To     time.Time
	After  *Key
	Limit  int
}

// Service reads the audit log of the tenant in ctx; admins only.
type Service interface {
	FindEntries(ctx context.Context, f Filter) ([]*Entry, error)
}

// Summarise returns v as JSON that jsonb accepts and whose jsonb text (what
// the audit table's bound measures) is at most MaxSummaryBytes: NUL and
// invalid UTF-8 become U+FFFD, and a larger value is replaced by a note of
// its size and top-level keys.
func Summarise(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{"unrepresentable":true}`)
	}
	tree, err := normalise(b)
	if err != nil {
		return json.RawMessage(`{"unrepresentable":true}`)
	}
	if size := StoredSize(tree); size > MaxSummaryBytes {
		return note(tree, size)
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return json.RawMessage(`{"unrepresentable":true}`)
	}
	return out
}
