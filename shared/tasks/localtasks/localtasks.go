// Package localtasks is the local stand-in for Cloud Tasks: an in-process gRPC
// server implementing cloudtaskspb.CloudTasksServer that the real client
// talks to. Like the service, it refuses a second task with the same name and
// delivers each task's HTTP request, retrying failures on the queue's retry
// policy (the one Terraform gives the production queue).
package localtasks

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// Server is the stand-in.
type Server struct {
	cloudtaskspb.UnimplementedCloudTasksServer

	grpc   *grpc.Server
	lis    net.Listener
	log    *slog.Logger
	client *http.Client
	retry  RetryConfig

	mu        sync.Mutex
	tasks     map[string]*cloudtaskspb.Task
	delivered map[string]int // task name -> status of the last delivery
	wg        sync.WaitGroup
	stop      chan struct{}
}

// RetryConfig is a queue's retry policy, as Cloud Tasks reads it: a task is
// attempted at most MaxAttempts times; the wait before a retry starts at
// MinBackoff, doubles MaxDoublings times, then grows by the last doubled
// step, and never exceeds MaxBackoff.
type RetryConfig struct {
	MaxAttempts  int
	MinBackoff   time.Duration
	MaxBackoff   time.Duration
	MaxDoublings int
}

// QueueRetry is the retry_config of the production queue
// (infra/modules/tasks/main.tf; a test keeps the two equal).
var QueueRetry = RetryConfig{MaxAttempts: 8, MinBackoff: 10 * time.Second, MaxBackoff: 600 * time.Second, MaxDoublings: 4}

// Backoff is the wait after the failed attempt-th attempt (1-based).
func (c RetryConfig) Backoff(attempt int) time.Duration {
	k := attempt - 1
	var d time.Duration
	if k <= c.MaxDoublings {
		d = c.MinBackoff << k
	} else {
		d = (c.MinBackoff << c.MaxDoublings) * time.Duration(k-c.MaxDoublings+1)
	}
	if d > c.MaxBackoff || d <= 0 {
		return c.MaxBackoff
	}
	return d
}

// Start listens on addr ("127.0.0.1:0" for any port) and serves, retrying on
// the production queue's policy.
func Start(addr string, log *slog.Logger) (*Server, error) {
	return StartWith(addr, log, QueueRetry)
}

// StartWith is Start with another retry policy.
func StartWith(addr string, log *slog.Logger, retry RetryConfig) (*Server, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		grpc: grpc.NewServer(), lis: lis, log: log, client: &http.Client{Timeout: 60 * time.Second},
		retry: retry,
		tasks: map[string]*cloudtaskspb.Task{}, delivered: map[string]int{}, stop: make(chan struct{}),
	}
	cloudtaskspb.RegisterCloudTasksServer(s.grpc, s)
	go func() { _ = s.grpc.Serve(lis) }()
	return s, nil
}

// Addr is the host:port to give the client (TASKS_ENDPOINT).
func (s *Server) Addr() string { return s.lis.Addr().String() }

// Close stops taking tasks and waits for deliveries in flight.
func (s *Server) Close() {
	close(s.stop)
	s.grpc.GracefulStop()
	s.wg.Wait()
}

// CreateTask stores and delivers a task; a name already used is AlreadyExists.
func (s *Server) CreateTask(_ context.Context, req *cloudtaskspb.CreateTaskRequest) (*cloudtaskspb.Task, error) {
	t := proto.Clone(req.GetTask()).(*cloudtaskspb.Task)
	if t.GetHttpRequest() == nil {
		return nil, status.Error(codes.InvalidArgument, "only HTTP tasks are supported")
	}
	s.mu.Lock()
	if t.Name == "" {
		t.Name = fmt.Sprintf("%s/tasks/%d", req.GetParent(), time.Now().UnixNano())
	}
	if _, dup := s.tasks[t.Name]; dup {
		s.mu.Unlock()
		return nil, status.Errorf(codes.AlreadyExists, "task %s exists", t.Name)
	}
	s.tasks[t.Name] = t
	s.mu.Unlock()
	s.wg.Add(1)
	go s.deliver(t)
	return t, nil
}

// GetTask returns a stored task.
func (s *Server) GetTask(_ context.Context, req *cloudtaskspb.GetTaskRequest) (*cloudtaskspb.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[req.GetName()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "task %s", req.GetName())
	}
	return t, nil
}

// Delivered returns the HTTP status of each task's last delivery.
func (s *Server) Delivered() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.delivered {
		out[k] = v
	}
	return out
}

func (s *Server) deliver(t *cloudtaskspb.Task) {
	defer s.wg.Done()
	hr := t.GetHttpRequest()
	for attempt := 1; attempt <= s.retry.MaxAttempts; attempt++ {
		code := s.post(hr)
		s.mu.Lock()
		s.delivered[t.Name] = code
		s.mu.Unlock()
		if code >= 200 && code < 300 {
			return
		}
		s.log.Warn("local task delivery failed", "task", t.Name, "status", code, "attempt", attempt)
		if attempt == s.retry.MaxAttempts {
			return
		}
		select {
		case <-s.stop:
			return
		case <-time.After(s.retry.Backoff(attempt)):
		}
	}
}

func (s *Server) post(hr *cloudtaskspb.HttpRequest) int {
	req, err := http.NewRequest(http.MethodPost, hr.GetUrl(), bytes.NewReader(hr.GetBody()))
	if err != nil {
		return 0
	}
	for k, v := range hr.GetHeaders() {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
