package tenant

import (
	"context"
	"testing"
)

func TestRoleAtLeast(t *testing.T) {
	cases := []struct {
		have, min Role
		want      bool
	}{
		{Viewer, Viewer, true},
		{Viewer, Analyst, false},
		{Analyst, Viewer, true},
		{Admin, Analyst, true},
		{Admin, Owner, false},
		{Owner, Admin, true},
		{Role("root"), Viewer, false},
		{Role(""), Viewer, false},
	}
	for _, tc := range cases {
		if got := tc.have.AtLeast(tc.min); got != tc.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", tc.have, tc.min, got, tc.want)
		}
	}
}

func TestContextRoundTrip(t *testing.T) {
	ctx := context.Background()
	if _, ok := FromContext(ctx); ok {
		t.Fatal("empty context has a tenant")
	}
	if _, ok := FromContext(With(ctx, Tenant{})); ok {
		t.Fatal("a tenant without an org id counts as a tenant")
	}
	want := Tenant{Org: Org{ID: "a", Slug: "s"}, Role: Admin}
	got, ok := FromContext(With(ctx, want))
	if !ok || got.Org.ID != "a" || got.Role != Admin {
		t.Fatalf("FromContext = %+v, %v", got, ok)
	}
	if _, ok := UserFromContext(WithUser(ctx, User{})); ok {
		t.Fatal("a user without an id counts as a user")
	}
}
