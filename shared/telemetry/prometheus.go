package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// CollectMetrics returns the process's metrics so far (cumulative since
// Setup).
func CollectMetrics(ctx context.Context) (metricdata.ResourceMetrics, error) {
	var rm metricdata.ResourceMetrics
	if reader == nil {
		return rm, errors.New("telemetry: Setup has not run")
	}
	err := reader.Collect(ctx, &rm)
	return rm, err
}

// MetricsHandler serves the process's metrics in Prometheus text format. Only
// the local runner mounts it (at /debug/metrics): the deployed services export
// to Cloud Monitoring and expose nothing.
func MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rm, err := CollectMetrics(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		WritePrometheus(w, rm)
	})
}

// WritePrometheus writes rm in the Prometheus text exposition format:
// counters end in _total, histograms have cumulative _bucket{le=…}, _sum and
// _count, and the unit is part of the name (_seconds, _bytes).
func WritePrometheus(w io.Writer, rm metricdata.ResourceMetrics) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			name := promName(m.Name, m.Unit)
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				writeSum(w, name, m.Description, d.IsMonotonic, d.DataPoints)
			case metricdata.Sum[float64]:
				writeSum(w, name, m.Description, d.IsMonotonic, d.DataPoints)
			case metricdata.Gauge[int64]:
				writeGauge(w, name, m.Description, d.DataPoints)
			case metricdata.Gauge[float64]:
				writeGauge(w, name, m.Description, d.DataPoints)
			case metricdata.Histogram[float64]:
				writeHistogram(w, name, m.Description, d.DataPoints)
			case metricdata.Histogram[int64]:
				writeHistogram(w, name, m.Description, d.DataPoints)
			}
		}
	}
}

func writeSum[N int64 | float64](w io.Writer, name, help string, monotonic bool, dps []metricdata.DataPoint[N]) {
	typ := "gauge"
	if monotonic {
		typ, name = "counter", strings.TrimSuffix(name, "_total")+"_total"
	}
	header(w, name, help, typ)
	for _, dp := range sortPoints(dps) {
		fmt.Fprintf(w, "%s%s %s\n", name, labels(dp.Attributes, ""), num(float64(dp.Value)))
	}
}

func writeGauge[N int64 | float64](w io.Writer, name, help string, dps []metricdata.DataPoint[N]) {
	header(w, name, help, "gauge")
	for _, dp := range sortPoints(dps) {
		fmt.Fprintf(w, "%s%s %s\n", name, labels(dp.Attributes, ""), num(float64(dp.Value)))
	}
}

func writeHistogram[N int64 | float64](w io.Writer, name, help string, dps []metricdata.HistogramDataPoint[N]) {
	header(w, name, help, "histogram")
	sort.Slice(dps, func(i, j int) bool {
		return dps[i].Attributes.Encoded(attribute.DefaultEncoder()) < dps[j].Attributes.Encoded(attribute.DefaultEncoder())
	})
	for _, dp := range dps {
		var cum uint64
		for i, bound := range dp.Bounds {
			cum += dp.BucketCounts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", name, labels(dp.Attributes, num(bound)), cum)
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", name, labels(dp.Attributes, "+Inf"), dp.Count)
		fmt.Fprintf(w, "%s_sum%s %s\n", name, labels(dp.Attributes, ""), num(float64(dp.Sum)))
		fmt.Fprintf(w, "%s_count%s %d\n", name, labels(dp.Attributes, ""), dp.Count)
	}
}

func sortPoints[N int64 | float64](dps []metricdata.DataPoint[N]) []metricdata.DataPoint[N] {
	sort.Slice(dps, func(i, j int) bool {
		return dps[i].Attributes.Encoded(attribute.DefaultEncoder()) < dps[j].Attributes.Encoded(attribute.DefaultEncoder())
	})
	return dps
}

func header(w io.Writer, name, help, typ string) {
	if help != "" {
		fmt.Fprintf(w, "# HELP %s %s\n", name, strings.ReplaceAll(help, "\n", " "))
	}
	fmt.Fprintf(w, "# TYPE %s %s\n", name, typ)
}

// labels renders a label set, with le appended for histogram buckets.
func labels(set attribute.Set, le string) string {
	var parts []string
	for _, kv := range set.ToSlice() {
		parts = append(parts, sanitize(string(kv.Key))+"="+strconv.Quote(kv.Value.String()))
	}
	if le != "" {
		parts = append(parts, `le="`+le+`"`)
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func num(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func promName(name, unit string) string {
	n := sanitize(name)
	switch unit {
	case "s":
		n += "_seconds"
	case "By":
		n += "_bytes"
	}
	return n
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
