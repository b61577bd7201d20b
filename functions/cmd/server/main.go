// Command server is the deployed binary of every HTTP function: Cloud Run
// starts it with FUNCTION_TARGET naming the one to serve. It links no local
// stand-in (no DuckDB, no emulators), which a test checks.
package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/mirante/mirante/functions/api"
	"github.com/mirante/mirante/functions/dispatch"
	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/functions/scheduler"
	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config selects the function and the port.
type Config struct {
	Target string `envconfig:"FUNCTION_TARGET" required:"true" desc:"deployed binary only: the function to serve (API, Scheduler, Dispatch or Ingest)"`
	Port   string `envconfig:"PORT" default:"8080" desc:"port to listen on (Cloud Run sets it)"`
}

// Validate checks the target.
func (c *Config) Validate() error {
	if _, ok := targets[c.Target]; !ok {
		return config.Errorf("FUNCTION_TARGET", "unknown function %q", c.Target)
	}
	return nil
}

// function is one deployable function, built from its configuration.
type function interface {
	http.Handler
	Close(context.Context) error
}

// targets build each function from the environment's configuration, loaded
// once, on the one warehouse engine this binary links.
var targets = map[string]func(context.Context) (function, error){
	"API": func(ctx context.Context) (function, error) {
		cfg, err := api.LoadConfig()
		if err != nil {
			return nil, err
		}
		return api.New(ctx, cfg, api.Deps{Engines: bigquery.Engines})
	},
	"Scheduler": func(ctx context.Context) (function, error) {
		cfg, err := scheduler.LoadConfig()
		if err != nil {
			return nil, err
		}
		return scheduler.New(ctx, cfg, scheduler.Deps{})
	},
	"Dispatch": func(ctx context.Context) (function, error) {
		cfg, err := dispatch.LoadConfig()
		if err != nil {
			return nil, err
		}
		return dispatch.New(ctx, cfg, dispatch.Deps{})
	},
	"Ingest": func(ctx context.Context) (function, error) {
		cfg, err := ingest.LoadConfig()
		if err != nil {
			return nil, err
		}
		return ingest.New(ctx, cfg, ingest.Deps{Engines: bigquery.Engines})
	},
}

// shutdownGrace stays under Cloud Run's 10 s between SIGTERM and SIGKILL.
const shutdownGrace = 9 * time.Second

func main() { lifecycle.Main(realMain) }

func realMain(ctx context.Context) error {
	var cfg Config
	if err := config.Load(&cfg); err != nil {
		return err
	}
	fn, err := targets[cfg.Target](ctx)
	if err != nil {
		return err
	}
	// The one function this process serves, declared under the name
	// functions-framework finds in FUNCTION_TARGET.
	functions.HTTP(cfg.Target, fn.ServeHTTP)
	errc := make(chan error, 1)
	go func() { errc <- funcframework.StartHostPort("", cfg.Port) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = fn.Close(sctx)
	// Then the spans and metrics still held, within the same grace.
	return errors.Join(err, telemetry.Shutdown(sctx))
}
