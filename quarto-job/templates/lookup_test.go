package templates

import "testing"

func TestExists(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		want bool
	}{
		{Standard, true},
		{"", false},
		{"nope", false},
		{"_context", false},
		{"../templates/standard", false},
		{"standard.qmd", false},
	}
	for _, tc := range cases {
		if got := Exists(tc.name); got != tc.want {
			t.Errorf("Exists(%q) = %v, want %v", tc.name, got, tc.want)
		}
		if _, ok := Version(tc.name); ok != tc.want {
			t.Errorf("Version(%q) ok = %v, want %v", tc.name, ok, tc.want)
		}
	}
}
