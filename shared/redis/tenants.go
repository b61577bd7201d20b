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

// TenantCache remembers, for a short time, a user's role in an org, in front
// of the resolver that reads PostgreSQL. A role is cached under one key per
// user and org id, whatever spelling of the org the path used (its id in any
// letter case or its slug), so forgetting that key when a membership changes
// forgets the role under every spelling. A slug is first mapped to its org's
// id (slugs never change); a cached role is used for a slug only when its org
// still carries that slug. Only members are cached. With Redis unavailable it
// asks the resolver every time.
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
	slugs map[string]string
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
	return &TenantCache{c: c, next: next, ttl: ttl, log: log, now: time.Now, local: map[string]localTenant{}, slugs: map[string]string{}}
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

// tenantKey is where a user's role in an org is cached: orgID is the org's
// canonical id, never a slug or another spelling.
func tenantKey(userID, orgID string) string {
	return "mirante:v1:tenant:" + userID + ":" + orgID
}

// slugKey maps a slug to its org's id; it grants nothing by itself.
func slugKey(slug string) string {
	return "mirante:v1:orgslug:" + slug
}

// ResolveTenant answers from the cache when it can, else from the resolver.
func (tc *TenantCache) ResolveTenant(ctx context.Context, ref string) (tenant.Tenant, error) {
	ref = tenant.CanonicalOrgRef(ref)
	u, ok := tenant.UserFromContext(ctx)
	if !ok {
		return tc.next.ResolveTenant(ctx, ref)
	}
	orgID := ref
	if !tenant.IsOrgID(ref) {
		orgID = tc.orgIDOfSlug(ctx, ref)
	}
	if orgID != "" {
		if t, ok := tc.cached(ctx, u.ID, orgID); ok && (t.Org.ID == ref || t.Org.Slug == ref) {
			return t, nil
		}
	}
	t, err := tc.next.ResolveTenant(ctx, ref)
	if err != nil {
		return t, err
	}
	t.Org.ID = tenant.CanonicalOrgRef(t.Org.ID)
	key := tenantKey(u.ID, t.Org.ID)
	tc.remember(key, t)
	tc.mu.Lock()
	if len(tc.slugs) >= localTenants {
		tc.slugs = map[string]string{}
	}
	tc.slugs[t.Org.Slug] = t.Org.ID
	tc.mu.Unlock()
	b, err := encodeTenant(t)
	if err != nil {
		return t, nil
	}
	_, err = tc.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, key, b, tc.ttl)
		p.Set(ctx, slugKey(t.Org.Slug), t.Org.ID, tc.ttl)
		return nil
	})
	if err != nil {
		tc.log.WarnContext(ctx, "tenant cache unavailable; not caching", "error", err.Error())
	}
	return t, nil
}

// orgIDOfSlug is the id of the org with this slug as last resolved, or "".
func (tc *TenantCache) orgIDOfSlug(ctx context.Context, slug string) string {
	tc.mu.Lock()
	id, ok := tc.slugs[slug]
	tc.mu.Unlock()
	if ok {
		return id
	}
	id, err := tc.c.rdb.Get(ctx, slugKey(slug)).Result()
	if err != nil {
		if !errors.Is(err, goredis.Nil) {
			tc.log.WarnContext(ctx, "tenant cache unavailable; reading PostgreSQL", "error", err.Error())
		}
		return ""
	}
	return id
}

// cached is the user's role in the org from this instance's memory or Redis.
func (tc *TenantCache) cached(ctx context.Context, userID, orgID string) (tenant.Tenant, bool) {
	key := tenantKey(userID, orgID)
	tc.mu.Lock()
	l, ok := tc.local[key]
	tc.mu.Unlock()
	if ok && tc.now().Sub(l.at) < min(LocalTenantTTL, tc.ttl) {
		return l.t, true
	}
	b, err := tc.c.rdb.Get(ctx, key).Bytes()
	if err != nil {
		if !errors.Is(err, goredis.Nil) {
			tc.log.WarnContext(ctx, "tenant cache unavailable; reading PostgreSQL", "error", err.Error())
		}
		return tenant.Tenant{}, false
	}
	t, ok := decodeTenant(b)
	if !ok || t.Org.ID != orgID {
		return tenant.Tenant{}, false
	}
	tc.remember(key, t)
	return t, true
}

func (tc *TenantCache) remember(key string, t tenant.Tenant) {
	tc.mu.Lock()
	if len(tc.local) >= localTenants {
		tc.local = map[string]localTenant{}
	}
	tc.local[key] = localTenant{t: t, at: tc.now()}
	tc.mu.Unlock()
}

// MembershipChanged forgets the user's cached role in the org: one key, the
// only one any spelling of the org reads.
func (tc *TenantCache) MembershipChanged(ctx context.Context, org tenant.Org, userID string) {
	key := tenantKey(userID, tenant.CanonicalOrgRef(org.ID))
	tc.mu.Lock()
	delete(tc.local, key)
	tc.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	if err := tc.c.rdb.Del(ctx, key).Err(); err != nil {
		tc.log.ErrorContext(ctx, "could not drop a cached role; it expires on its own", "error", err.Error(),
			"org_id", org.ID, "user_id", userID, "ttl_s", tc.ttl.Seconds())
	}
}
