package ingest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
)

// The loaders read files from outside: whatever the bytes, a load returns
// either no error or one coded Invalid (a broken contract the operator is
// shown), and never panics. Run one with
//
//	go test ./shared/ingest -run='^$' -fuzz='^FuzzComex$' -fuzztime=20s
//
// The committed corpora under testdata/fuzz/<FuzzName>/ are small synthetic
// files in each official layout; when ../shared/data is beside the checkout,
// the head of each real sample is added as a seed at run time (the samples
// themselves are never copied into the repository).

// maxSampleSeed bounds the share of a real sample used as a seed.
const maxSampleSeed = 4 << 10

// fuzzLoad fuzzes ingest.Load of one source under the file name name.
func fuzzLoad(f *testing.F, source, name string, seeds [][]byte, samples ...string) {
	f.Helper()
	for _, s := range seeds {
		f.Add(s)
	}
	// MIRANTE_WRITE_FUZZ_SEEDS=1 writes the synthetic seeds into the
	// committed corpus (testdata/fuzz/<FuzzName>/seed-N).
	if os.Getenv("MIRANTE_WRITE_FUZZ_SEEDS") == "1" {
		dir := filepath.Join("testdata", "fuzz", f.Name())
		if err := os.MkdirAll(dir, 0o750); err != nil {
			f.Fatal(err)
		}
		for i, s := range seeds {
			entry := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%d", i)), []byte(entry), 0o600); err != nil {
				f.Fatal(err)
			}
		}
	}
	if dir := sharedData(); dir != "" {
		for _, rel := range samples {
			b, err := os.ReadFile(filepath.Join(dir, rel))
			if err != nil {
				continue
			}
			if len(b) > maxSampleSeed && filepath.Ext(rel) != ".zip" && filepath.Ext(rel) != ".xlsx" {
				b = b[:maxSampleSeed]
			}
			f.Add(b)
		}
	}
	wh := warehouse(f)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := duckdb.Load(context.Background(), wh, source, name, bytes.NewReader(b), ingest.LoadParams{Now: now})
		if err != nil && apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("%s %s: an error that is not Invalid (%s): %v", source, name, apperr.CodeOf(err), err)
		}
	})
}

// sharedData is ../shared/data beside the checkout, or "" when absent.
func sharedData() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	d := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(d); err != nil {
		return ""
	}
	return d
}

func FuzzTerritorioDTB(f *testing.F) {
	fuzzLoad(f, "ibge_territorio", "ibge_dtb_relatorio_municipio.csv", [][]byte{
		[]byte("UF,Nome_UF,Região Geográfica Intermediária,Nome Região Geográfica Intermediária,Região Geográfica Imediata,Nome Região Geográfica Imediata,Mesorregião Geográfica,Nome_Mesorregião,Microrregião Geográfica,Nome_Microrregião,Município,Código Município Completo,Nome_Município\n" +
			"35,São Paulo,3501,São Paulo,350001,São Paulo,15,Metropolitana de São Paulo,061,São Paulo,50308,3550308,São Paulo\n" +
			"33,Rio de Janeiro,3301,Rio de Janeiro,330001,Rio de Janeiro,06,Metropolitana do Rio de Janeiro,018,Rio de Janeiro,04557,3304557,Rio de Janeiro\n"),
	}, "ibge_municipios/ibge_dtb_relatorio_municipio.csv")
}

func FuzzTerritorioKelvins(f *testing.F) {
	fuzzLoad(f, "ibge_territorio", "kelvins_municipios.csv", [][]byte{
		[]byte("codigo_ibge,nome,latitude,longitude,capital,codigo_uf,siafi_id,ddd,fuso_horario\n" +
			"3550308,São Paulo,-23.5329,-46.6395,1,35,7107,11,America/Sao_Paulo\n" +
			"1100015,Alta Floresta D'Oeste,-11.9283,-61.9953,0,11,0033,69,America/Porto_Velho\n"),
	}, "ibge_municipios/kelvins_municipios.csv")
}

