package telemetry

import "testing"

// In production (the gcp exporter found the project) log lines name their
// trace in full, which is what links them to Cloud Trace; elsewhere the bare id.
func TestTraceNameIsFullOnlyWithAProject(t *testing.T) {
	if got := traceName("4bf92f3577b34da6a3ce929d0e0e4736"); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("without a project: %q", got)
	}
	traceProject.Store("mirante-prod")
	defer traceProject.Store("")
	if got := traceName("4bf92f3577b34da6a3ce929d0e0e4736"); got != "projects/mirante-prod/traces/4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("with a project: %q", got)
	}
}

func TestOTLPTracesURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:4318":                 "http://127.0.0.1:4318/v1/traces",
		"http://127.0.0.1:4318/":                "http://127.0.0.1:4318/v1/traces",
		"https://collector.example/custom/path": "https://collector.example/custom/path",
	} {
		if got := otlpTracesURL(in); got != want {
			t.Errorf("otlpTracesURL(%q) = %q, want %q", in, got, want)
		}
	}
}
