package localcloud

import (
	"context"
	"sync"
	"testing"
	"time"

	gpubsub "cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/reports"
)

// A nacked message comes back after the subscription's backoff, doubling
// from the minimum: the gaps between the attempts' receive times are at
// least 1 s, 2 s, 4 s. (pstest alone redelivers at once: five attempts in
// well under a second.)
func TestNackedMessagesComeBackAfterTheBackoff(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := &nackBackoff{}
	srv := pstest.NewServer(pstest.ServerReactorOption{FuncName: "ModifyAckDeadline", Reactor: b})
	defer srv.Close()
	const topic, sub = "projects/p/topics/t", "projects/p/subscriptions/s"
	if _, err := srv.GServer.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
		t.Fatal(err)
	}
	policy := &pubsubpb.RetryPolicy{MinimumBackoff: durationpb.New(time.Second), MaximumBackoff: durationpb.New(4 * time.Second)}
	if _, err := srv.GServer.CreateSubscription(ctx, &pubsubpb.Subscription{Name: sub, Topic: topic, AckDeadlineSeconds: 60, RetryPolicy: policy}); err != nil {
		t.Fatal(err)
	}
	if err := b.follow(ctx, srv, sub); err != nil {
		t.Fatal(err)
	}
	c, err := gpubsub.NewClient(ctx, "p", option.WithEndpoint(srv.Addr), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv.Publish(topic, []byte("x"), nil)

	const attempts = 4
	var mu sync.Mutex
	var at []time.Time
	rctx, stop := context.WithCancel(ctx)
	err = c.Subscriber(sub).Receive(rctx, func(_ context.Context, m *gpubsub.Message) {
		mu.Lock()
		at = append(at, time.Now())
		n := len(at)
		mu.Unlock()
		if n == attempts {
			m.Ack()
			stop()
			return
		}
		m.Nack()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(at) != attempts {
		t.Fatalf("%d deliveries, want %d", len(at), attempts)
	}
	for i := 1; i < attempts; i++ {
		gap, least := at[i].Sub(at[i-1]), reports.Backoff(time.Second, 4*time.Second, i)
		if gap < least {
			t.Errorf("attempt %d came %s after attempt %d, before the %s backoff", i+1, gap, i, least)
		}
	}
}

// The local stack's report subscription has Terraform's retry policy.
func TestLocalReportSubscriptionHasTerraformsBackoff(t *testing.T) {
	b := &nackBackoff{}
	srv := pstest.NewServer(pstest.ServerReactorOption{FuncName: "ModifyAckDeadline", Reactor: b})
	defer srv.Close()
	t.Setenv("PUBSUB_EMULATOR_HOST", srv.Addr)
	ctx := context.Background()
	cfg := testPubSubConfig()
	ps, err := newReportClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	if err := ps.EnsureTopology(ctx, 5); err != nil {
		t.Fatal(err)
	}
	name := "projects/" + cfg.Project + "/subscriptions/" + cfg.Subscription
	if err := b.follow(ctx, srv, name); err != nil {
		t.Fatal(err)
	}
	p := b.policies[name]
	if p.MinimumBackoff.AsDuration() != reports.RetryMinBackoff || p.MaximumBackoff.AsDuration() != reports.RetryMaxBackoff {
		t.Fatalf("local policy %s..%s, want %s..%s", p.MinimumBackoff.AsDuration(), p.MaximumBackoff.AsDuration(), reports.RetryMinBackoff, reports.RetryMaxBackoff)
	}
}

func testPubSubConfig() pubsub.Config {
	return pubsub.Config{Project: "demo-mirante", Topic: "report-requests", Subscription: "report-requests-worker", Timeout: 10 * time.Second}
}

func newReportClient(ctx context.Context, cfg pubsub.Config) (*pubsub.Client, error) {
	return pubsub.New(ctx, cfg)
}
