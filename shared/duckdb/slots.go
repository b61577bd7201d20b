package duckdb

import (
	"context"
	"sync"
)

// slots admits at most n queries at once. Waiting queries queue per org and
// a freed slot goes to the orgs in turn, each org's own queries in arrival
// order, so one org's burst delays another org's query by at most one
// query per org ahead of it, not by the whole burst.
type slots struct {
	mu      sync.Mutex
	n       int
	running int
	queues  map[string][]chan struct{} // an org's waiters, oldest first
	turns   []string                   // orgs with waiters, next to serve first
}

func newSlots(n int) *slots {
	return &slots{n: max(n, 1), queues: map[string][]chan struct{}{}}
}

// acquire waits for a slot until ctx ends; release gives it back.
func (s *slots) acquire(ctx context.Context, org string) (release func(), err error) {
	s.mu.Lock()
	if s.running < s.n && len(s.turns) == 0 {
		s.running++
		s.mu.Unlock()
		return s.release, nil
	}
	ready := make(chan struct{})
	if len(s.queues[org]) == 0 {
		s.turns = append(s.turns, org)
	}
	s.queues[org] = append(s.queues[org], ready)
	s.mu.Unlock()

	select {
	case <-ready:
		return s.release, nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-ready:
		// Granted while giving up: the slot is this caller's to hand on.
		s.handOn()
	default:
		s.drop(org, ready)
	}
	return nil, ctx.Err()
}

func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handOn()
}

// handOn gives a finished query's slot to the next org's oldest waiter, or
// frees it. s.mu is held.
func (s *slots) handOn() {
	if len(s.turns) == 0 {
		s.running--
		return
	}
	org := s.turns[0]
	q := s.queues[org]
	close(q[0])
	s.turns = s.turns[1:]
	if len(q) == 1 {
		delete(s.queues, org)
	} else {
		s.queues[org] = q[1:]
		s.turns = append(s.turns, org)
	}
}

// drop removes a waiter that gave up. s.mu is held.
func (s *slots) drop(org string, ready chan struct{}) {
	q := s.queues[org]
	for i, c := range q {
		if c == ready {
			q = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	if len(q) > 0 {
		s.queues[org] = q
		return
	}
	delete(s.queues, org)
	for i, o := range s.turns {
		if o == org {
			s.turns = append(s.turns[:i:i], s.turns[i+1:]...)
			break
		}
	}
}
