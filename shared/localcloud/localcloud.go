// Package localcloud starts the official local stand-ins of the cloud
// services in process: fake-gcs-server for Cloud Storage, pstest for Pub/Sub
// and the local Cloud Tasks server. It points the client libraries at them
// through the environment variables they read (STORAGE_EMULATOR_HOST,
// PUBSUB_EMULATOR_HOST) and TASKS_ENDPOINT. Only the local runner and tests
// import it; the deployed binaries must not (a test checks).
package localcloud

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"

	gpubsub "cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/pstest"
	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/tasks/localtasks"
)

// Params says what to start.
type Params struct {
	// StorageRoot keeps the objects on disk ("" keeps them in memory).
	StorageRoot string
	// GCSPort fixes Cloud Storage's port, so that other processes (make
	// ingest) can reach it; 0 picks a free one.
	GCSPort uint16
	Buckets []string
	PubSub  pubsub.Config
	// MaxDeliveryAttempts of the report and ingest subscriptions before
	// dead-lettering.
	MaxDeliveryAttempts int
	// RawBucket notifies the ingest topic of every object finalized under
	// IngestPrefixes, as Terraform's bucket notifications do.
	RawBucket      string
	IngestPrefixes []string
	Log            *slog.Logger
}

// Cloud is the running stand-ins.
type Cloud struct {
	GCS    *fakestorage.Server
	PubSub *pstest.Server
	Tasks  *localtasks.Server
}

// Start starts the stand-ins and sets the environment so that clients opened
// afterwards in this process reach them.
func Start(ctx context.Context, p Params) (*Cloud, error) {
	port := p.GCSPort
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: port, PublicHost: fmt.Sprintf("127.0.0.1:%d", port), StorageRoot: p.StorageRoot,
	})
	if err != nil {
		return nil, fmt.Errorf("starting fake-gcs-server: %w", err)
	}
	c := &Cloud{GCS: gcs}
	for _, b := range p.Buckets {
		// The on-disk backend has no versioning; the in-memory one has.
		gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: b, VersioningEnabled: p.StorageRoot == ""})
	}
	backoff := &nackBackoff{}
	c.PubSub = pstest.NewServer(pstest.ServerReactorOption{FuncName: "ModifyAckDeadline", Reactor: backoff})
	c.Tasks, err = localtasks.Start("127.0.0.1:0", p.Log)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("starting the local Cloud Tasks: %w", err)
	}
	for k, v := range map[string]string{
		"STORAGE_EMULATOR_HOST": fmt.Sprintf("127.0.0.1:%d", port),
		"PUBSUB_EMULATOR_HOST":  c.PubSub.Addr,
		"TASKS_ENDPOINT":        c.Tasks.Addr(),
	} {
		if err := os.Setenv(k, v); err != nil {
			c.Close()
			return nil, err
		}
	}
	ps, err := pubsub.New(ctx, p.PubSub)
	if err != nil {
		c.Close()
		return nil, err
	}
	defer ps.Close()
	attempts := p.MaxDeliveryAttempts
	if attempts == 0 {
		attempts = 5
	}
	if err := ps.EnsureTopology(ctx, attempts); err != nil {
		c.Close()
		return nil, err
	}
	if err := backoff.follow(ctx, c.PubSub, "projects/"+p.PubSub.Project+"/subscriptions/"+p.PubSub.Subscription); err != nil {
		c.Close()
		return nil, err
	}
	if p.RawBucket != "" {
		if err := c.notifyIngest(ctx, p, attempts); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

func (c *Cloud) notifyIngest(ctx context.Context, p Params, attempts int) error {
	ps, err := gpubsub.NewClient(ctx, p.PubSub.Project)
	if err != nil {
		return err
	}
	defer ps.Close()
	if err := ensureIngestTopology(ctx, ps, p.PubSub.Project, attempts); err != nil {
		return err
	}
	return Notify(ctx, p.PubSub.Project, p.RawBucket, p.IngestPrefixes)
}

// Close stops the stand-ins.
func (c *Cloud) Close() {
	if c.Tasks != nil {
		c.Tasks.Close()
	}
	if c.PubSub != nil {
		c.PubSub.Close()
	}
	if c.GCS != nil {
		c.GCS.Stop()
	}
}

func freePort() (uint16, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port), nil
}
