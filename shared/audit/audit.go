// Package audit records who read or changed which tenant data, when, with
// which filters, and lets admins read it back.
package audit

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
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
// its size and top-level keys. Callers must not modify the result, which
// may be shared with other callers.
func Summarise(v any) json.RawMessage {
	switch x := v.(type) {
	case Summarised:
		return x.s
	case json.RawMessage:
		// A remembered text is compact JSON that json.Marshal leaves as it
		// is, so the same bytes find the same summary without marshalling.
		if s, ok := summaries.get(x); ok {
			return s
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{"unrepresentable":true}`)
	}
	if s, ok := summaries.get(b); ok {
		return s
	}
	// Capacity capped to length: a caller's append copies, never writes
	// into the shared summary.
	s := slices.Clip(summarise(b))
	summaries.put(b, s)
	return s
}

// Summarised is a summary made once by Presummarise, for a value recorded
// again and again: Summarise returns it as it is.
type Summarised struct{ s json.RawMessage }

// Presummarise returns Summarise(v), which Summarise then returns without
// looking at v again. v must not change afterwards.
func Presummarise(v any) Summarised { return Summarised{Summarise(v)} }

// summarise is Summarise of v's JSON text b.
func summarise(b []byte) json.RawMessage {
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

// summaryMemo remembers the summaries of recent JSON texts. A summary is a
// function of the text alone, and a dashboard's requests repeat the same
// few specs, so most requests find theirs here; an entry's summary is
// itself summarised again when it is stored (Entry.Storable), which finds
// it here too.
type summaryMemo struct {
	mu sync.Mutex
	m  map[string]json.RawMessage
}

const (
	summaryMemoSize  = 4096
	summaryMemoBytes = 4 << 10 // longer texts are summarised every time
)

var summaries summaryMemo

func (m *summaryMemo) get(b []byte) (json.RawMessage, bool) {
	if len(b) > summaryMemoBytes {
		return nil, false
	}
	m.mu.Lock()
	s, ok := m.m[string(b)]
	m.mu.Unlock()
	return s, ok
}

func (m *summaryMemo) put(b []byte, s json.RawMessage) {
	if len(b) > summaryMemoBytes {
		return
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= summaryMemoSize {
		m.m = map[string]json.RawMessage{}
	}
	m.m[string(b)] = s
	m.mu.Unlock()
}
