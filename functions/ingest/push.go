package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pushEnvelope is the body Pub/Sub's push subscription POSTs: one message of
// the ingest-events topic, which Cloud Storage's notification published.
// Pub/Sub spells the message's id and time twice (camelCase and snake_case);
// either is read.
type pushEnvelope struct {
	Message *struct {
		Data         []byte            `json:"data"` // base64 in the JSON
		Attributes   map[string]string `json:"attributes"`
		MessageID    string            `json:"messageId"`
		MessageIDAlt string            `json:"message_id"`
		PublishTime  string            `json:"publishTime"`
	} `json:"message"`
	Subscription    string `json:"subscription"`
	DeliveryAttempt int    `json:"deliveryAttempt"`
}

// objectResource is the part of the JSON_API_V1 payload (Cloud Storage's
// object resource) the function reads. Cloud Storage writes its 64-bit
// numbers as strings.
type objectResource struct {
	Kind       string `json:"kind"`
	Bucket     string `json:"bucket"`
	Name       string `json:"name"`
	Generation string `json:"generation"`
	Size       string `json:"size"`
}

// Notification is one Cloud Storage notification as the push subscription
// delivers it.
type Notification struct {
	MessageID    string
	Subscription string
	Attempt      int
	EventType    string
	Bucket       string
	Object       string
	Generation   int64
	Size         int64
}

// ObjectFinalize is the only event type the bucket's notifications send.
const ObjectFinalize = "OBJECT_FINALIZE"

// maxPushBody bounds the envelope: the object resource of one notification
// is a few kilobytes.
const maxPushBody = 1 << 20

// errUndecodable is a push body that is no Cloud Storage notification.
var errUndecodable = errors.New("undecodable push")

// DecodePush reads a push body. The notification's attributes (bucketId,
// objectId, objectGeneration, eventType) are Cloud Storage's for every
// payload format and are authoritative; the JSON_API_V1 payload, when there,
// must name the same object.
func DecodePush(r io.Reader) (Notification, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxPushBody+1))
	if err != nil {
		return Notification{}, fmt.Errorf("%w: reading the body: %v", errUndecodable, err)
	}
	if len(body) > maxPushBody {
		return Notification{}, fmt.Errorf("%w: the body is over %d bytes", errUndecodable, maxPushBody)
	}
	var env pushEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Notification{}, fmt.Errorf("%w: %v", errUndecodable, err)
	}
	m := env.Message
	if m == nil {
		return Notification{}, fmt.Errorf("%w: no message", errUndecodable)
	}
	n := Notification{
		MessageID: m.MessageID, Subscription: env.Subscription, Attempt: env.DeliveryAttempt,
		EventType: m.Attributes["eventType"], Bucket: m.Attributes["bucketId"], Object: m.Attributes["objectId"],
	}
	if n.MessageID == "" {
		n.MessageID = m.MessageIDAlt
	}
	if g := m.Attributes["objectGeneration"]; g != "" {
		if n.Generation, err = strconv.ParseInt(g, 10, 64); err != nil {
			return n, fmt.Errorf("%w: objectGeneration %q is not a number", errUndecodable, g)
		}
	}
	if len(m.Data) > 0 && m.Attributes["payloadFormat"] == "JSON_API_V1" {
		var o objectResource
		if err := json.Unmarshal(m.Data, &o); err != nil {
			return n, fmt.Errorf("%w: the object resource: %v", errUndecodable, err)
		}
		if n.Bucket == "" && n.Object == "" {
			n.Bucket, n.Object = o.Bucket, o.Name
		}
		if o.Bucket != n.Bucket || o.Name != n.Object {
			return n, fmt.Errorf("%w: the attributes name gs://%s/%s, the payload gs://%s/%s", errUndecodable, n.Bucket, n.Object, o.Bucket, o.Name)
		}
		if o.Size != "" {
			n.Size, _ = strconv.ParseInt(o.Size, 10, 64)
		}
	}
	if n.Bucket == "" || n.Object == "" {
		return n, fmt.Errorf("%w: the message names no bucket and object", errUndecodable)
	}
	return n, nil
}

// ServeHTTP is the push endpoint. Its status is Pub/Sub's ack: 2xx acks, and
// anything else is redelivered with the subscription's backoff and, past its
// attempts, dead-lettered. So only what a redelivery could fix is answered
// with a 5xx; every event the function will not load is logged with its
// object and acked, except a body that is no notification at all, which is
// refused (400) so that it ends in the dead-letter topic for inspection.
//
// Cloud Run admits only the push account's OIDC token (the service's invoker
// binding); the function does not read the token.
func (s *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "the ingest endpoint takes Pub/Sub pushes (POST)", http.StatusMethodNotAllowed)
		return
	}
	n, err := DecodePush(r.Body)
	if err != nil {
		s.log.ErrorContext(ctx, "ingest: undecodable push; refused for the dead-letter topic", "event", "ingest_event_undecodable",
			"message_id", n.MessageID, "object", n.Object, "error", err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	log := s.log.With("message_id", n.MessageID, "object", n.Object, "generation", n.Generation, "attempt", n.Attempt)
	if n.EventType != ObjectFinalize {
		log.WarnContext(ctx, "ingest: event ignored", "event", "ingest_event_ignored", "reason", "event type "+strconv.Quote(n.EventType))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	start := time.Now()
	if err := s.handle(ctx, n.Bucket, n.Object, n.Generation, log); err != nil {
		log.ErrorContext(ctx, "ingest: load failed; Pub/Sub will redeliver", "event", "ingest_retry",
			"error", err.Error(), "elapsed_ms", time.Since(start).Milliseconds())
		http.Error(w, strings.TrimSpace(err.Error()), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
