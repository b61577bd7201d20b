package localcloud_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/localcloud"
)

// The relay pulls the subscription Terraform pushes from, on the topic the
// bucket notifies.
func TestIngestNamesAreTerraforms(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "infra", "modules", "pubsub", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{localcloud.IngestTopic, localcloud.IngestSubscription} {
		if !strings.Contains(string(src), `name                       = "`+name+`"`) && !strings.Contains(string(src), `name    = "`+name+`"`) {
			t.Errorf("infra/modules/pubsub creates nothing named %q", name)
		}
	}
}
