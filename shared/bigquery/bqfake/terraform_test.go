package bqfake_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/mirante/mirante/infra"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
)

// repoRoot is the directory of go.mod above the test.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = filepath.Dir(dir)
	}
}

// literal evaluates an attribute that needs no variables.
func literal(body *hclsyntax.Body, name string) (cty.Value, bool) {
	a := body.Attributes[name]
	if a == nil {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return cty.NilVal, false
	}
	return v, true
}

// layerRef is a table's dataset_id when it names a layer dataset.
var layerRef = regexp.MustCompile(`^google_bigquery_dataset\.layer\["([a-z_]+)"\]\.dataset_id$`)

// The fake requires a partition filter on exactly the tables Terraform
// creates with require_partition_filter = true, on their partitioning
// column, and its datasets are where Terraform puts them.
func TestPartitionFiltersAreTerraforms(t *testing.T) {
	c, err := infra.Load(repoRoot(t))
	if err != nil {
		t.Fatalf("parsing the Terraform: %v", err)
	}
	m := c.Module("infra/modules/bigquery")
	if m == nil {
		t.Fatal("no module infra/modules/bigquery")
	}
	want := map[string]string{}
	for _, b := range m.Blocks("resource", "google_bigquery_table") {
		v, ok := literal(b.Body, "require_partition_filter")
		if !ok || v.Type() != cty.Bool || v.False() {
			continue
		}
		id, ok := literal(b.Body, "table_id")
		if !ok || id.Type() != cty.String {
			t.Fatalf("%s: table_id is not a literal", b.Pos())
		}
		a := b.Body.Attributes["dataset_id"]
		if a == nil {
			t.Fatalf("%s: no dataset_id", b.Pos())
		}
		r := a.Expr.Range()
		ds := layerRef.FindStringSubmatch(string(r.SliceBytes(b.File.Src)))
		if ds == nil {
			t.Fatalf("%s: dataset_id %q is not a layer's", b.Pos(), r.SliceBytes(b.File.Src))
		}
		var field cty.Value
		for _, nb := range b.Body.Blocks {
			if nb.Type == "time_partitioning" || nb.Type == "range_partitioning" {
				field, ok = literal(nb.Body, "field")
			}
		}
		if !ok || field.Type() != cty.String {
			t.Fatalf("%s: requires a partition filter but names no partitioning field", b.Pos())
		}
		want[ds[1]+"."+id.AsString()] = field.AsString()
	}
	if len(want) == 0 {
		t.Fatal("Terraform declares no table with require_partition_filter = true; the parse is wrong")
	}
	if diff := cmp.Diff(want, bqfake.PartitionFilters); diff != "" {
		t.Errorf("bqfake.PartitionFilters against infra/modules/bigquery/main.tf (-terraform +fake):\n%s", diff)
	}

	vs := c.Root().Blocks("variable", "region")
	if len(vs) != 1 {
		t.Fatal(`no variable "region" in the root module`)
	}
	if v, ok := literal(vs[0].Body, "default"); !ok || v.Type() != cty.String || v.AsString() != bqfake.Location {
		t.Errorf("the root's region default is %#v, the fake's location %s", v, bqfake.Location)
	}
}
