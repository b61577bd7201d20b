package reports

import (
	"encoding/json"
	"testing"
)

// A report downloads as org_view_from_to.ext in plain ASCII.
func TestDownloadName(t *testing.T) {
	r := &Report{Format: "pdf", ViewName: "Exportações por UF", Spec: json.RawMessage(`{"dataset":"comex_monthly","time":{"from":"2024-01","to":"2024-12"}}`)}
	if got, want := DownloadName("porto-sul", r), "porto-sul_exportacoes-por-uf_2024-01_2024-12.pdf"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Without a view, the title; without a period, no period.
	r = &Report{Format: "docx", Params: json.RawMessage(`{"title":"Relatório: Ação & Reação!"}`), Spec: json.RawMessage(`{"dataset":"x"}`)}
	if got, want := DownloadName("agro", r), "agro_relatorio-acao-reacao.docx"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Nothing to name it by: still a name.
	if got := DownloadName("", &Report{Format: "html"}); got != "mirante_relatorio.html" {
		t.Errorf("got %q", got)
	}
	// Quarters and a long name stay short and ASCII.
	long := &Report{Format: "pdf", ViewName: "Importações ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção ção",
		Spec: json.RawMessage(`{"time":{"from":"2024-Q1","to":"2024-Q4"}}`)}
	got := DownloadName("o", long)
	if len(got) > 124 {
		t.Errorf("%d bytes: %q", len(got), got)
	}
	for _, c := range got {
		if c > 127 {
			t.Fatalf("not ASCII: %q", got)
		}
	}
}
