package duckdb

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmts keeps prepared statements of the SQL texts queries ran most
// recently, so a query whose text ran before (the compiler's texts differ
// only by shape; values are parameters) skips DuckDB's parse, bind and
// plan. A statement holds a plan and no data, so every org's queries of
// the same text share it. An evicted statement is closed once the last
// query using it has let it go.
type stmts struct {
	db  *sql.DB
	max int

	mu    sync.Mutex
	bySQL map[string]*list.Element
	lru   *list.List // of *stmt, most recently used first
}

type stmt struct {
	sql     string
	st      *sql.Stmt
	users   int  // queries holding it; guarded by stmts.mu
	evicted bool // out of the cache: closed when users reaches 0
}

func newStmts(db *sql.DB, max int) *stmts {
	return &stmts{db: db, max: max, bySQL: map[string]*list.Element{}, lru: list.New()}
}

// get returns the statement of query, preparing it when it is not cached;
// put gives it back.
func (c *stmts) get(ctx context.Context, query string) (*stmt, error) {
	c.mu.Lock()
	if e, ok := c.bySQL[query]; ok {
		s := c.use(e)
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.bySQL[query]; ok {
		// Prepared meanwhile by another query: keep one.
		_ = st.Close()
		return c.use(e), nil
	}
	s := &stmt{sql: query, st: st, users: 1}
	c.bySQL[query] = c.lru.PushFront(s)
	for c.lru.Len() > c.max {
		c.evict(c.lru.Back())
	}
	return s, nil
}

// use marks a cached statement most recently used and held by one more
// query. c.mu is held.
func (c *stmts) use(e *list.Element) *stmt {
	c.lru.MoveToFront(e)
	s := e.Value.(*stmt)
	s.users++
	return s
}

func (c *stmts) put(s *stmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.users--; s.users == 0 && s.evicted {
		_ = s.st.Close()
	}
}

// evict takes e out of the cache. c.mu is held.
func (c *stmts) evict(e *list.Element) {
	s := c.lru.Remove(e).(*stmt)
	delete(c.bySQL, s.sql)
	s.evicted = true
	if s.users == 0 {
		_ = s.st.Close()
	}
}

// close evicts every statement, before the handle closes.
func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.lru.Len() > 0 {
		c.evict(c.lru.Back())
	}
}
