package render

import (
	"os"
	"path/filepath"
	"testing"
)

// fakeTool writes an executable named name into dir.
func fakeTool(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestReadinessNamesWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	r := New(Config{Engine: EnginePandoc})
	if got := r.Readiness(); got != "missing: pandoc, chromium, rsvg-convert" {
		t.Fatalf("empty PATH: %q", got)
	}
	fakeTool(t, dir, "pandoc")
	fakeTool(t, dir, "chromium-browser")
	if got := r.Readiness(); got != "missing: rsvg-convert" {
		t.Fatalf("pandoc and chromium-browser on PATH: %q", got)
	}
	fakeTool(t, dir, "rsvg-convert")
	if got := r.Readiness(); got != "ready" {
		t.Fatalf("every tool on PATH: %q", got)
	}
	if got := New(Config{Engine: EnginePandoc, Chromium: filepath.Join(dir, "nope")}).Readiness(); got != "missing: chromium" {
		t.Fatalf("a configured Chromium that does not exist: %q", got)
	}
}

func TestReadinessOfQuartoNeedsQuartoOnly(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if got := New(Config{Engine: EngineQuarto}).Readiness(); got != "missing: quarto" {
		t.Fatalf("no quarto: %q", got)
	}
	fakeTool(t, dir, "quarto")
	if got := New(Config{}).Readiness(); got != "ready" {
		t.Fatalf("auto with quarto on PATH: %q", got)
	}
}
