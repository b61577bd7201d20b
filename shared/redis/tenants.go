package redis

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/tenant"
)

// TenantCache remembers, for a short time, which org a user's path names and
// the user's role in it, in front of the resolver that reads PostgreSQL. It is
// keyed by user and by the org reference as written in the path, and forgets
// both references of an org when a membership in it changes. Only members are
// cached. With Redis unavailable it asks the resolver every time.
//
// In front of Redis, each instance remembers what it resolved for
// LocalTenantTTL, so that a burst of requests costs one Redis read a
// second: a membership change made on another instance reaches this one
// within that second; on this instance it applies at once.
type TenantCache struct {
	c    *Client
	next tenant.Resolver
	ttl  time.Duration
	log  *slog.Logger
	now  func() time.Time

	mu    sync.Mutex
	local map[string]localTenant
}

type localTenant struct {
	t  tenant.Tenant
	at time.Time
}

// LocalTenantTTL bounds how long an instance answers from its own memory.
const LocalTenantTTL = time.Second

// localTenants bounds the remembered entries; past it the memory starts over.
const localTenants = 50_000

// MaxTenantTTL bounds how long a role may outlive its change when an
// invalidation is lost.
const MaxTenantTTL = 60 * time.Second

// NewTenantCache wraps next.
func NewTenantCache(c *Client, next tenant.Resolver, ttl time.Duration, log *slog.Logger) *TenantCache {
	if ttl > MaxTenantTTL {
		ttl = MaxTenantTTL
	}
	return &TenantCache{c: c, next: next, ttl: ttl, log: log, now: time.Now, local: map[string]localTenant{}}
}

var (
	_ tenant.Resolver           = (*TenantCache)(nil)
	_ tenant.MembershipObserver = (*TenantCache)(nil)
)

// cachedTenant is the cache's own encoding of a tenant, with every field
// (tenant.Org keeps some out of its JSON on purpose).
type cachedTenant struct {
	ID, Slug, Name, Plan, Isolation, Dataset, Role string
}

func encodeTenant(t tenant.Tenant) ([]byte, error) {
	return json.Marshal(cachedTenant{t.Org.ID, t.Org.Slug, t.Org.Name, t.Org.Plan, string(t.Org.Isolation), t.Org.Dataset, string(t.Role)})
}

func decodeTenant(b []byte) (tenant.Tenant, bool) {
	var c cachedTenant
	if json.Unmarshal(b, &c) != nil || c.ID == "" {
		return tenant.Tenant{}, false
	}
	t := tenant.Tenant{
		Org:  tenant.Org{ID: c.ID, Slug: c.Slug, Name: c.Name, Plan: c.Plan, Isolation: tenant.Isolation(c.Isolation), Dataset: c.Dataset},
		Role: tenant.Role(c.Role),
	}
	return t, t.Role.Valid() && (t.Org.Isolation == tenant.IsolationRow || t.Org.Isolation == tenant.IsolationDataset)
}

func tenantKey(userID, ref string) string {
	return "mirante:v1:tenant:" + userID + ":" + ref
}

// ResolveTenant answers from Redis when it can, else from the resolver.
func (tc *TenantCache) ResolveTenant(ctx context.Context, ref string) (tenant.Tenant, error) {
	u, ok := tenant.UserFromContext(ctx)
	if !ok {
		return tc.next.ResolveTenant(ctx, ref)
	}
	key := tenantKey(u.ID, ref)
	tc.mu.Lock()
	l, ok := tc.local[key]
	tc.mu.Unlock()
	if ok && tc.now().Sub(l.at) < min(LocalTenantTTL, tc.ttl) {
		return l.t, nil
	}
	b, err := tc.c.rdb.Get(ctx, key).Bytes()
	if err == nil {
		if t, ok := decodeTenant(b); ok {
			tc.remember(key, t)
			return t, nil
		}
	} else if !errors.Is(err, goredis.Nil) {
		tc.log.WarnContext(ctx, "tenant cache unavailable; reading PostgreSQL", "error", err.Error())
	}
	t, err := tc.next.ResolveTenant(ctx, ref)
	if err != nil {
		return t, err
	}
	tc.remember(key, t)
	if b, err := encodeTenant(t); err == nil {
		if err := tc.c.rdb.Set(ctx, key, b, tc.ttl).Err(); err != nil {
			tc.log.WarnContext(ctx, "tenant cache unavailable; not caching", "error", err.Error())
		}
	}
	return t, nil
}

func (tc *TenantCache) remember(key string, t tenant.Tenant) {
	tc.mu.Lock()
	if len(tc.local) >= localTenants {
		tc.local = map[string]localTenant{}
	}
	tc.local[key] = localTenant{t: t, at: tc.now()}
	tc.mu.Unlock()
}

// MembershipChanged forgets the user's cached role in the org, under both of
// the org's references.
func (tc *TenantCache) MembershipChanged(ctx context.Context, org tenant.Org, userID string) {
	tc.mu.Lock()
	delete(tc.local, tenantKey(userID, org.ID))
	delete(tc.local, tenantKey(userID, org.Slug))
	tc.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	if err := tc.c.rdb.Del(ctx, tenantKey(userID, org.ID), tenantKey(userID, org.Slug)).Err(); err != nil {
		tc.log.ErrorContext(ctx, "could not drop a cached role; it expires on its own", "error", err.Error(),
			"org_id", org.ID, "user_id", userID, "ttl_s", tc.ttl.Seconds())
	}
}
