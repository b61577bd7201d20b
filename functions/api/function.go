// Package api is the api function: the REST surface of ../shared/API.md,
// deployed on Cloud Run with functions-framework-go.
package api

import (
	"context"
	"net/http"
	"sync"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/mirante/mirante/shared/httpapi"
	"github.com/mirante/mirante/shared/uploads"
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

// SetObjectNotifier makes uploads notify n when their raw file is stored.
// Only the local runner calls it, before Init: in production Cloud Storage's
// object-finalized event reaches the ingest function by itself.
func SetObjectNotifier(n uploads.Notifier) { objectNotifier = n }

var objectNotifier uploads.Notifier
