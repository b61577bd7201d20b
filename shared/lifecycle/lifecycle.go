// Package lifecycle is what every binary does to start and to stop: it sets
// up logging and telemetry before any client opens, closes the clients it
// opened in the reverse order, lets the requests in flight finish before
// they close, and runs main on a context that ends on SIGINT or SIGTERM, so
// that deferred cleanup runs.
package lifecycle

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/mirante/mirante/shared/telemetry"
)

// Main runs realMain on a context that ends on SIGINT or SIGTERM (Cloud Run's
// stop signal) and exits 1 with realMain's error, one line on standard
// error. realMain returns instead of exiting, so its deferred cleanup runs.
func Main(realMain func(context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Start sets up telemetry under the service's name and returns the logger:
// log when the binary gives one, JSON on standard output at cfg's level
// otherwise. It comes before any client opens, so that their spans and logs
// have somewhere to go.
func Start(ctx context.Context, service string, cfg telemetry.Config, log *slog.Logger) (*slog.Logger, error) {
	if log == nil {
		log = telemetry.NewLogger(os.Stdout, cfg)
	}
	if err := telemetry.Setup(ctx, cfg, service); err != nil {
		return nil, err
	}
	return log, nil
}

// Closers closes the clients a binary opened, the last opened first: a
// client may use those opened before it (the audit log writes to the
// PostgreSQL pool) until it is closed itself.
type Closers struct {
	fns []func()
}

// Add adds close, to run before every close added earlier.
func (c *Closers) Add(close func()) { c.fns = append(c.fns, close) }

// Close runs every close added, the last added first.
func (c *Closers) Close() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}

// Function is a deployed HTTP function: its handler, and a Close that lets
// the requests in flight finish (new ones get 503) before the clients the
// handler uses close.
type Function struct {
	h       http.Handler
	close   func()
	drainer Drainer
}

// NewFunction serves h, counting its requests; close closes the clients h
// uses.
func NewFunction(h http.Handler, close func()) *Function {
	f := &Function{close: close}
	f.h = f.drainer.Wrap(h)
	return f
}

// ServeHTTP serves one request.
func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.h.ServeHTTP(w, r) }

// Close lets the requests in flight finish, or ctx end, then closes the
// clients; its error is ctx's when requests were still running.
func (f *Function) Close(ctx context.Context) error {
	err := f.drainer.Drain(ctx)
	f.close()
	return err
}
