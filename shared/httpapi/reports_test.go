package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tenant"
)

// manyReports lists n succeeded reports, newest first.
type manyReports struct {
	reports.Service
	n int
}

func (m manyReports) FindReports(_ context.Context, f reports.Filter) ([]*reports.Report, error) {
	out := make([]*reports.Report, 0, m.n)
	for i := range min(m.n, f.Limit) {
		out = append(out, &reports.Report{ID: "r" + strconv.Itoa(i), Status: reports.Succeeded, ObjectName: "o" + strconv.Itoa(i),
			CreatedAt: time.Unix(int64(1e9-i), 0)})
	}
	return out, nil
}

// gatedSigner signs a URL only once `wait` signings are under way together
// (or the request ends), and records the most it ever saw at once.
type gatedSigner struct {
	wait     int
	mu       sync.Mutex
	inFlight int
	most     int
	release  chan struct{}
}

func (g *gatedSigner) DownloadURL(ctx context.Context, r *reports.Report) (string, error) {
	g.mu.Lock()
	g.inFlight++
	g.most = max(g.most, g.inFlight)
	if g.inFlight == g.wait {
		select {
		case <-g.release:
		default:
			close(g.release)
		}
	}
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
	}()
	select {
	case <-g.release:
		return "https://files.example/" + r.ObjectName, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// A long listing signs its URLs several at a time, never more than eight at
// once, and still answers every report with its own URL, in order.
func TestListingSignsURLsConcurrentlyInOrder(t *testing.T) {
	const n = 500
	signer := &gatedSigner{wait: 8, release: make(chan struct{})}
	s := &Server{Reports: manyReports{n: n}, ReportFiles: signer, Cursors: NewCursors([]byte("0123456789abcdef0123456789abcdef")),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// The deadline only bounds a failure: signing one URL at a time never
	// opens the gate.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: "org", Plan: "p"}, Role: tenant.Viewer})
	ctx = tenant.WithUser(ctx, tenant.User{ID: "user"})
	rec := httptest.NewRecorder()
	s.handleListReports(rec, httptest.NewRequest(http.MethodGet, "/v1/orgs/x/reports?limit="+strconv.Itoa(n), nil).WithContext(ctx))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var list struct {
		Data []struct {
			ID          string
			DownloadURL string `json:"download_url"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != n {
		t.Fatalf("%d reports listed, want %d", len(list.Data), n)
	}
	for i, it := range list.Data {
		if want := "r" + strconv.Itoa(i); it.ID != want || it.DownloadURL != "https://files.example/o"+strconv.Itoa(i) {
			t.Fatalf("item %d: %s with %q, want %s with its own URL", i, it.ID, it.DownloadURL, want)
		}
	}
	if signer.most > 8 {
		t.Errorf("%d URLs signed at once, want at most 8", signer.most)
	}
}
