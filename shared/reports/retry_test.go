package reports

import (
	"os"
	"regexp"
	"testing"
	"time"
)

// The constants are Terraform's: the report worker subscription's
// retry_policy in infra/modules/pubsub.
func TestRetryBackoffIsTerraforms(t *testing.T) {
	tf, err := os.ReadFile("../../infra/modules/pubsub/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)resource "google_pubsub_subscription" "report_worker" \{.*?retry_policy \{\s*minimum_backoff = "(\d+)s"\s*maximum_backoff = "(\d+)s"`).FindSubmatch(tf)
	if block == nil {
		t.Fatal("no retry_policy in the report_worker subscription")
	}
	if got := string(block[1]) + "s"; got != RetryMinBackoff.String() {
		t.Errorf("Terraform's minimum_backoff %s, RetryMinBackoff %s", got, RetryMinBackoff)
	}
	if max, _ := time.ParseDuration(string(block[2]) + "s"); max != RetryMaxBackoff {
		t.Errorf("Terraform's maximum_backoff %s, RetryMaxBackoff %s", max, RetryMaxBackoff)
	}
}

func TestBackoffDoublesUpToTheMaximum(t *testing.T) {
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 320 * time.Second, 600 * time.Second, 600 * time.Second}
	for i, w := range want {
		if got := Backoff(RetryMinBackoff, RetryMaxBackoff, i+1); got != w {
			t.Errorf("after attempt %d: %s, want %s", i+1, got, w)
		}
	}
}
