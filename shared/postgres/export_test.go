package postgres

import "time"

// SetClock replaces the service's clock, for tests of its memory.
func (s *EntitlementService) SetClock(now func() time.Time) { s.now = now }
