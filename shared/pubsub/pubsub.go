// Package pubsub carries report requests from the API to the report worker
// over Cloud Pub/Sub (pstest in process locally, through
// PUBSUB_EMULATOR_HOST, which the client library reads).
package pubsub

import (
	"context"
	"encoding/json"

	"fmt"
	"time"

	gpubsub "cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config names the project, topic and subscription.
type Config struct {
	Project      string        `envconfig:"GOOGLE_CLOUD_PROJECT" default:"demo-mirante" prod:"required" desc:"Google Cloud project of Pub/Sub, Cloud Tasks and Cloud Storage"`
	Topic        string        `envconfig:"REPORT_REQUESTS_TOPIC" default:"report-requests" desc:"Pub/Sub topic of report requests"`
	Subscription string        `envconfig:"REPORT_REQUESTS_SUBSCRIPTION" default:"report-requests-worker" desc:"the report worker's pull subscription"`
	Timeout      time.Duration `envconfig:"PUBSUB_TIMEOUT" default:"10s" desc:"timeout of each publish"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.Project == "" {
		return config.Errorf("GOOGLE_CLOUD_PROJECT", "required")
	}
	if c.Topic == "" {
		return config.Errorf("REPORT_REQUESTS_TOPIC", "required")
	}
	if c.Timeout <= 0 {
		return config.Errorf("PUBSUB_TIMEOUT", "must be positive")
	}
	return nil
}

// Client publishes and receives report requests.
type Client struct {
	c       *gpubsub.Client
	pub     *gpubsub.Publisher
	cfg     Config
	timeout time.Duration
}

// New opens the client.
func New(ctx context.Context, cfg Config) (*Client, error) {
	c, err := gpubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		return nil, fmt.Errorf("pubsub: %w", err)
	}
	return &Client{c: c, pub: c.Publisher(cfg.Topic), cfg: cfg, timeout: cfg.Timeout}, nil
}

// Close stops the publisher (sending what it holds) and closes the client.
func (c *Client) Close() error {
	c.pub.Stop()
	return c.c.Close()
}

var _ reports.Publisher = (*Client)(nil)

// PublishReportRequest sends one request and waits until Pub/Sub has it.
func (c *Client) PublishReportRequest(ctx context.Context, r reports.Request) (err error) {
	ctx, end := telemetry.StartSpan(ctx, "pubsub.publish "+c.cfg.Topic, trace.SpanKindProducer,
		attribute.String("messaging.system", "gcp_pubsub"), attribute.String("messaging.destination.name", c.cfg.Topic),
		attribute.String("mirante.org_id", r.OrgID), attribute.String("mirante.report_id", r.ReportID))
	defer func() { end(err) }()
	// The worker's span joins this one's trace.
	if trace.SpanContextFromContext(ctx).IsValid() {
		r.Traceparent = telemetry.Traceparent(ctx)
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	attrs := map[string]string{"org_id": r.OrgID, "report_id": r.ReportID}
	if r.Traceparent != "" {
		attrs["traceparent"] = r.Traceparent
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if _, err := c.pub.Publish(ctx, &gpubsub.Message{Data: data, Attributes: attrs}).Get(ctx); err != nil {
		return fmt.Errorf("publishing a report request: %w", err)
	}
	return nil
}

// Delivery is one received request, how often Pub/Sub has delivered it and
// when it was published (the queue age is the wait since).
type Delivery struct {
	Request     reports.Request
	Attempt     int
	PublishedAt time.Time
}

// Receive hands each request to handle until ctx ends, acking when handle
// returns true and nacking (to be redelivered) otherwise. Undecodable
// messages are acked and reported through bad: redelivering them cannot help.
func (c *Client) Receive(ctx context.Context, concurrency int, handle func(context.Context, Delivery) bool, bad func(error)) error {
	sub := c.c.Subscriber(c.cfg.Subscription)
	sub.ReceiveSettings.MaxOutstandingMessages = concurrency
	sub.ReceiveSettings.NumGoroutines = 1
	return sub.Receive(ctx, func(ctx context.Context, m *gpubsub.Message) {
		var r reports.Request
		if err := json.Unmarshal(m.Data, &r); err != nil || r.OrgID == "" || r.ReportID == "" || r.OrgID != m.Attributes["org_id"] {
			bad(fmt.Errorf("undecodable report request %s", m.ID))
			m.Ack()
			return
		}
		attempt := 1
		if m.DeliveryAttempt != nil {
			attempt = *m.DeliveryAttempt
		}
		if r.Traceparent == "" {
			r.Traceparent = m.Attributes["traceparent"]
		}
		if handle(ctx, Delivery{Request: r, Attempt: attempt, PublishedAt: m.PublishTime}) {
			m.Ack()
		} else {
			m.Nack()
		}
	})
}

// EnsureTopology creates the topic, its dead-letter topic and the worker's
// subscription when missing, as Terraform does in production; the local
// runner and the tests call it against pstest.
func (c *Client) EnsureTopology(ctx context.Context, maxAttempts int) error {
	topic := "projects/" + c.cfg.Project + "/topics/" + c.cfg.Topic
	dead := topic + "-dead-letter"
	for _, name := range []string{topic, dead} {
		if _, err := c.c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: name}); err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("creating topic %s: %w", name, err)
		}
	}
	sub := &pubsubpb.Subscription{
		Name:               "projects/" + c.cfg.Project + "/subscriptions/" + c.cfg.Subscription,
		Topic:              topic,
		AckDeadlineSeconds: 60,
		DeadLetterPolicy:   &pubsubpb.DeadLetterPolicy{DeadLetterTopic: dead, MaxDeliveryAttempts: int32(maxAttempts)},
		RetryPolicy:        &pubsubpb.RetryPolicy{MinimumBackoff: durationpb.New(reports.RetryMinBackoff), MaximumBackoff: durationpb.New(reports.RetryMaxBackoff)},
	}
	if _, err := c.c.SubscriptionAdminClient.CreateSubscription(ctx, sub); err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("creating subscription: %w", err)
	}
	deadSub := &pubsubpb.Subscription{Name: sub.Name + "-dead-letter", Topic: dead}
	if _, err := c.c.SubscriptionAdminClient.CreateSubscription(ctx, deadSub); err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("creating the dead-letter subscription: %w", err)
	}
	return nil
}
