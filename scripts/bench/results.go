package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Entry is one line of results.json, whose keys are fixed. A figure
// with a baseline has Ours, Baseline and Ratio; one without has Value.
// Runs, Min, Median and Max describe the samples of our side (or of the
// value): how many there were and how they spread.
type Entry struct {
	Name     string   `json:"name"`
	Ours     *float64 `json:"ours,omitempty"`
	Baseline *float64 `json:"baseline,omitempty"`
	Ratio    *float64 `json:"ratio,omitempty"`
	Value    *float64 `json:"value,omitempty"`
	Unit     string   `json:"unit"`
	Runs     int      `json:"runs"`
	Min      float64  `json:"min"`
	Median   float64  `json:"median"`
	Max      float64  `json:"max"`

	// target is printed in the table, not written: the JSON's keys are
	// fixed.
	target string
}

// Stat is a figure computed from samples: a median or a percentile.
type Stat func([]float64) float64

// Median is the middle sample (the mean of the two middle ones).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Percentile returns the q-quantile by nearest rank.
func Percentile(q float64) Stat {
	return func(xs []float64) float64 {
		if len(xs) == 0 {
			return math.NaN()
		}
		s := slices.Clone(xs)
		slices.Sort(s)
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return s[max(0, min(i, len(s)-1))]
	}
}

func spread(e *Entry, samples []float64) {
	e.Runs = len(samples)
	if len(samples) == 0 {
		return
	}
	e.Min, e.Max = slices.Min(samples), slices.Max(samples)
	e.Median = Median(samples)
}

// RatioEntry compares our samples with the baseline's: both reduced by
// stat (the median, or a p95), and the ratio is ours / baseline.
func RatioEntry(name, unit, target string, ours, base []float64, stat Stat) Entry {
	o, b := stat(ours), stat(base)
	r := o / b
	e := Entry{Name: name, Ours: &o, Baseline: &b, Ratio: &r, Unit: unit, target: target}
	spread(&e, ours)
	return e
}

// ValueEntry is a figure with no baseline: value is stat of the samples.
func ValueEntry(name, unit, target string, samples []float64, stat Stat) Entry {
	v := stat(samples)
	e := Entry{Name: name, Value: &v, Unit: unit, target: target}
	spread(&e, samples)
	return e
}

// Results collects the entries and writes them as they come, so that a run
// cut short keeps what it measured.
type Results struct {
	Path    string
	Entries []Entry
}

// Add records e (replacing an entry of the same name) and rewrites the file.
func (r *Results) Add(e Entry) error {
	r.Entries = slices.DeleteFunc(r.Entries, func(x Entry) bool { return x.Name == e.Name })
	r.Entries = append(r.Entries, e)
	return r.Write()
}

// Write writes results.json.
func (r *Results) Write() error {
	if err := os.MkdirAll(filepath.Dir(r.Path), 0o755); err != nil {
		return err
	}
	for _, e := range r.Entries {
		for _, f := range []*float64{e.Ours, e.Baseline, e.Ratio, e.Value} {
			if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
				return fmt.Errorf("%s: a figure is not a number (no samples?)", e.Name)
			}
		}
	}
	b, err := json.MarshalIndent(r.Entries, "", "  ")
	if err != nil {
		return err
	}
	tmp := r.Path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, r.Path)
}

// Table prints the entries as a table.
func (r *Results) Table(w io.Writer) {
	fmt.Fprintf(w, "%-46s %12s %12s %8s  %-10s %-8s %5s  %s\n", "name", "ours/value", "baseline", "ratio", "unit", "target", "runs", "min / median / max")
	fmt.Fprintln(w, strings.Repeat("-", 126))
	for _, e := range r.Entries {
		ours, base, ratio := "", "", ""
		if e.Value != nil {
			ours = num(*e.Value)
		}
		if e.Ours != nil {
			ours, base, ratio = num(*e.Ours), num(*e.Baseline), fmt.Sprintf("%.3f", *e.Ratio)
		}
		fmt.Fprintf(w, "%-46s %12s %12s %8s  %-10s %-8s %5d  %s / %s / %s\n", e.Name, ours, base, ratio, e.Unit, e.target, e.Runs, num(e.Min), num(e.Median), num(e.Max))
	}
}

func num(f float64) string {
	switch a := math.Abs(f); {
	case a >= 1000:
		return fmt.Sprintf("%.0f", f)
	case a >= 10:
		return fmt.Sprintf("%.1f", f)
	default:
		return fmt.Sprintf("%.3g", f)
	}
}
