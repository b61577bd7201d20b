package ingest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mirante/mirante/functions/ingest"
)

// The raw bucket notifies the ingest topic for exactly the prefixes the
// function loads: a prefix Terraform lacks is a file type that never loads
// in production (tenant uploads did, under orgs/), one the function lacks
// is an event it ignores.
func TestTerraformNotifiesTheLoadedPrefixes(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*ingest_object_prefix\s*=\s*\[([^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("main.tf sets no ingest_object_prefix for the storage module")
	}
	var tf []string
	for _, p := range strings.Split(string(m[1]), ",") {
		if p = strings.TrimSpace(p); p != "" {
			s, err := strconv.Unquote(p)
			if err != nil {
				t.Fatalf("prefix %s: %v", p, err)
			}
			tf = append(tf, s)
		}
	}
	slices.Sort(tf)
	code := slices.Sorted(slices.Values(ingest.ObjectPrefixes))
	if !slices.Equal(tf, code) {
		t.Errorf("Terraform notifies for %q, the function loads %q", tf, code)
	}
	notif, err := os.ReadFile(filepath.Join("..", "..", "infra", "modules", "storage", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`payload_format     = "JSON_API_V1"`, `event_types        = ["OBJECT_FINALIZE"]`} {
		if !strings.Contains(string(notif), want) {
			t.Errorf("the storage module's notification lacks %s, which the function decodes", want)
		}
	}
}
