package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/mirante/mirante/shared/localcloud"
	"github.com/mirante/mirante/shared/pubsub"
	"github.com/mirante/mirante/shared/telemetry/telemetrytest"
)

// cloud is the package's local stand-ins for Cloud Storage, Pub/Sub and
// Cloud Tasks; the clients find them through the environment.
var cloud *localcloud.Cloud

func TestMain(m *testing.M) {
	var err error
	cloud, err = localcloud.Start(context.Background(), localcloud.Params{
		Buckets: []string{"mirante-raw", "mirante-reports"},
		PubSub:  pubsub.Config{Project: "demo-mirante", Topic: "report-requests", Subscription: "report-requests-worker", Timeout: 10e9},
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the local cloud stand-ins:", err)
		os.Exit(1)
	}
	// Every log line the suite writes is scanned: a token or an e-mail
	// address in any of them fails the run.
	code := telemetrytest.Run(m)
	cloud.Close()
	os.Exit(code)
}
