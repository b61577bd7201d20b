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

func TestRoleMatrix(t *testing.T) {
	allowed := map[Role][]Action{
		Viewer:  {ReadData},
		Analyst: {ReadData, WriteViews, OrderReports},
		Admin:   {ReadData, WriteViews, OrderReports, ModerateViews, ManageMembers, ManageEntitlements, Upload, ReadAudit},
		Owner:   {ReadData, WriteViews, OrderReports, ModerateViews, ManageMembers, ManageEntitlements, Upload, ReadAudit, ManageOwners},
	}
	all := []Action{ReadData, WriteViews, OrderReports, ModerateViews, ManageMembers, ManageEntitlements, Upload, ReadAudit, ManageOwners}
	for role, actions := range allowed {
		for _, a := range all {
			want := false
			for _, ok := range actions {
				if ok == a {
					want = true
				}
			}
			if got := role.Can(a); got != want {
				t.Errorf("%s.Can(%s) = %v, want %v", role, a, got, want)
			}
			ctx := With(context.Background(), Tenant{Org: Org{ID: "o"}, Role: role})
			if err := Authorize(ctx, a); (err == nil) != want {
				t.Errorf("Authorize(%s, %s) = %v", role, a, err)
			}
		}
	}
	if Role("root").Can(ReadData) || Owner.Can(Action("delete.everything")) {
		t.Error("unknown roles or actions are allowed")
	}
	if err := Authorize(context.Background(), ReadData); err == nil {
		t.Error("Authorize without a tenant succeeded")
	}
}

func TestCanonicalOrgRef(t *testing.T) {
	const id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	for ref, want := range map[string]string{
		id:                                     id,
		"0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D": id,
		"0a1B2c3D-4e5F-4a6B-8c7D-9e0F1a2B3c4D": id,
		"porto-sul":                            "porto-sul",
		"Porto-Sul":                            "Porto-Sul", // no org has it: slugs are lower case
		"0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4":  "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4",
		"0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4G": "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4G",
		"0A1B2C3D_4E5F-4A6B-8C7D-9E0F1A2B3C4D": "0A1B2C3D_4E5F-4A6B-8C7D-9E0F1A2B3C4D",
		"":                                     "",
	} {
		if got := CanonicalOrgRef(ref); got != want {
			t.Errorf("CanonicalOrgRef(%q) = %q, want %q", ref, got, want)
		}
	}
}
