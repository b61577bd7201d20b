package query

import (
	"context"
	"sync"
	"time"
)

// cacheWriteTimeout bounds one answer's write to the cache, which runs on
// after the answer is returned and so has no request deadline of its own.
const cacheWriteTimeout = 5 * time.Second

// cacheWrites are the answers whose cache writes are under way. An answer
// is returned before its write is done; until then the service reads it
// from here, so an answer this process gave can be read back by it (a
// later page, the same query again) from the moment it was given.
type cacheWrites struct {
	mu      sync.Mutex
	pending map[string][]byte
	wg      sync.WaitGroup
}

// cacheGet reads key from the writes under way, then from the cache.
func (s *Service) cacheGet(ctx context.Context, key string) ([]byte, bool, error) {
	s.writes.mu.Lock()
	b, ok := s.writes.pending[key]
	s.writes.mu.Unlock()
	if ok {
		return b, true, nil
	}
	return s.Cache.Get(ctx, key)
}

// cacheSet writes val under key without waiting for the cache. The write
// keeps ctx's values (the tenant its log lines name) but not its deadline:
// it has its own. The key is the plan's, which begins with the org's
// namespace, as every key does. A write that fails is logged; the answer
// is then not cached, as if it had expired.
func (s *Service) cacheSet(ctx context.Context, key string, val []byte) {
	s.writes.mu.Lock()
	if s.writes.pending == nil {
		s.writes.pending = map[string][]byte{}
	}
	s.writes.pending[key] = val
	s.writes.mu.Unlock()
	s.writes.wg.Add(1)
	go func() {
		defer s.writes.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cacheWriteTimeout)
		defer cancel()
		if err := s.Cache.Set(ctx, key, val, s.TTL); err != nil {
			s.Log.WarnContext(ctx, "query cache unavailable; result not cached", "error", err.Error())
		}
		s.writes.mu.Lock()
		delete(s.writes.pending, key)
		s.writes.mu.Unlock()
	}()
}

// WaitCacheWrites returns once the cache writes under way are done, so
// that a process stopping lets them finish before it closes the cache.
func (s *Service) WaitCacheWrites() { s.writes.wg.Wait() }
