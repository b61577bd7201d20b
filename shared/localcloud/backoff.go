package localcloud

import (
	"context"
	"math"
	"strings"
	"sync"

	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"

	"github.com/mirante/mirante/shared/reports"
)

// nackBackoff makes pstest honour a subscription's retry_policy, as Pub/Sub
// does: a nack (a modack of 0 s) on a subscription with a policy becomes a
// modack of the policy's backoff for the message's delivery count, so the
// message comes back after that wait instead of at once. pstest stores the
// policy but redelivers a nacked message immediately.
type nackBackoff struct {
	mu       sync.Mutex
	srv      *pstest.Server
	policies map[string]*pubsubpb.RetryPolicy // by full subscription name
}

// follow reads the subscription's retry policy (after it was created) and
// applies it to the subscription's nacks from then on.
func (b *nackBackoff) follow(ctx context.Context, srv *pstest.Server, sub string) error {
	s, err := srv.GServer.GetSubscription(ctx, &pubsubpb.GetSubscriptionRequest{Subscription: sub})
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.srv = srv
	if b.policies == nil {
		b.policies = map[string]*pubsubpb.RetryPolicy{}
	}
	b.policies[sub] = s.RetryPolicy
	return nil
}

// React runs with pstest's lock held: it only decides, and the modack that
// replaces the nack is sent once the lock is free.
func (b *nackBackoff) React(req any) (bool, any, error) {
	m, ok := req.(*pubsubpb.ModifyAckDeadlineRequest)
	if !ok || m.AckDeadlineSeconds != 0 {
		return false, nil, nil
	}
	b.mu.Lock()
	p, srv := b.policies[m.Subscription], b.srv
	b.mu.Unlock()
	if p == nil || srv == nil {
		return false, nil, nil
	}
	go delayNacks(srv, p, m.Subscription, append([]string(nil), m.AckIds...))
	return true, nil, nil
}

// delayNacks sets each message's ack deadline to its backoff: pstest
// redelivers it when the deadline passes, counting one more attempt.
func delayNacks(srv *pstest.Server, p *pubsubpb.RetryPolicy, sub string, ackIDs []string) {
	for _, id := range ackIDs {
		attempt := 1
		if msg := srv.Message(messageOfAck(id)); msg != nil {
			attempt = msg.Deliveries
		}
		d := reports.Backoff(p.MinimumBackoff.AsDuration(), p.MaximumBackoff.AsDuration(), attempt)
		secs := max(1, int32(math.Ceil(d.Seconds()))) // #nosec G115 -- at most 600
		_, _ = srv.GServer.ModifyAckDeadline(context.Background(), &pubsubpb.ModifyAckDeadlineRequest{Subscription: sub, AckIds: []string{id}, AckDeadlineSeconds: secs})
	}
}

// messageOfAck is the message id in a pstest ack id ("<message>:<n>").
func messageOfAck(ackID string) string {
	if i := strings.LastIndex(ackID, ":"); i >= 0 {
		return ackID[:i]
	}
	return ackID
}
