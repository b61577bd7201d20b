package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// benchReport runs the render package's two benchmarks (quarto-job/render,
// bench_test.go): the standard report rendered to PDF by our renderer
// (staging, charts, pre-processing, checks, manifest, pandoc, Chromium)
// against the same prepared markdown through the same pandoc and Chromium
// command lines run directly. Each count is one timed render after a warm
// one, so the runs give the spread.
func benchReport(ctx context.Context, cfg Config) (Entry, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "./quarto-job/render", "-run", "^$",
		"-bench", "^(BenchmarkRenderStandardPDF|BenchmarkRawPandocChromium)$", "-benchtime", "1x",
		"-count", strconv.Itoa(cfg.ReportRuns), "-timeout", "30m")
	cmd.Dir = cfg.Root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Entry{}, fmt.Errorf("the render benchmarks: %v\n%s", err, out)
	}
	ours, raw, err := parseRenderBench(out)
	if err != nil {
		return Entry{}, err
	}
	logf("report: ours %v ms, raw %v ms", ours, raw)
	return RatioEntry("report_pdf_time_vs_raw_render", "ms", "≤ 1.3", ours, raw, Median), nil
}

// parseRenderBench reads the median-ms metric of each benchmark line.
func parseRenderBench(out []byte) (ours, raw []float64, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		for i := 1; i+1 < len(f); i++ {
			if f[i+1] != "median-ms" {
				continue
			}
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("render benchmark line %q: %w", sc.Text(), err)
			}
			switch {
			case strings.HasPrefix(f[0], "BenchmarkRenderStandardPDF"):
				ours = append(ours, v)
			case strings.HasPrefix(f[0], "BenchmarkRawPandocChromium"):
				raw = append(raw, v)
			}
		}
	}
	if len(ours) == 0 || len(raw) == 0 {
		return nil, nil, fmt.Errorf("the render benchmarks printed no median-ms:\n%s", out)
	}
	return ours, raw, nil
}
