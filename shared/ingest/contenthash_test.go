package ingest_test

import (
	"testing"

	"github.com/mirante/mirante/shared/ingest"
)

// The content hash of a file's typed rows is what a later load of the same
// content compares against (ingest_files.content_sha256): a change to how
// rows are hashed would make every warehouse reload files it holds. These
// are the hashes the loader recorded for the samples before rows landed in
// batches; every kind of cell is among them (integers, text, NULLs,
// booleans, dates and decimals).
func TestContentHashIsStable(t *testing.T) {
	db := warehouse(t)
	files := []struct{ source, rel, want string }{
		{"ibge_territorio", "ibge_municipios/ibge_dtb_relatorio_municipio.csv",
			"4614de85112ad793f950ee9dcc481c225d98c809197fc6a6bba15116bc7631ea"},
		{"ipca", "ipca/bcb_sgs_433_ipca_variacao_mensal.json",
			"4bf442d97d97010ebcdd5e80738a3aaa55e2d545eb14e1ac5043501d5ea0aaef"},
		{"comex", "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv",
			"4ccf63a532827f119341cdd897d34e011cbda5bd1d44d3f41e3a3611b38dc2da"},
		{"comex", "comexstat/tabelas_auxiliares/PAIS.csv",
			"5eddc4c3c1d9cd8d5cce3bdb9ee853b7e0d47036a44a1c6e0324447f9c875086"},
		{"caged", "caged/CAGEDEXC202301.txt",
			"cfa6778d93e6a4f77956134746736901e904bfebc7c11d80c21f9fb7d82f4aa3"},
		{"siconfi", "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv",
			"11b80e18babe38520269675fc5775c7f87cf7b18ec9b9859c35f798d801442dc"},
		{"pib_municipal", "pib_municipios/sidra_tabela5938_pib_municipios_2002_2023.xlsx",
			"4af69eafa551b18d87d8acfa1326cc0aa3528953b6e933c5dffb2df81a01ea39"},
	}
	for _, f := range files {
		loadFile(t, db, f.source, dataFile(t, f.rel), ingest.LoadParams{Flow: "export"})
		var got string
		if err := db.QueryRow(`SELECT content_sha256 FROM landing.ingest_files WHERE source = ? ORDER BY seq DESC LIMIT 1`, f.source).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != f.want {
			t.Errorf("%s: content hash %s, want %s", f.rel, got, f.want)
		}
	}
}
