package runjob

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestKickStartsTheJobAtMostOncePerInterval(t *testing.T) {
	var calls atomic.Int32
	var path atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		path.Store(r.Method + " " + r.URL.Path)
		_, _ = w.Write([]byte(`{"name":"operations/1"}`))
	}))
	defer srv.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	job := "projects/demo-mirante/locations/southamerica-east1/jobs/quarto-job"
	s, err := New(context.Background(), Config{Job: job, Endpoint: srv.URL, Every: time.Hour, Timeout: time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		s.Kick(context.Background())
	}
	s.Wait()
	if calls.Load() != 1 || path.Load() != "POST /v2/"+job+":run" {
		t.Errorf("%d calls, last %v; want one POST to jobs.run", calls.Load(), path.Load())
	}
	s.cfg.Every = 0
	s.Kick(context.Background())
	s.Kick(context.Background())
	s.Wait()
	if calls.Load() != 3 {
		t.Errorf("with no interval: %d calls, want 3", calls.Load())
	}
	if s, err := New(context.Background(), Config{}, log); s != nil || err != nil {
		t.Errorf("no job configured: %v %v", s, err)
	}
	var none *Starter
	none.Kick(context.Background()) // a nil starter does nothing
}
