package lifecycle

import (
	"context"
	"net/http"
	"sync"
)

// Drainer counts requests in flight so that a process told to stop (Cloud Run
// sends SIGTERM and allows 10 s) can let them finish before it flushes and
// closes its clients.
type Drainer struct {
	mu       sync.Mutex
	inflight int
	idle     chan struct{}
	draining bool
}

// Wrap counts h's requests. During a drain new requests get 503.
func (d *Drainer) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		if d.draining {
			d.mu.Unlock()
			w.Header().Set("Connection", "close")
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		d.inflight++
		d.mu.Unlock()
		defer d.done()
		h.ServeHTTP(w, r)
	})
}

func (d *Drainer) done() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight--
	if d.inflight == 0 && d.idle != nil {
		close(d.idle)
		d.idle = nil
	}
}

// Drain refuses new requests and waits until those in flight finish or ctx ends.
func (d *Drainer) Drain(ctx context.Context) error {
	d.mu.Lock()
	d.draining = true
	if d.inflight == 0 {
		d.mu.Unlock()
		return nil
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	idle := d.idle
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
