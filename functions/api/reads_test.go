package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"runtime"
	"strconv"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/reports"
)

// Listing reports and verifying one spend the data budget: both answers
// carry RateLimit-* headers and are refused with 429 once it is spent.
func TestReportListAndVerifyAreRateLimited(t *testing.T) {
	b := setupStack(t, slowLimits) // ana: 3 queries a minute
	list := "/v1/orgs/porto-sul/reports"
	verify := "/v1/orgs/porto-sul/reports/00000000-0000-4000-8000-000000000000/verify"
	for i, path := range []string{list, verify} {
		status := http.StatusOK
		if path == verify {
			status = http.StatusNotFound // limited before it is looked up
		}
		r := b.want(t, status, ana, "GET", path, nil)
		if got := r.header.Get("RateLimit-Remaining"); got != strconv.Itoa(2-i) || r.header.Get("RateLimit-Limit") != "3" || r.header.Get("RateLimit-Policy") == "" {
			t.Errorf("%s: RateLimit headers %v, want 3 with %d remaining", path, r.header, 2-i)
		}
	}
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/datasets/comex_monthly/values?field=uf", nil)
	for _, path := range []string{list, verify} {
		if r := b.want(t, http.StatusTooManyRequests, ana, "GET", path, nil); r.header.Get("Retry-After") == "" {
			t.Errorf("%s refused without Retry-After", path)
		}
	}
	// The budget is ana's: otávio still lists.
	b.want(t, http.StatusOK, otavio, "GET", list, nil)
}

// Verifying a report streams its file: what the API allocates does not grow
// with the file's size.
func TestVerifyMemoryDoesNotGrowWithTheFile(t *testing.T) {
	b := setupStack(t)
	manifest := `{"report_id":"x","template":{"name":"standard","version":"v"},"format":"html","params":{},"params_hash":"h","queries":[]}`
	org := b.orgs["porto-sul"].ID
	page := func(pad int) []byte {
		var f bytes.Buffer
		f.WriteString(`<!doctype html><html><head><script type="application/json" id="mirante-manifest">` + manifest + `</script></head><body>`)
		line := bytes.Repeat([]byte("<p>exportações por UF</p>\n"), 1)
		for f.Len() < pad {
			f.Write(line)
		}
		f.WriteString("</body></html>\n")
		return f.Bytes()
	}
	store := func(id string, content []byte) {
		name := "orgs/" + org + "/reports/" + id + ".html"
		cloud.GCS.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-reports", Name: name}, Content: content})
		sum := sha256.Sum256(content)
		b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
			_, err := tx.Exec(t.Context(), `insert into reports (id, org_id, template, format, status, idempotency_key, object_name, manifest, file_sha256, file_bytes)
				values ($1::uuid, $2, 'standard', 'html', 'succeeded', $1::text, $3, $4, $5, $6)`, id, org, name, manifest, hex.EncodeToString(sum[:]), len(content))
			return err
		})
	}
	small, large := "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"
	store(small, page(64<<10))
	store(large, page(32<<20))

	allocated := func(id string) uint64 {
		var v reports.Verification
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/reports/"+id+"/verify", nil).json(t, &v)
		runtime.ReadMemStats(&after)
		if len(v.Checks) < 2 || !v.Checks[0].OK || !v.Checks[1].OK {
			t.Fatalf("%s: %+v", id, v)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	allocated(small) // warms up connections and caches
	s, l := allocated(small), allocated(large)
	// The large file is 512 times the small one; reading it whole would
	// allocate at least its 32 MiB.
	if l > 4*s+(4<<20) {
		t.Errorf("verifying a 32 MiB file allocated %d bytes, a 64 KiB one %d: memory grows with the file", l, s)
	}
	t.Logf("allocated: 64 KiB file %d bytes, 32 MiB file %d bytes", s, l)
}
