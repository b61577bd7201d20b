package bigquery_test

import (
	"context"
	"testing"

	"github.com/mirante/mirante/shared/bigquery/bqfake"
)

// The engine's tenant queries and dry runs pass the strict fake: pinned to
// the location, capped (the dry run excepted), with the compiled query's
// time range as the partition predicate.
func TestEngineOnTheStrictFake(t *testing.T) {
	fake := bqfake.New(t)
	fake.Bytes = func(string) int64 { return 1 << 10 }
	wh := ingestWarehouse(t, fake)
	ctx := context.Background()
	if n, err := wh.Estimate(ctx, compiled, runParams); err != nil || n != 1<<10 {
		t.Errorf("Estimate = %d, %v; want 1 KiB", n, err)
	}
	cases := []struct {
		name     string
		maxBytes int64
		want     string
	}{
		{"the org's cap", 100 << 20, "104857600"},
		// BigQuery bills at least 10 MiB a query, so a cap below that
		// (an org with little of its day's budget left) would refuse even
		// a query that fits what is left.
		{"an org cap below what BigQuery bills at least", 5 << 20, "10485760"},
	}
	for _, tc := range cases {
		p := runParams
		p.MaxBytes = tc.maxBytes
		if _, err := wh.Run(ctx, compiled, p); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		reads := fake.Queries()
		if got := reads[len(reads)-1].Body["maximumBytesBilled"]; got != tc.want {
			t.Errorf("%s: maximumBytesBilled = %v, want %s", tc.name, got, tc.want)
		}
	}
}
