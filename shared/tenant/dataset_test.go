package tenant

import (
	"strings"
	"testing"
)

func TestValidDataset(t *testing.T) {
	cases := []struct {
		name string
		want bool
	}{
		{"tenant_banco_regional", true},
		{"tenant_a1_2", true},
		{"tenant_" + strings.Repeat("a", 120), true},
		{"tenant_" + strings.Repeat("a", 121), false},
		{"tenant_", false},
		{"marts", false},
		{"landing", false},
		{"core", false},
		{"acme", false},
		{"Tenant_acme", false},
		{"tenant-acme", false},
		{"tenant_acme.tenant_metrics", false},
		{"tenant_acme ", false},
		{"x_tenant_acme", false},
	}
	for _, tc := range cases {
		if got := ValidDataset(tc.name); got != tc.want {
			t.Errorf("ValidDataset(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
