package telemetry

import (
	"io"
	"sync"
)

// taps see every line that every logger made by NewLogger writes: the test
// suites install one that fails the run on a token or an e-mail address
// (telemetrytest), and tests read the lines a request logged.
var (
	tapMu sync.RWMutex
	taps  = map[int]func([]byte){}
	tapN  int
)

// AddLogTap makes tap see every log line written from now on, until remove
// is called. tap must not keep the slice.
func AddLogTap(tap func(line []byte)) (remove func()) {
	tapMu.Lock()
	defer tapMu.Unlock()
	tapN++
	id := tapN
	taps[id] = tap
	return func() {
		tapMu.Lock()
		defer tapMu.Unlock()
		delete(taps, id)
	}
}

// tapped passes each write (one JSON line: slog writes a record at once) to
// the taps, then to the real writer.
type tapped struct{ w io.Writer }

func (t tapped) Write(p []byte) (int, error) {
	tapMu.RLock()
	for _, tap := range taps {
		tap(p)
	}
	tapMu.RUnlock()
	return t.w.Write(p)
}
