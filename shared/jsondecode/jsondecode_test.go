package jsondecode

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/apperr"
)

func TestStrict(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type doc struct {
		Name  string `json:"name"`
		Inner inner  `json:"inner"`
	}
	cases := []struct {
		name, in string
		want     *apperr.FieldError // nil: decoded
	}{
		{"decodes", `{"name":"a","inner":{"n":1}}`, nil},
		{"trailing space", "{\"name\":\"a\"}\n ", nil},
		{"wrong type", `{"name":1}`, &apperr.FieldError{Field: "name", Reason: "expected string, got a JSON number"}},
		{"nested wrong type", `{"inner":{"n":"x"}}`, &apperr.FieldError{Field: "inner.n", Reason: "expected int, got a JSON string"}},
		{"not an object", `[]`, &apperr.FieldError{Field: "body", Reason: "expected jsondecode.doc, got a JSON array"}},
		{"unknown field", `{"owner":"x"}`, &apperr.FieldError{Field: "owner", Reason: "unknown field"}},
		{"malformed", `{"name":}`, &apperr.FieldError{Field: "body", Reason: "malformed JSON at byte 9"}},
		{"empty", ``, &apperr.FieldError{Field: "body", Reason: "empty or cut short"}},
		{"cut short", `{"name":"a"`, &apperr.FieldError{Field: "body", Reason: "empty or cut short"}},
		{"trailing value", `{} {}`, &apperr.FieldError{Field: "body", Reason: "unexpected data after the JSON value"}},
		{"trailing garbage", `{}x`, &apperr.FieldError{Field: "body", Reason: "unexpected data after the JSON value"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d doc
			err := Strict([]byte(tc.in), &d)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Strict(%q) = %v, want nil", tc.in, err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || len(e.Fields) != 1 {
				t.Fatalf("Strict(%q) = %#v, want one invalid field", tc.in, err)
			}
			if diff := cmp.Diff(*tc.want, e.Fields[0]); diff != "" {
				t.Errorf("Strict(%q) field (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