func FuzzIPCASIDRA(f *testing.F) {
	fuzzLoad(f, "ipca", "sidra_tabela1737_variacao_mensal.tsv", [][]byte{
		// The 12-month change into a warehouse without monthly changes: a
		// contract error, never an internal one (a NULL chain start).
		[]byte("\uFEFFTabela 1737 - IPCA - Série histórica com número-índice, variação mensal e variações acumuladas em 3 meses, em 6 meses, no ano e em 12 meses (a partir de dezembro/1979)\n" +
			"Brasil\nVariável - IPCA - Variação acumulada em 12 meses (%)\nMês\t\nnovembro 1980\t...\ndezembro 1980\t99.25\njaneiro 1981\t99.67\n"),
		[]byte("\uFEFFTabela 1737 - IPCA - Série histórica com número-índice, variação mensal e variações acumuladas em 3 meses, em 6 meses, no ano e em 12 meses (a partir de dezembro/1979)\n" +
			"Brasil\nVariável - IPCA - Variação mensal (%)\nMês\t\ndezembro 1979\t...\njaneiro 1980\t6.62\nfevereiro 1980\t4.62\n\nFonte: IBGE - Sistema Nacional de Índices de Preços ao Consumidor\n"),
	}, "ipca/sidra_tabela1737_variacao_mensal.tsv", "ipca/sidra_tabela1737_variacao_acum_12m.tsv")
}

func FuzzIPCASIDRACSV(f *testing.F) {
	fuzzLoad(f, "ipca", "sidra_tabela1737_v63_wide_csvbr.csv", [][]byte{
		[]byte("Tabela 1737 - IPCA - Série histórica com número-índice, variação mensal e variações acumuladas em 3 meses, em 6 meses, no ano e em 12 meses (a partir de dezembro/1979);;\n" +
			"Variável - IPCA - Variação mensal (%);;\nBrasil;;\nBrasil;janeiro 2024;fevereiro 2024\nBrasil;0,42;0,83\n\nFonte: IBGE;;\n"),
	}, "ipca/sidra_tabela1737_v63_wide_csvbr.csv")
}

func FuzzIPCASGS(f *testing.F) {
	fuzzLoad(f, "ipca", "bcb_sgs_433.json", [][]byte{
		[]byte(`[{"data":"01/01/2024","valor":"0.42"},{"data":"01/02/2024","valor":"0.83"},{"data":"01/03/2024","valor":"0.16"}]`),
		[]byte(`[]`),
		[]byte(`{"data":"01/01/2024"}`),
	}, "ipca/bcb_sgs_433_ipca_variacao_mensal.json")
}

