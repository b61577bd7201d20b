package localtasks

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The stand-in retries on the policy Terraform gives the production queue.
func TestQueueRetryIsTerraforms(t *testing.T) {
	tf, err := os.ReadFile("../../../infra/modules/tasks/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)retry_config \{\s*max_attempts\s*=\s*(\d+).*?min_backoff\s*=\s*"(\d+)s"\s*max_backoff\s*=\s*"(\d+)s"\s*max_doublings\s*=\s*(\d+)`).FindSubmatch(tf)
	if m == nil {
		t.Fatal("no retry_config in infra/modules/tasks/main.tf")
	}
	n := func(b []byte) int { v, _ := strconv.Atoi(string(b)); return v }
	want := RetryConfig{MaxAttempts: n(m[1]), MinBackoff: time.Duration(n(m[2])) * time.Second, MaxBackoff: time.Duration(n(m[3])) * time.Second, MaxDoublings: n(m[4])}
	if QueueRetry != want {
		t.Fatalf("QueueRetry %+v, Terraform %+v", QueueRetry, want)
	}
}

// Cloud Tasks' documented example: min 10s, max 300s, 3 doublings retries at
// 10s, 20s, 40s, 80s, 160s, 240s, 300s, 300s.
func TestBackoffDoublesThenGrowsLinearly(t *testing.T) {
	c := RetryConfig{MaxAttempts: 9, MinBackoff: 10 * time.Second, MaxBackoff: 300 * time.Second, MaxDoublings: 3}
	want := []int{10, 20, 40, 80, 160, 240, 300, 300}
	for i, w := range want {
		if got := c.Backoff(i + 1); got != time.Duration(w)*time.Second {
			t.Errorf("after attempt %d: %s, want %ds", i+1, got, w)
		}
	}
}

// A failing task is attempted MaxAttempts times, the gaps growing as the
// policy says, and then left alone.
func TestFailedDeliveriesBackOffAndStop(t *testing.T) {
	retry := RetryConfig{MaxAttempts: 4, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, MaxDoublings: 2}
	var mu sync.Mutex
	var at []time.Time
	done := make(chan struct{})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		if len(at) == retry.MaxAttempts {
			close(done)
		}
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer target.Close()
	s, err := StartWith("127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)), retry)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(s.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = cloudtaskspb.NewCloudTasksClient(conn).CreateTask(ctx, &cloudtaskspb.CreateTaskRequest{
		Parent: "projects/p/locations/l/queues/q",
		Task: &cloudtaskspb.Task{Name: "projects/p/locations/l/queues/q/tasks/t1", MessageType: &cloudtaskspb.Task_HttpRequest{
			HttpRequest: &cloudtaskspb.HttpRequest{Url: target.URL, HttpMethod: cloudtaskspb.HttpMethod_POST},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the task was not attempted MaxAttempts times")
	}
	s.Close() // waits for the delivery loop, which must end after the last attempt
	mu.Lock()
	defer mu.Unlock()
	if len(at) != retry.MaxAttempts {
		t.Fatalf("%d attempts, want %d", len(at), retry.MaxAttempts)
	}
	for i := 1; i < len(at); i++ {
		if gap, min := at[i].Sub(at[i-1]), retry.Backoff(i); gap < min {
			t.Errorf("attempt %d came %s after the previous, before the %s backoff", i+1, gap, min)
		}
	}
	if got := s.Delivered()["projects/p/locations/l/queues/q/tasks/t1"]; got != http.StatusServiceUnavailable {
		t.Errorf("last delivery status %d", got)
	}
}
