// Package api is the api function: the REST surface of ../shared/API.md,
// deployed on Cloud Run with functions-framework-go.
package api

import (
	"context"
	"net/http"
	"os"
	"sync"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/telemetry"
)

func init() { functions.HTTP("API", Serve) }

var (
	once    sync.Once
	h       http.Handler
	closeFn func()
	herr    error
	drainer httpapi.Drainer
)

// Serve is the function's entry point; the first call sets it up.
func Serve(w http.ResponseWriter, r *http.Request) {
	once.Do(func() { h, closeFn, herr = setup(context.Background()) })
	if herr != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(w, r)
}

// Init sets the function up eagerly, so that a bad setting stops the process
// at start instead of failing the first request.
func Init(ctx context.Context) error {
	once.Do(func() { h, closeFn, herr = setup(ctx) })
	return herr
}

// Shutdown lets requests in flight finish, then closes the clients.
func Shutdown(ctx context.Context) error {
	err := drainer.Drain(ctx)
	if closeFn != nil {
		closeFn()
	}
	return err
}

// setup loads the configuration, opens the clients and returns the handler.
func setup(ctx context.Context) (http.Handler, func(), error) {
	cfg, err := LoadConfig()
	if err != nil {
		return nil, nil, err
	}
	log := telemetry.NewLogger(os.Stdout, cfg.Log)
	db, err := postgres.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, nil, err
	}
	fb, err := firebase.New(ctx, cfg.Firebase)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	srv := &httpapi.Server{
		Users:    postgres.NewUserService(db),
		Verifier: fb,
		Health:   db,
		Log:      log,
	}
	return drainer.Wrap(srv.Handler()), db.Close, nil
}