func FuzzComex(f *testing.F) {
	fuzzLoad(f, "comex", "EXP_2025.csv", [][]byte{
		[]byte("CO_ANO;CO_MES;CO_NCM;CO_UNID;CO_PAIS;SG_UF_NCM;CO_VIA;CO_URF;QT_ESTAT;KG_LIQUIDO;VL_FOB\n" +
			"2025;09;84713019;11;063;SP;07;1017500;42;13;608\n2025;04;04061090;10;741;PR;01;0917800;6;6;39\n"),
		[]byte("\"CO_ANO\";\"CO_MES\";\"SH4\";\"CO_PAIS\";\"SG_UF_MUN\";\"CO_MUN\";\"KG_LIQUIDO\";\"VL_FOB\"\n\"2025\";\"01\";\"0901\";\"249\";\"SP\";\"3550308\";\"1000\";\"5000\"\n"),
	}, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
}

func FuzzComexAux(f *testing.F) {
	fuzzLoad(f, "comex", "UF.csv", [][]byte{
		[]byte("\"CO_UF\";\"SG_UF\";\"NO_UF\";\"NO_REGIAO\"\n\"11\";\"RO\";\"Rondônia\";\"REGIAO NORTE\"\n\"35\";\"SP\";\"São Paulo\";\"REGIAO SUDESTE\"\n"),
	}, "comexstat/tabelas_auxiliares/UF.csv", "comexstat/tabelas_auxiliares/PAIS.csv")
}

func FuzzANTAQ(f *testing.F) {
	atracacao, carga := antaqFiles(antaqFixture(2023, 2, 3, 7, 1), false, false)
	seed, err := os.ReadFile(antaqZip(f, f.TempDir(), 2023, atracacao, carga))
	if err != nil {
		f.Fatal(err)
	}
	fuzzLoad(f, "antaq", "2023.zip", [][]byte{seed})
}

func FuzzCAGED(f *testing.F) {
	header := "competênciamov;região;uf;município;seção;subclasse;saldomovimentação;cbo2002ocupação;categoria;graudeinstrução;idade;horascontratuais;raçacor;sexo;tipoempregador;tipoestabelecimento;tipomovimentação;tipodedeficiência;indtrabintermitente;indtrabparcial;salário;tamestabjan;indicadoraprendiz;origemdainformação;competênciadec;competênciaexc;indicadordeexclusão;indicadordeforadoprazo;unidadesaláriocódigo;valorsaláriofixo\n"
	fuzzLoad(f, "caged", "CAGEDEXC202301.txt", [][]byte{
		[]byte(header +
			"202001;1;17;172100;N;8220200;-1;422305;101;7;23;36,00;3;3;0;1;40;0;0;0;1039,00;10;0;1;202001;202301;1;0;5;1039,00\n" +
			"202001;5;52;521310;A;151201;1;621005;101;7;46;44,00;1;3;2;3;10;0;0;0;1200,00;1;0;1;202001;202301;1;0;5;1200,00\n"),
	}, "caged/CAGEDEXC202301.txt")
}

func FuzzPIB(f *testing.F) {
	x := excelize.NewFile()
	sheet := x.GetSheetList()[0]
	rows := [][]any{
		{"Tabela 5938 - Produto interno bruto a preços correntes, impostos, líquidos de subsídios, sobre produtos a preços correntes e valor adicionado bruto a preços correntes total e por atividade econômica, e respectivas participações - Referência 2010"},
		{"Variável - Produto Interno Bruto a preços correntes (Mil Reais)"},
		{"Unidade da Federação e Município", "Ano"},
		{"", "2020", "2021"},
		{"São Paulo"},
		{"São Paulo (SP)", "748759007", "828980608"},
		{"Campinas (SP)", "65419717", "..."},
		{"Fonte: IBGE, em parceria com os Órgãos Estaduais de Estatística"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			f.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	fuzzLoad(f, "pib_municipal", "tabela5938.xlsx", [][]byte{buf.Bytes()})
}

func FuzzSiconfi(f *testing.F) {
	csv := []byte("Exercício: 2018\nPeríodo: 2o. semestre\nEscopo: Municípios\nAnexo 02 - Demonstrativo da Dívida Consolidada Líquida\nTabela: Dívida Consolidada Líquida\n" +
		"Instituição;Cod.IBGE;UF;PODER;População;Coluna;Conta;Valor\n" +
		"Prefeitura Municipal de São Paulo - SP;3550308;SP;Executivo;12176866;\"SALDO DO EXERCÍCIO ANTERIOR\";\"DÍVIDA CONSOLIDADA - DC (I)\";247153,91\n" +
		"Prefeitura Municipal de São Paulo - SP;3550308;SP;Executivo;12176866;\"SALDO DO EXERCÍCIO ANTERIOR\";\"Dívida Contratual\";247153,91\n")
	fuzzLoad(f, "siconfi", "finbra.csv", [][]byte{csv}, "siconfi/finbraRGF_MUN_DCL_semestral_2018_head3000.csv")
}

func FuzzSiconfiZip(f *testing.F) {
	csv := []byte("Exercício: 2018\nPeríodo: 2o. semestre\nEscopo: Municípios\nAnexo 02 - Demonstrativo da Dívida Consolidada Líquida\nTabela: Dívida Consolidada Líquida\n" +
		"Instituição;Cod.IBGE;UF;PODER;População;Coluna;Conta;Valor\n" +
		"Prefeitura Municipal de São Paulo - SP;3550308;SP;Executivo;12176866;\"SALDO DO EXERCÍCIO ANTERIOR\";\"DÍVIDA CONSOLIDADA - DC (I)\";247153,91\n")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, err := zw.Create("finbra.csv")
	if err == nil {
		_, err = w.Write(csv)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		f.Fatal(err)
	}
	fuzzLoad(f, "siconfi", "finbra.zip", [][]byte{zb.Bytes()})
}
