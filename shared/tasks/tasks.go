// Package tasks creates Cloud Tasks that call the dispatch function, one per
// due schedule run, with a deterministic name so that a scheduler tick run
// twice creates nothing twice.
package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	cloudtasks "cloud.google.com/go/cloudtasks/apiv2"
	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/telemetry"
)

// Target is what the scheduler puts on each task and dispatch checks on
// arrival: the URL the task calls (also its OIDC audience) and who signs the
// token. Both sides must read the same values.
type Target struct {
	DispatchURL    string `envconfig:"DISPATCH_URL" default:"http://127.0.0.1:8080/Dispatch" prod:"required" desc:"URL of the dispatch function that the tasks call, and their OIDC audience"`
	ServiceAccount string `envconfig:"TASKS_SERVICE_ACCOUNT" prod:"required" desc:"service account whose OIDC token the tasks carry to the dispatch function (required in production)"`
	LocalSecret    string `envconfig:"LOCAL_TASK_SECRET" default:"mirante-local-task-secret" prod:"unset" desc:"local only: shared secret the local task runner sends to dispatch in place of an OIDC token"`
}

// Validate checks the settings.
func (t *Target) Validate() error {
	if t.DispatchURL == "" {
		return config.Errorf("DISPATCH_URL", "required")
	}
	return nil
}

// Config says which queue, whom the tasks call and as whom.
type Config struct {
	Target
	Queue    string        `envconfig:"TASKS_QUEUE" default:"projects/demo-mirante/locations/southamerica-east1/queues/report-dispatch" prod:"required" desc:"Cloud Tasks queue of schedule runs (projects/…/locations/…/queues/…)"`
	Endpoint string        `envconfig:"TASKS_ENDPOINT" prod:"unset" desc:"local only: host:port of the in-process Cloud Tasks stand-in (plain gRPC)"`
	Timeout  time.Duration `envconfig:"TASKS_TIMEOUT" default:"10s" desc:"timeout of each Cloud Tasks call"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.Queue == "" {
		return config.Errorf("TASKS_QUEUE", "required")
	}
	if err := c.Target.Validate(); err != nil {
		return err
	}
	if c.Timeout <= 0 {
		return config.Errorf("TASKS_TIMEOUT", "must be positive")
	}
	return nil
}

// Run is the body of a dispatch task.
type Run struct {
	OrgID       string    `json:"org_id"`
	ScheduleID  string    `json:"schedule_id"`
	RunAt       time.Time `json:"run_at"`
	Traceparent string    `json:"traceparent,omitempty"`
}

// Enqueuer creates dispatch tasks.
type Enqueuer struct {
	c   *cloudtasks.Client
	cfg Config
}

// New opens the client (plain gRPC to TASKS_ENDPOINT when set).
func New(ctx context.Context, cfg Config) (*Enqueuer, error) {
	var opts []option.ClientOption
	if cfg.Endpoint != "" {
		conn, err := grpc.NewClient(cfg.Endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, fmt.Errorf("TASKS_ENDPOINT: %w", err)
		}
		opts = append(opts, option.WithGRPCConn(conn))
	}
	c, err := cloudtasks.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cloud tasks: %w", err)
	}
	return &Enqueuer{c: c, cfg: cfg}, nil
}

// Close closes the client.
func (e *Enqueuer) Close() error { return e.c.Close() }

// TaskName is the deterministic name of one schedule run's task.
func TaskName(queue string, d reports.Due) string {
	return queue + "/tasks/sched-" + d.ScheduleID + "-" + strconv.FormatInt(d.RunAt.Unix(), 10)
}

// Enqueue creates the task of a due run; created is false when a task of
// that name exists already (the run was enqueued by an earlier tick).
func (e *Enqueuer) Enqueue(ctx context.Context, d reports.Due, traceparent string) (created bool, err error) {
	ctx, end := telemetry.StartSpan(ctx, "cloudtasks.CreateTask", trace.SpanKindProducer,
		attribute.String("mirante.org_id", d.OrgID), attribute.String("mirante.schedule_id", d.ScheduleID))
	defer func() { end(err) }()
	// The task continues this span's trace: dispatch's server span, and the
	// report it orders, join it.
	if tp := telemetry.Traceparent(ctx); tp != "" && trace.SpanContextFromContext(ctx).IsValid() {
		traceparent = tp
	}
	body, err := json.Marshal(Run{OrgID: d.OrgID, ScheduleID: d.ScheduleID, RunAt: d.RunAt, Traceparent: traceparent})
	if err != nil {
		return false, err
	}
	req := &cloudtaskspb.HttpRequest{
		Url:        e.cfg.DispatchURL,
		HttpMethod: cloudtaskspb.HttpMethod_POST,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       body,
	}
	if traceparent != "" {
		req.Headers["traceparent"] = traceparent
	}
	if e.cfg.ServiceAccount != "" {
		req.AuthorizationHeader = &cloudtaskspb.HttpRequest_OidcToken{OidcToken: &cloudtaskspb.OidcToken{ServiceAccountEmail: e.cfg.ServiceAccount, Audience: e.cfg.DispatchURL}}
	} else {
		req.Headers["Authorization"] = "Bearer " + e.cfg.LocalSecret
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	_, err = e.c.CreateTask(ctx, &cloudtaskspb.CreateTaskRequest{
		Parent: e.cfg.Queue,
		Task:   &cloudtaskspb.Task{Name: TaskName(e.cfg.Queue, d), MessageType: &cloudtaskspb.Task_HttpRequest{HttpRequest: req}},
	})
	if status.Code(err) == codes.AlreadyExists {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("creating the task of schedule %s: %w", d.ScheduleID, err)
	}
	return true, nil
}
