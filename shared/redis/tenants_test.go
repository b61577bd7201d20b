package redis

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/tenant"
)

// roles is a resolver whose answer the test changes, counting its calls.
type roles struct {
	role  tenant.Role
	org   tenant.Org
	calls int
}

func (r *roles) ResolveTenant(_ context.Context, ref string) (tenant.Tenant, error) {
	r.calls++
	return tenant.Tenant{Org: r.org, Role: r.role}, nil
}

func testClient(t *testing.T) *Client {
	t.Helper()
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379"
	}
	c, err := New(Config{URL: u, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("Redis at TEST_REDIS_URL does not answer (run make test): %v", err)
	}
	return c
}

// An instance answers from its own memory for at most LocalTenantTTL; a
// membership change through it applies at once.
func TestTenantCacheLocalMemory(t *testing.T) {
	c := testClient(t)
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	org := tenant.Org{ID: "org-" + suffix, Slug: "slug-" + suffix, Isolation: tenant.IsolationRow}
	pg := &roles{role: tenant.Admin, org: org}
	now := time.Now()
	tc := NewTenantCache(c, pg, 30*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tc.now = func() time.Time { return now }
	ctx := tenant.WithUser(context.Background(), tenant.User{ID: "user-" + suffix})
	t.Cleanup(func() {
		c.rdb.Del(context.Background(), tenantKey("user-"+suffix, org.ID), tenantKey("other-"+suffix, org.ID), slugKey(org.Slug))
	})
	resolve := func() tenant.Role {
		t.Helper()
		got, err := tc.ResolveTenant(ctx, org.Slug)
		if err != nil {
			t.Fatal(err)
		}
		return got.Role
	}

	if resolve() != tenant.Admin || pg.calls != 1 {
		t.Fatalf("first resolve: %d resolver calls", pg.calls)
	}
	// Demoted behind this instance's back (another instance changed it and
	// dropped the Redis entry): within the second, memory answers.
	pg.role = tenant.Viewer
	c.rdb.Del(ctx, tenantKey("user-"+suffix, org.ID))
	if got := resolve(); got != tenant.Admin || pg.calls != 1 {
		t.Errorf("within LocalTenantTTL: %s after %d resolver calls", got, pg.calls)
	}
	now = now.Add(LocalTenantTTL)
	if got := resolve(); got != tenant.Viewer || pg.calls != 2 {
		t.Errorf("after LocalTenantTTL: %s after %d resolver calls, want viewer from the resolver", got, pg.calls)
	}
	// A change made through this instance applies at once.
	pg.role = tenant.Analyst
	tc.MembershipChanged(ctx, org, "user-"+suffix)
	if got := resolve(); got != tenant.Analyst {
		t.Errorf("after MembershipChanged: %s", got)
	}
	// Another user of the same org is not served this user's memory.
	other := tenant.WithUser(context.Background(), tenant.User{ID: "other-" + suffix})
	pg.role = tenant.Viewer
	got, err := tc.ResolveTenant(other, org.Slug)
	if err != nil || got.Role != tenant.Viewer {
		t.Errorf("another user: %s %v", got.Role, err)
	}
}

// Every spelling of an org (its id in any letter case, its slug) reads one
// cached role, and one MembershipChanged drops it for all of them, in this
// instance's memory and in Redis.
func TestTenantCacheOneKeyPerOrg(t *testing.T) {
	c := testClient(t)
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	// The first block starts with letters so that upper-casing it alone is
	// a spelling distinct from the id.
	id := fmt.Sprintf("ab%06x-abcd-4ef0-abcd-%012x", time.Now().UnixNano()&0xffffff, time.Now().UnixNano()&0xffffffffffff)
	org := tenant.Org{ID: id, Slug: "slug-" + suffix, Isolation: tenant.IsolationRow}
	user := "user-" + suffix
	pg := &roles{role: tenant.Admin, org: org}
	now := time.Now()
	newCache := func() *TenantCache {
		tc := NewTenantCache(c, pg, 30*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
		tc.now = func() time.Time { return now }
		return tc
	}
	here, there := newCache(), newCache() // two instances sharing Redis
	ctx := tenant.WithUser(context.Background(), tenant.User{ID: user})
	t.Cleanup(func() { c.rdb.Del(context.Background(), tenantKey(user, id), slugKey(org.Slug)) })
	spellings := []string{id, strings.ToUpper(id), strings.ToUpper(id[:9]) + id[9:], org.Slug}
	resolve := func(tc *TenantCache, ref string) tenant.Role {
		t.Helper()
		got, err := tc.ResolveTenant(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if got.Org.ID != id {
			t.Fatalf("%s: org id %q, want %q", ref, got.Org.ID, id)
		}
		return got.Role
	}

	for _, ref := range spellings {
		resolve(here, ref)
		resolve(there, ref)
	}
	if pg.calls != 1 {
		t.Errorf("%d resolver calls for %d spellings on two instances, want 1", pg.calls, len(spellings))
	}
	if n, _ := c.rdb.Exists(ctx, tenantKey(user, id)).Result(); n != 1 {
		t.Errorf("no role under the org's id")
	}
	for _, ref := range spellings[1:] {
		if n, _ := c.rdb.Exists(ctx, tenantKey(user, ref)).Result(); n != 0 {
			t.Errorf("a role is cached under %q", ref)
		}
	}

	pg.role = tenant.Viewer
	here.MembershipChanged(ctx, org, user)
	for _, ref := range spellings {
		if got := resolve(here, ref); got != tenant.Viewer {
			t.Errorf("%s on the instance that changed it: %s, want viewer", ref, got)
		}
	}
	now = now.Add(LocalTenantTTL)
	for _, ref := range spellings {
		if got := resolve(there, ref); got != tenant.Viewer {
			t.Errorf("%s on another instance after LocalTenantTTL: %s, want viewer", ref, got)
		}
	}
}
