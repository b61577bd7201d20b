package synthetic

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
)

// comexHeap fills comex_monthly with rows rows into db and returns the
// largest live Go heap seen while the rows streamed (collected each time
// before reading, so it is what the generator holds, not garbage waiting
// for the collector) and the number of samples.
func comexHeap(tb testing.TB, db *sql.DB, rows int, collect bool) (peak uint64, samples int, n int64) {
	tb.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	var ms runtime.MemStats
	comexProgress = func(int64) {
		if collect {
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		samples++
	}
	defer func() { comexProgress = nil }()
	runtime.GC()
	n, err = replace(ctx, conn, "DELETE FROM marts.comex_monthly", func() (int64, error) {
		return fillComex(ctx, conn, 1, rows)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return peak, samples, n
}

func TestFillComexMemoryFlat(t *testing.T) {
	small, sSamples, sRows := comexHeap(t, openWarehouse(t), 100_000, true)
	large, lSamples, lRows := comexHeap(t, openWarehouse(t), 500_000, true)
	t.Logf("live heap: %d rows %.1f MiB (%d samples), %d rows %.1f MiB (%d samples)",
		sRows, float64(small)/(1<<20), sSamples, lRows, float64(large)/(1<<20), lSamples)
	if sRows < 95_000 || lRows < 495_000 {
		t.Fatalf("wrote %d and %d rows, want about 100,000 and 500,000", sRows, lRows)
	}
	if sSamples < 2 || lSamples < 10 {
		t.Fatalf("only %d and %d heap samples", sSamples, lSamples)
	}
	// Five times the rows; a generator that kept them would hold several
	// times the heap. Allow 25% and 2 MiB of collector noise.
	if float64(large) > 1.25*float64(small)+2<<20 {
		t.Errorf("live heap grew from %.1f MiB to %.1f MiB with five times the rows", float64(small)/(1<<20), float64(large)/(1<<20))
	}
}

// BenchmarkFillComex replaces a file-backed comex_monthly, as `make up`
// would. Run the 10-million-row case with -benchtime=1x.
func BenchmarkFillComex(b *testing.B) {
	for _, rows := range []int{1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			w, err := duckdb.Open(context.Background(), duckdb.Config{Path: filepath.Join(b.TempDir(), "warehouse.duckdb")})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			var peak uint64
			var n int64
			for b.Loop() {
				var p uint64
				p, _, n = comexHeap(b, w.SQL(), rows, false)
				peak = max(peak, p)
			}
			b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
