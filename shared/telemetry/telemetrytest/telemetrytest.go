// Package telemetrytest guards test suites against logs that leak secrets or
// personal data, and reads metrics back in tests.
package telemetrytest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/mirante/mirante/shared/telemetry"
)

var (
	// jwt matches a JWT's header and payload (Firebase ID tokens, signed or
	// the emulator's unsigned ones).
	jwt    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.`)
	bearer = regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._~+/-]{12,}`)
	email  = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
)

// Leak returns what in line looks like a token or an e-mail address, or "".
func Leak(line []byte) string {
	for _, re := range []*regexp.Regexp{jwt, bearer, email} {
		if m := re.Find(line); m != nil {
			return string(m)
		}
	}
	return ""
}

// Guard collects the log lines that leak.
type Guard struct {
	remove func()
	mu     sync.Mutex
	lines  int
	leaked []string
}

// Install taps every log line written by telemetry loggers from now on.
func Install() *Guard {
	g := &Guard{}
	g.remove = telemetry.AddLogTap(func(line []byte) {
		leak := Leak(line)
		g.mu.Lock()
		defer g.mu.Unlock()
		g.lines++
		if leak != "" {
			g.leaked = append(g.leaked, fmt.Sprintf("%q in %s", leak, line))
		}
	})
	return g
}

// Remove stops the guard's tap.
func (g *Guard) Remove() { g.remove() }

// Lines returns how many lines the guard has seen.
func (g *Guard) Lines() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lines
}

// Leaks returns the leaking lines seen so far.
func (g *Guard) Leaks() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.leaked...)
}

// Run runs a package's tests with a guard installed and fails the run (exit
// code 1) when any log line written during it carried a token or an e-mail
// address. Call it from TestMain in place of m.Run.
func Run(m *testing.M) int {
	g := Install()
	code := m.Run()
	g.remove()
	if leaks := g.Leaks(); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d of %d log lines carried a token or an e-mail address:\n", len(leaks), g.Lines())
		for _, l := range leaks {
			fmt.Fprintln(os.Stderr, "  ", l)
		}
		return 1
	}
	// Shown with -v (go test hides a passing package's output): how much the
	// guard read, so a guard that reads nothing is noticed.
	fmt.Fprintf(os.Stderr, "telemetrytest: %d log lines scanned, none with a token or an e-mail\n", g.Lines())
	return code
}

// Sum adds up, over the data points of the named metric whose attributes
// include match, counter values or histogram counts. A metric not yet
// recorded sums to 0.
func Sum(t testing.TB, name string, match map[string]string) float64 {
	t.Helper()
	rm, err := telemetry.CollectMetrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					if matches(dp.Attributes, match) {
						total += float64(dp.Value)
					}
				}
			case metricdata.Sum[float64]:
				for _, dp := range d.DataPoints {
					if matches(dp.Attributes, match) {
						total += dp.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					if matches(dp.Attributes, match) {
						total += float64(dp.Count)
					}
				}
			default:
				t.Fatalf("metric %s: unsupported type %T", name, m.Data)
			}
		}
	}
	return total
}

func matches(set attribute.Set, match map[string]string) bool {
	for k, want := range match {
		v, ok := set.Value(attribute.Key(k))
		if !ok || v.String() != want {
			return false
		}
	}
	return true
}
