package sqlcheck_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mirante/mirante/shared/semantic/sqlcheck"
)

// recorder stands in for a test, so that a failing check can be observed
// without failing this test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	log    strings.Builder
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	fmt.Fprintf(&r.log, format+"\n", args...)
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.Errorf("%s", fmt.Sprint(args...))
	runtime.Goexit()
}

// check runs ParseBigQuery against a recorder, on its own goroutine since a
// fatal failure ends the goroutine.
func check(t *testing.T, files ...string) (failed bool, log string) {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sqlcheck.ParseBigQuery(r, files...)
	}()
	<-done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed, r.log.String()
}

func TestParseBigQueryAcceptsTheCompilersConstructs(t *testing.T) {
	sqlcheck.ParseBigQuery(t, filepath.Join("testdata", "valid.bigquery.sql"))
}

func TestParseBigQueryNamesTheFileAndPosition(t *testing.T) {
	failed, log := check(t,
		filepath.Join("testdata", "valid.bigquery.sql"),
		filepath.Join("testdata", "invalid.bigquery.sql"))
	if !failed {
		t.Fatal("ParseBigQuery passed SQL that BigQuery cannot parse")
	}
	// The column is counted on the line as written, NULLS LAST included.
	for _, want := range []string{
		"Syntax Error",
		"shared/semantic/sqlcheck/testdata/invalid.bigquery.sql:6:31",
		`ORDER BY c0 ASC NULLS LAST, f."uf"`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the failure does not say %q:\n%s", want, log)
		}
	}
	if strings.Contains(strings.ReplaceAll(log, "invalid.bigquery.sql", ""), "valid.bigquery.sql") {
		t.Errorf("the failure names the valid file too:\n%s", log)
	}
}

func TestParseBigQueryRefusesMoreThanOneStatement(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "two.sql")
	if err := os.WriteFile(path, []byte("SELECT @p0 AS c0;\nSELECT 1 AS c0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	failed, log := check(t, path)
	if !failed {
		t.Fatal("ParseBigQuery passed a file with two statements")
	}
	if !strings.Contains(log, "holds 2 statements") || !strings.Contains(log, "2:1") {
		t.Errorf("the failure does not say where the second statement starts:\n%s", log)
	}
}

func TestParseBigQueryFailsOnAMissingFile(t *testing.T) {
	failed, log := check(t, filepath.Join("testdata", "no-such.bigquery.sql"))
	if !failed || !strings.Contains(log, "no-such.bigquery.sql") {
		t.Errorf("failed = %v, want a failure naming the file:\n%s", failed, log)
	}
}
