package redis

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
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
	t.Cleanup(func() { c.rdb.Del(context.Background(), tenantKey("user-"+suffix, org.Slug)) })
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
	c.rdb.Del(ctx, tenantKey("user-"+suffix, org.Slug))
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
	c.rdb.Del(context.Background(), tenantKey("other-"+suffix, org.Slug))
	if err != nil || got.Role != tenant.Viewer {
		t.Errorf("another user: %s %v", got.Role, err)
	}
}
