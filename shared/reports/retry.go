package reports

import "time"

// The report worker's subscription redelivers a nacked request after an
// exponential backoff between these bounds: infra/modules/pubsub's
// retry_policy in production (a test holds the two equal), and the local
// stack's subscription, which the pstest stand-in honours.
const (
	RetryMinBackoff = 10 * time.Second
	RetryMaxBackoff = 600 * time.Second
)

// Backoff is the wait before delivery attempt+1 after attempt failed:
// min, doubling with each attempt, at most max.
func Backoff(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		return max
	}
	return d
}
