package apiclient

import (
	"encoding/json"
	"testing"

	"github.com/mirante/mirante/shared/semantic"
)

// Every spec the load generator sends is one the API accepts, however far
// the load's counter runs (a counter-driven limit once passed comex_monthly's
// 5000-row cap at a higher throughput and failed the load test), and the
// first values of n are all distinct.
func TestSpecsStayValidAndDistinct(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range Demos {
		seen := map[string]int{}
		access := semantic.Access{Entitled: map[string]bool{d.Dataset: true}}
		for n := 0; n < 4*specLimits+50; n++ {
			b, err := json.Marshal(d.Spec(n))
			if err != nil {
				t.Fatal(err)
			}
			s, err := semantic.ParseSpec(b)
			if err != nil {
				t.Fatalf("%s, n=%d: %v", d.Org, n, err)
			}
			if _, err := cat.Validate(s, access); err != nil {
				t.Fatalf("%s, n=%d: %s: %v", d.Org, n, b, err)
			}
			if prev, ok := seen[string(b)]; ok && n < 2*specLimits {
				t.Fatalf("%s: n=%d repeats n=%d: %s", d.Org, n, prev, b)
			}
			seen[string(b)] = n
		}
	}
}

// The meta is the answer's last member and may end in an object of its own.
func TestParseMeta(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"data":[["a",1]],"meta":{"cache":"hit","rows":1}}` + "\n",
		`{"data":[],"meta":{"cache":"hit","rows":1,"source_status":{"loaded_at":"x","ok":true}}}`,
	} {
		m, err := ParseMeta([]byte(in))
		if err != nil || m.Cache != "hit" || m.Rows != 1 {
			t.Errorf("ParseMeta(%s) = %+v, %v", in, m, err)
		}
	}
	if _, err := ParseMeta([]byte(`{"data":[]}`)); err == nil {
		t.Error("an answer without meta parsed")
	}
}
