package lifecycle

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestClosersCloseTheLastOpenedFirst(t *testing.T) {
	var got []string
	var c Closers
	for _, name := range []string{"db", "redis", "audit"} {
		c.Add(func() { got = append(got, name) })
	}
	c.Close()
	if diff := cmp.Diff([]string{"audit", "redis", "db"}, got); diff != "" {
		t.Errorf("close order (-want +got):\n%s", diff)
	}
}

func TestFunctionClosesClientsAfterRequestsInFlight(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var events []string
	f := NewFunction(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		events = append(events, "request done")
	}), func() { events = append(events, "clients closed") })
	served := make(chan struct{})
	go func() {
		f.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		close(served)
	}()
	<-started
	closed := make(chan error)
	go func() { closed <- f.Close(context.Background()) }()
	for !draining(f) {
		time.Sleep(time.Millisecond)
	}
	// A request that comes during the drain is refused.
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a request during the drain got %d, want 503", rec.Code)
	}
	close(release)
	<-served
	if err := <-closed; err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if diff := cmp.Diff([]string{"request done", "clients closed"}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestFunctionCloseGivesUpWithTheContext(t *testing.T) {
	started := make(chan struct{})
	block := make(chan struct{})
	defer close(block)
	closedClients := false
	f := NewFunction(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-block
	}), func() { closedClients = true })
	go f.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := f.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close() = %v, want the context's deadline", err)
	}
	if !closedClients {
		t.Error("the clients stayed open after Close")
	}
}

func draining(f *Function) bool {
	f.drainer.mu.Lock()
	defer f.drainer.mu.Unlock()
	return f.drainer.draining
}
