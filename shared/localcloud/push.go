package localcloud

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	gpubsub "cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/storage"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// The ingest flow's names, as Terraform creates them (infra/modules/pubsub).
const (
	IngestTopic        = "ingest-events"
	IngestSubscription = "ingest-events-ingest"
	// PushAccount is the local name of the account whose OIDC token the push
	// subscription sends (Terraform's pubsub-push account).
	PushAccount = "pubsub-push@demo-mirante.iam.gserviceaccount.com"
)

// Notify creates a bucket's Cloud Storage notifications to the ingest topic,
// one per prefix, as Terraform's google_storage_notification resources do
// (OBJECT_FINALIZE, JSON_API_V1), through the same Cloud Storage API.
func Notify(ctx context.Context, project, bucket string, prefixes []string) error {
	c, err := storage.NewClient(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b := c.Bucket(bucket)
	have, err := b.Notifications(ctx)
	if err != nil {
		return fmt.Errorf("listing the notifications of %s: %w", bucket, err)
	}
	for _, p := range prefixes {
		found := false
		for _, n := range have {
			found = found || (n.ObjectNamePrefix == p && n.TopicID == IngestTopic)
		}
		if found {
			continue
		}
		_, err := b.AddNotification(ctx, &storage.Notification{
			TopicProjectID: project, TopicID: IngestTopic, ObjectNamePrefix: p,
			EventTypes: []string{storage.ObjectFinalizeEvent}, PayloadFormat: storage.JSONPayload,
		})
		if err != nil {
			return fmt.Errorf("creating the notification of gs://%s/%s: %w", bucket, p, err)
		}
	}
	return nil
}

// ensureIngestTopology creates the ingest topic, its dead-letter topic and
// the subscription the relay pulls, with Terraform's dead-lettering.
func ensureIngestTopology(ctx context.Context, c *gpubsub.Client, project string, maxAttempts int) error {
	topic := "projects/" + project + "/topics/" + IngestTopic
	dead := topic + "-dead-letter"
	for _, name := range []string{topic, dead} {
		if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: name}); err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("creating topic %s: %w", name, err)
		}
	}
	subs := []*pubsubpb.Subscription{
		{
			Name: "projects/" + project + "/subscriptions/" + IngestSubscription, Topic: topic, AckDeadlineSeconds: 600,
			DeadLetterPolicy: &pubsubpb.DeadLetterPolicy{DeadLetterTopic: dead, MaxDeliveryAttempts: int32(maxAttempts)}, // #nosec G115 -- a handful
			RetryPolicy:      &pubsubpb.RetryPolicy{MinimumBackoff: durationpb.New(time.Second), MaximumBackoff: durationpb.New(10 * time.Second)},
		},
		{Name: "projects/" + project + "/subscriptions/" + IngestTopic + "-dead-letter-hold", Topic: dead},
	}
	for _, s := range subs {
		if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, s); err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("creating subscription %s: %w", s.Name, err)
		}
	}
	return nil
}

// Relay is what Pub/Sub's push subscription does in the cloud: it takes each
// message of the ingest subscription and POSTs it to the endpoint in the
// push envelope, with an OIDC-shaped bearer token of the push account for
// the endpoint's audience. A 2xx acks; anything else is redelivered after
// the subscription's backoff (pstest keeps the retry policy but does not
// wait, so the relay waits) and, past the attempts, dead-lettered.
type Relay struct {
	Project  string
	Endpoint string
	// MinBackoff and MaxBackoff bound the wait before a redelivery.
	MinBackoff, MaxBackoff time.Duration
	Log                    *slog.Logger
	Client                 *http.Client
}

// Run relays until ctx ends.
func (r *Relay) Run(ctx context.Context) error {
	c, err := gpubsub.NewClient(ctx, r.Project)
	if err != nil {
		return err
	}
	defer c.Close()
	sub := c.Subscriber(IngestSubscription)
	// Cloud Run runs the ingest service with one request per instance; one
	// local process is one instance.
	sub.ReceiveSettings.MaxOutstandingMessages = 1
	sub.ReceiveSettings.NumGoroutines = 1
	return sub.Receive(ctx, func(ctx context.Context, m *gpubsub.Message) {
		attempt := 0
		if m.DeliveryAttempt != nil {
			attempt = *m.DeliveryAttempt
		}
		if err := r.deliver(ctx, m, attempt); err != nil {
			wait := r.backoff(attempt)
			r.Log.Warn("push relay: the ingest endpoint did not ack; redelivering", "message_id", m.ID,
				"object", m.Attributes["objectId"], "attempt", attempt, "retry_in", wait.String(), "error", err.Error())
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
			m.Nack()
			return
		}
		m.Ack()
	})
}

func (r *Relay) backoff(attempt int) time.Duration {
	d := r.MinBackoff
	for i := 1; i < attempt && d < r.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.MaxBackoff)
}

// PushBody is the envelope Pub/Sub's push subscription POSTs.
func PushBody(project string, m *gpubsub.Message, attempt int) ([]byte, error) {
	type message struct {
		Attributes  map[string]string `json:"attributes,omitempty"`
		Data        string            `json:"data"`
		MessageID   string            `json:"messageId"`
		MessageID2  string            `json:"message_id"`
		PublishTime string            `json:"publishTime"`
		PublishTim2 string            `json:"publish_time"`
	}
	pt := m.PublishTime.UTC().Format(time.RFC3339Nano)
	body := struct {
		Message         message `json:"message"`
		Subscription    string  `json:"subscription"`
		DeliveryAttempt int     `json:"deliveryAttempt,omitempty"`
	}{
		Message: message{Attributes: m.Attributes, Data: base64.StdEncoding.EncodeToString(m.Data),
			MessageID: m.ID, MessageID2: m.ID, PublishTime: pt, PublishTim2: pt},
		Subscription:    "projects/" + project + "/subscriptions/" + IngestSubscription,
		DeliveryAttempt: attempt,
	}
	return json.Marshal(body)
}

func (r *Relay) deliver(ctx context.Context, m *gpubsub.Message, attempt int) error {
	body, err := PushBody(r.Project, m, attempt)
	if err != nil {
		return err
	}
	// The push subscription's ack deadline (600 s) bounds a delivery.
	ctx, cancel := context.WithTimeout(ctx, 600*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.Endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+oidcToken(r.Endpoint, time.Now()))
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}

// oidcToken is shaped as the ID token Pub/Sub mints for the push account
// (issuer, audience, email claims), unsigned: locally nothing stands where
// Cloud Run checks it, and the function does not read it.
func oidcToken(audience string, now time.Time) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": "https://accounts.google.com", "aud": audience, "azp": "local-push", "sub": "local-push",
		"email": PushAccount, "email_verified": true, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "."
}
