package ingest_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
)

// writeEXP writes an EXP_<year>.csv in the official layout: latin-1, ';',
// CRLF, the header and code columns quoted, metrics bare integers. Codes
// keep leading zeros (CO_PAIS "063", CO_URF "0817800", CO_VIA "01").
func writeEXP(t testing.TB, path string, rows int, seed uint64) (fob, kg int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rnd := rand.New(rand.NewPCG(seed, 7))
	ufs := []string{"SP", "MG", "RS", "PR", "SC", "GO", "MT", "BA", "RJ", "PA", "ES", "MS", "ND", "EX"}
	fmt.Fprint(w, "\"CO_ANO\";\"CO_MES\";\"CO_NCM\";\"CO_UNID\";\"CO_PAIS\";\"SG_UF_NCM\";\"CO_VIA\";\"CO_URF\";\"QT_ESTAT\";\"KG_LIQUIDO\";\"VL_FOB\"\r\n")
	for i := 0; i < rows; i++ {
		month := 1 + i*12/rows
		ncm := []int{1201_9000, 2601_1100, 2709_0010, 1701_1400, 202_3000, 4011_1000, 8703_2310, 9018_9099}[rnd.IntN(8)] + rnd.IntN(90)
		k := rnd.Int64N(5_000_000)
		v := rnd.Int64N(9_000_000)
		fob += v
		kg += k
		fmt.Fprintf(w, "2024;\"%02d\";\"%08d\";\"%02d\";\"%03d\";\"%s\";\"%02d\";\"%07d\";%d;%d;%d\r\n",
			month, ncm, 10+rnd.IntN(5), rnd.IntN(1000), ufs[rnd.IntN(len(ufs))], rnd.IntN(16), 817800+rnd.IntN(200)*100, k, k, v)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return fob, kg
}

var benchFile struct {
	once sync.Once
	path string
	rows int
}

// benchEXP generates the benchmark's file once per run: 1.2 million rows.
func benchEXP(b *testing.B) (string, int) {
	benchFile.once.Do(func() {
		dir, err := os.MkdirTemp("", "mirante-bench-*")
		if err != nil {
			b.Fatal(err)
		}
		benchFile.path = filepath.Join(dir, "EXP_2024.csv")
		benchFile.rows = 1_200_000
		writeEXP(b, benchFile.path, benchFile.rows, 1)
	})
	return benchFile.path, benchFile.rows
}

func benchWarehouse(b *testing.B) *sql.DB {
	w, err := duckdb.Open(context.Background(), duckdb.Config{Path: filepath.Join(b.TempDir(), "w.duckdb")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	return w.SQL()
}

// BenchmarkComexLoad loads a generated EXP file through every layer
// (landing, staging, core, marts) and reports rows/s.
func BenchmarkComexLoad(b *testing.B) {
	path, rows := benchEXP(b)
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := benchWarehouse(b)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		rep, err := duckdb.Load(context.Background(), db, "comex", "EXP_2024.csv", f, ingest.LoadParams{})
		elapsed += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		f.Close()
		if err != nil || rep.RowsLoaded != int64(rows) {
			b.Fatalf("load: %v, %d rows", err, rep.RowsLoaded)
		}
		if i == b.N-1 {
			for _, s := range rep.Steps {
				if s.Duration > 100*time.Millisecond {
					b.Logf("%-24s %v", s.Name, s.Duration.Round(time.Millisecond))
				}
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
}

// cpuTime is the process's CPU time (user and system, every thread, DuckDB's
// included): on a shared machine, rows per CPU-second compare the two ways
// of loading better than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDuckDBReadCSV is the yardstick: DuckDB's own read_csv of the same
// file into a table, codes as text so that leading zeros survive.
func BenchmarkDuckDBReadCSV(b *testing.B) {
	path, rows := benchEXP(b)
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := benchWarehouse(b)
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		_, err := db.Exec(fmt.Sprintf(`CREATE TABLE exp AS SELECT * FROM read_csv('%s', delim = ';', header = true, quote = '"',
			encoding = 'latin-1', columns = {'CO_ANO': 'BIGINT', 'CO_MES': 'BIGINT', 'CO_NCM': 'VARCHAR', 'CO_UNID': 'VARCHAR',
			'CO_PAIS': 'VARCHAR', 'SG_UF_NCM': 'VARCHAR', 'CO_VIA': 'VARCHAR', 'CO_URF': 'VARCHAR', 'QT_ESTAT': 'BIGINT',
			'KG_LIQUIDO': 'BIGINT', 'VL_FOB': 'BIGINT'})`, path))
		elapsed += time.Since(start)
		cpu += cpuTime() - cpu0
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
}

// heapInUse reads the bytes in heap spans in use (objects and their
// fragmentation) without stopping the world, unlike runtime.ReadMemStats.
func heapInUse() uint64 {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(samples)
	return samples[0].Value.Uint64() + samples[1].Value.Uint64()
}

// peakHeap runs fn while sampling the Go heap in use, and returns the
// highest sample above the heap before fn.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	base := heapInUse()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := heapInUse(); h > base && h-base > peak.Load() {
					peak.Store(h - base)
				}
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// Memory stays flat as the file grows: the Go heap a load needs at 1M rows
// is not five times what it needs at 200k (the rows stream through fixed
// batches; DuckDB's own memory is outside the Go heap).
func TestComexLoadMemoryIsFlat(t *testing.T) {
	dir := t.TempDir()
	peaks := map[int]uint64{}
	for _, rows := range []int{200_000, 1_000_000} {
		path := filepath.Join(dir, fmt.Sprintf("EXP_%d.csv", rows))
		fob, _ := writeEXP(t, path, rows, uint64(rows))
		db := warehouse(t)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var rep ingest.Report
		peaks[rows] = peakHeap(func() {
			rep, err = duckdb.Load(context.Background(), db, "comex", "EXP_2024.csv", f, ingest.LoadParams{})
		})
		f.Close()
		if err != nil || rep.RowsLoaded != int64(rows) {
			t.Fatalf("%d rows: %v, %+v", rows, err, rep)
		}
		var got float64
		if err := db.QueryRow(`SELECT sum(vl_fob_usd) FROM marts.comex_monthly`).Scan(&got); err != nil || int64(got) != fob {
			t.Fatalf("%d rows: mart FOB %.0f, the file %d (%v)", rows, got, fob, err)
		}
		t.Logf("%d rows: peak Go heap %.1f MiB above the start, %s", rows, float64(peaks[rows])/(1<<20), rep.Duration)
	}
	small, large := peaks[200_000], peaks[1_000_000]
	if large > 2*small+16<<20 {
		t.Fatalf("peak heap grew from %d to %d bytes for 5x the rows", small, large)
	}
}
