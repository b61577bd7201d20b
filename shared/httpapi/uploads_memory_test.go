package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"

	"github.com/mirante/mirante/shared/uploads"
)

// parsingIntake parses an upload as the real intake does, and keeps nothing.
type parsingIntake struct{}

func (parsingIntake) Receive(_ context.Context, _ string, data []byte) (*uploads.Upload, bool, error) {
	f, err := uploads.Parse(data)
	if err != nil {
		return nil, false, err
	}
	return &uploads.Upload{Rows: int64(len(f.Rows))}, true, nil
}

// maxUpload is a CSV of the largest row count an upload may have, each
// row its own month, UF and metric.
func maxUpload(t *testing.T) []byte {
	t.Helper()
	ufs := []string{"RO", "AC", "AM", "RR", "PA", "AP", "TO", "MA", "PI", "CE", "RN", "PB", "PE", "AL", "SE", "BA",
		"MG", "ES", "RJ", "SP", "PR", "SC", "RS", "MS", "MT", "GO", "DF"}
	var b bytes.Buffer
	b.WriteString("month;uf;metric;value\n")
	for i := 0; i < uploads.MaxRows; i++ {
		m, u, k := i%300, (i/300)%len(ufs), i/(300*len(ufs))
		fmt.Fprintf(&b, "%04d-%02d;%s;metric_%03d;%d,%02d\n", 2000+m/12, m%12+1, ufs[u], k, i, i%100)
	}
	if b.Len() > uploads.MaxBytes {
		t.Fatalf("the file is %d bytes, over the limit", b.Len())
	}
	return b.Bytes()
}

// peakHeap runs fn and returns the most heap its objects held meanwhile
// above what they held before, sampled as fn runs.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				peak <- top
				return
			default:
				runtime.Gosched()
			}
		}
	}()
	fn()
	close(done)
	top := <-peak
	if top < base {
		return 0
	}
	return top - base
}

// Ten maximum-size uploads at once hold about what
// UploadSlots of them do, not ten times one; each is still answered.
func TestConcurrentMaximumUploadsHoldBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 20 files of 10 MB")
	}
	file := maxUpload(t)
	s := &Server{Uploads: parsingIntake{}}
	upload := func() int {
		r := httptest.NewRequest(http.MethodPost, "/v1/orgs/o/uploads?name=max.csv", bytes.NewReader(file))
		r.Header.Set("Content-Type", "text/csv")
		w := httptest.NewRecorder()
		s.handleUpload(w, r)
		return w.Code
	}
	var one int
	single := peakHeap(func() { one = upload() })
	if one != http.StatusAccepted {
		t.Fatalf("one upload answered %d", one)
	}
	const n = 10
	codes := make([]int, n)
	var wg sync.WaitGroup
	ten := peakHeap(func() {
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); codes[i] = upload() }()
		}
		wg.Wait()
	})
	for i, c := range codes {
		if c != http.StatusAccepted {
			t.Fatalf("upload %d answered %d", i, c)
		}
	}
	ratio := float64(ten) / float64(single)
	t.Logf("peak heap: one upload %.1f MB, %d at once %.1f MB (%.1f×; %d read at a time)", float64(single)/1e6, n, float64(ten)/1e6, ratio, UploadSlots)
	if ratio > float64(UploadSlots)+1.5 {
		t.Errorf("%d concurrent uploads held %.1f× the memory of one; at most %d are read at a time", n, ratio, UploadSlots)
	}
}
