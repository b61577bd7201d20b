// Package api is the api function: the REST surface of ../shared/API.md,
// deployed on Cloud Run with functions-framework-go.
package api

import (
	"context"
	"log/slog"

	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/uploads"
	"github.com/mirante/mirante/shared/warehouse"
)

// Deps are what the binary gives the function besides its configuration.
type Deps struct {
	// Engines are the warehouse engines the binary links; the
	// configuration's WAREHOUSE_ENGINE picks one.
	Engines warehouse.Engines
	// Log replaces the JSON logger on standard output when set.
	Log *slog.Logger
	// Notifier, when set, is told of every stored upload. Nothing sets it
	// in a binary: the raw bucket's notification reaches the ingest
	// function by itself. In-process tests load uploads through it.
	Notifier uploads.Notifier
	// RendererStatus, set where this process renders reports (the local
	// runner's in-process worker), adds the renderer's readiness to
	// /healthz. Unset in Cloud Run, where the report job renders.
	RendererStatus func() string
}

// Function is the api function: it serves the API and, on Close, lets the
// requests in flight finish before its clients close.
type Function struct {
	*lifecycle.Function
}

// New opens the function's clients; a bad setting fails here, at start,
// instead of on the first request.
func New(ctx context.Context, cfg Config, deps Deps) (*Function, error) {
	h, closeAll, err := build(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	return &Function{lifecycle.NewFunction(h, closeAll)}, nil
}
