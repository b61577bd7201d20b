package redis

import (
	"container/list"
	"sync"
	"time"
)

// nearCache keeps the cached answers this instance read or wrote most
// recently in its own memory, up to a number of bytes, so that a dashboard's
// repeated query costs no Redis round trip. A query cache key names an
// immutable answer (its org, SQL, parameters, watermark and versions), so a
// near copy can never be staler than Redis's: it expires when Redis's does.
type nearCache struct {
	max int64
	now func() time.Time

	mu    sync.Mutex
	size  int64
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type nearEntry struct {
	key     string
	val     []byte
	expires time.Time
}

func newNearCache(maxBytes int64) *nearCache {
	return &nearCache{max: maxBytes, now: time.Now, order: list.New(), items: map[string]*list.Element{}}
}

// get returns the value under key, unexpired. Callers must not modify it.
func (c *nearCache) get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*nearEntry)
	if !c.now().Before(e.expires) {
		c.remove(el)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

// put keeps val under key until expires, evicting the least recently used
// entries past the byte budget. A value larger than an eighth of the budget
// is not kept.
func (c *nearCache) put(key string, val []byte, expires time.Time) {
	if c == nil || int64(len(val)) > c.max/8 || !c.now().Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
	c.items[key] = c.order.PushFront(&nearEntry{key: key, val: val, expires: expires})
	c.size += int64(len(key) + len(val))
	for c.size > c.max {
		c.remove(c.order.Back())
	}
}

func (c *nearCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*nearEntry)
	delete(c.items, e.key)
	c.size -= int64(len(e.key) + len(e.val))
}
