// Command server is the deployed binary of every HTTP function: Cloud Run
// starts it with FUNCTION_TARGET naming the one to serve. It links no local
// stand-in (no DuckDB, no emulators), which a test checks.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	"github.com/mirante/mirante/functions/api"
	"github.com/mirante/mirante/functions/dispatch"
	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/functions/scheduler"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config selects the function and the port.
type Config struct {
	Target string `envconfig:"FUNCTION_TARGET" required:"true" desc:"deployed binary only: the function to serve (API, Scheduler, Dispatch or Ingest)"`
	Port   string `envconfig:"PORT" default:"8080" desc:"port to listen on (Cloud Run sets it)"`
}

// Validate checks the target.
func (c *Config) Validate() error {
	if _, ok := functions[c.Target]; !ok {
		return config.Errorf("FUNCTION_TARGET", "unknown function %q", c.Target)
	}
	return nil
}

type function struct {
	init     func(context.Context) error
	shutdown func(context.Context) error
}

var functions = map[string]function{
	"API":       {api.Init, api.Shutdown},
	"Scheduler": {scheduler.Init, scheduler.Shutdown},
	"Dispatch":  {dispatch.Init, dispatch.Shutdown},
	"Ingest":    {ingest.Init, ingest.Shutdown},
}

// shutdownGrace stays under Cloud Run's 10 s between SIGTERM and SIGKILL.
const shutdownGrace = 9 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := realMain(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context) error {
	var cfg Config
	if err := config.Load(&cfg); err != nil {
		return err
	}
	fn := functions[cfg.Target]
	if err := fn.init(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- funcframework.StartHostPort("", cfg.Port) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := fn.shutdown(sctx)
	// Then the spans and metrics still held, within the same grace.
	return errors.Join(err, telemetry.Shutdown(sctx))
}
