package render

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The PDF budget: the standard report at most 5 s median on the 2-core dev
// machine, and at most 1.3x rendering the same prepared markdown straight
// with pandoc and Chromium. Run both with
//
//	go test ./quarto-job/render -run '^$' -bench 'StandardPDF|RawPandocChromium' -benchtime 7x
//
// and compare their median-ms metrics.

func BenchmarkRenderStandardPDF(b *testing.B) {
	requireTools(b, "pandoc", "chromium")
	ctx := context.Background()
	doc := standardDoc(b, "pt-BR")
	r := pandocRenderer()
	dir := b.TempDir()
	if _, err := r.Render(ctx, doc, PDF, dir); err != nil { // warm the caches
		b.Fatal(err)
	}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := r.Render(ctx, doc, PDF, dir); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportMedian(b, times)
}

// BenchmarkRawPandocChromium renders the markdown our pre-processor produces
// for the standard report with the same pandoc and Chromium command lines,
// run directly: no staging, charts, pre-processing, checks or manifest.
func BenchmarkRawPandocChromium(b *testing.B) {
	requireTools(b, "pandoc", "chromium")
	ctx := context.Background()
	dir := b.TempDir()
	st, err := prepare(standardDoc(b, "pt-BR"), PDF, dir)
	if err != nil {
		b.Fatal(err)
	}
	md, err := st.pandocMarkdown()
	st.root.Close()
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "standard.md"), md, 0o644); err != nil {
		b.Fatal(err)
	}
	pandoc, _ := exec.LookPath("pandoc")
	chromium, _ := exec.LookPath("chromium")
	r := pandocRenderer()
	pargs, err := r.pandocArgs(ctx, pandoc, HTML, "standard.md", "standard.html", []string{"mirante.css"})
	if err != nil {
		b.Fatal(err)
	}
	htmlPath := filepath.Join(dir, "standard.html")
	pdfPath := filepath.Join(dir, "standard.pdf")
	once := func() {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, pandoc, pargs...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("pandoc: %v\n%s", err, out)
		}
		profile, err := os.MkdirTemp(dir, "profile-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(profile)
		// Output to a file, not a pipe: Chromium's helpers outlive it and
		// would hold a pipe open.
		logf, err := os.Create(filepath.Join(profile, "chromium.log"))
		if err != nil {
			b.Fatal(err)
		}
		defer logf.Close()
		cmd = exec.CommandContext(ctx, chromium, chromiumArgs(htmlPath, pdfPath, profile)...)
		cmd.Env = chromiumEnv(profile)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Run(); err != nil {
			log, _ := os.ReadFile(logf.Name())
			b.Fatalf("chromium: %v\n%s", err, log)
		}
	}
	once() // warm the caches
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		once()
		times = append(times, time.Since(start))
	}
	reportMedian(b, times)
}

func reportMedian(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	median := times[len(times)/2]
	if len(times)%2 == 0 {
		median = (times[len(times)/2-1] + times[len(times)/2]) / 2
	}
	b.ReportMetric(float64(median.Microseconds())/1000, "median-ms")
}
