package delim_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/ingest/delim"
)

func dataDir(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
	d := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("the shared data folder %s is absent", d)
	}
	return d
}

func readAll(t *testing.T, r io.Reader, comma byte) [][]string {
	t.Helper()
	rd := delim.NewReader(r, comma)
	var out [][]string
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]string(nil), rec...))
	}
}

func TestDecodeEncodings(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		enc  delim.Encoding
		want string
		got  delim.Encoding
	}{
		{"utf-8 with BOM", []byte("\xEF\xBB\xBFSão Paulo"), delim.Auto, "São Paulo", delim.UTF8},
		{"utf-8", []byte("São Paulo"), delim.Auto, "São Paulo", delim.UTF8},
		{"latin-1", []byte("S\xE3o Paulo"), delim.Auto, "São Paulo", delim.Latin1},
		{"cp1252 en dash", []byte("Bens \x96 capital"), delim.Auto, "Bens – capital", delim.Windows1252},
		{"declared latin-1", []byte("Bras\xEDlia"), delim.Latin1, "Brasília", delim.Latin1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, enc, err := delim.Decode(bytes.NewReader(tc.in), tc.enc)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			if err != nil || string(b) != tc.want || enc != tc.got {
				t.Fatalf("got %q as %v (%v), want %q as %v", b, enc, err, tc.want, tc.got)
			}
		})
	}
	// A latin-1 byte after a long ASCII start, in a file declared UTF-8.
	in := append(bytes.Repeat([]byte("a;b\n"), 40000), []byte("S\xE3o\n")...)
	r, _, _ := delim.Decode(bytes.NewReader(in), delim.UTF8)
	if _, err := io.ReadAll(r); !errors.Is(err, delim.ErrEncoding) || !strings.Contains(err.Error(), "line 40001") {
		t.Fatalf("invalid UTF-8 far down: %v", err)
	}
}

func TestReaderQuirks(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		comma byte
		want  [][]string
	}{
		{"crlf and lf", "a;b\r\n1;2\n3;4", ';', [][]string{{"a", "b"}, {"1", "2"}, {"3", "4"}}},
		{"quoted with separator and quote", "\"x;y\";\"he said \"\"hi\"\"\"\n", ';', [][]string{{"x;y", `he said "hi"`}}},
		{"stray CR after the opening quote", "\"\r2024\";\"\rSanta Catarina\";\"350\"\r\n", ';', [][]string{{"2024", "Santa Catarina", "350"}}},
		{"line break inside quotes", "\"a\r\nb\";c\n", ';', [][]string{{"a\nb", "c"}}},
		{"detect tab", "Mês\tvalor\njaneiro 1980\t6.62\n", 0, [][]string{{"Mês", "valor"}, {"janeiro 1980", "6.62"}}},
		{"detect comma", "a,b,c\n1,2,3\n", 0, [][]string{{"a", "b", "c"}, {"1", "2", "3"}}},
		{"leading zeros kept", "CO_PAIS;CO_URF\n063;0817800\n", ';', [][]string{{"CO_PAIS", "CO_URF"}, {"063", "0817800"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := readAll(t, strings.NewReader(tc.in), tc.comma)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if strings.Join(got[i], "|") != strings.Join(tc.want[i], "|") {
					t.Fatalf("record %d: got %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
	if _, err := delim.NewReader(strings.NewReader("\"open;x\n"), ';').Read(); !errors.Is(err, delim.ErrQuote) {
		t.Fatalf("unterminated quote: %v", err)
	}
}

func TestNumbers(t *testing.T) {
	cases := []struct {
		in   string
		mark delim.DecimalMark
		want float64
		ok   bool
	}{
		{"1039,00", delim.Comma, 1039, true},
		{"-5,48", delim.Comma, -5.48, true},
		{"1.234.567,89", delim.Comma, 1234567.89, true},
		{"6.62", delim.Point, 6.62, true},
		{"1,234.5", delim.Point, 1234.5, true},
		{"1.23,4", delim.Comma, 0, false},
		{"12a", delim.Comma, 0, false},
		{"NaN", delim.Point, 0, false},
		{"1e5", delim.Point, 0, false},
	}
	for _, tc := range cases {
		got, err := delim.ParseDecimal(tc.in, tc.mark)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseDecimal(%q) = %v, %v", tc.in, got, err)
		}
	}
	sidra := []struct {
		in     string
		v      float64
		isNull bool
	}{{"...", 0, true}, {"..", 0, true}, {"X", 0, true}, {"-", 0, false}, {"0,35", 0.35, false}}
	for _, tc := range sidra {
		v, ok, err := delim.ParseSIDRA(tc.in, delim.Comma)
		if err != nil || ok == tc.isNull || v != tc.v {
			t.Errorf("ParseSIDRA(%q) = %v, %v, %v", tc.in, v, ok, err)
		}
	}
}

func TestName(t *testing.T) {
	cases := map[string]string{
		"Código Município Completo": "codigo_municipio_completo",
		"\uFEFFcompetênciamov":      "competenciamov",
		"Cod.IBGE":                  "cod_ibge",
		"Nº do IMO":                 "no_do_imo",
		" Tipo de Navegação  ":      "tipo_de_navegacao",
		"Alta Floresta D'Oeste":     "alta_floresta_d_oeste",
	}
	for in, want := range cases {
		if got := delim.Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

// IBGE's check digit, against the whole territorial table: every code
// follows the rule or is one of the listed exceptions.
func TestIBGECheckDigitAgainstTheTable(t *testing.T) {
	f, err := os.Open(filepath.Join(dataDir(t), "ibge_municipios", "ibge_dtb_relatorio_municipio.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Read()
	n, exceptions := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		code := rec[11]
		n++
		if d, _ := delim.IBGECheckDigit(code[:6]); d != code[6] {
			exceptions++
		}
		if got, ok := delim.IBGECode7(code[:6]); !ok || got != code {
			t.Errorf("IBGECode7(%s) = %s, the table says %s", code[:6], got, code)
		}
	}
	if n != 5570 || exceptions != 9 {
		t.Fatalf("%d codes, %d exceptions to the rule (want 5570 and 9)", n, exceptions)
	}
}

// The Comex Stat web exports: UTF-8 with BOM, every field quoted, a stray CR
// after the opening quote of each dimension field, CRLF and no final line
// end. Rows and sums match encoding/csv's reading with the CRs trimmed.
func TestComexWebExports(t *testing.T) {
	cases := []struct {
		file string
		rows int
	}{
		{"comexstat_exp_sc_carnes_ncm_pais_2019_2024.csv", 4946},
		// PROVENANCE.md says 5565; the file has 5567 lines (5566 CRLF and a
		// last one without), so a header and 5566 rows, as encoding/csv
		// below and Python's csv module also count.
		{"V_EXPORTACAO_GERAL_2019-01_2024-12_DT20250428.csv", 5566},
	}
	for _, tc := range cases {
		path := filepath.Join(dataDir(t), "comexstat", "web_consulta", tc.file)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		text, enc, err := delim.Decode(f, delim.Auto)
		if err != nil || enc != delim.UTF8 {
			t.Fatalf("%s: %v %v", tc.file, enc, err)
		}
		recs := readAll(t, text, 0)
		f.Close()
		header := recs[0]
		fob := -1
		for i, h := range header {
			if delim.Name(h) == "valor_us_fob" {
				fob = i
			}
		}
		if len(recs)-1 != tc.rows || fob < 0 || delim.Name(header[0]) != "ano" {
			t.Fatalf("%s: %d rows, header %q", tc.file, len(recs)-1, header)
		}
		var sum float64
		for _, r := range recs[1:] {
			if strings.ContainsRune(r[0], '\r') || len(r[0]) != 4 {
				t.Fatalf("%s: year %q kept the stray CR", tc.file, r[0])
			}
			v, err := strconv.ParseFloat(r[fob], 64)
			if err != nil {
				t.Fatal(err)
			}
			sum += v
		}
		// A second path: encoding/csv, BOM and CRs trimmed by hand.
		raw, _ := os.ReadFile(path)
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))))
		cr.Comma = ';'
		all, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		for _, r := range all[1:] {
			v, _ := strconv.ParseFloat(strings.TrimPrefix(r[fob], "\r"), 64)
			want += v
		}
		if len(all)-1 != tc.rows || sum != want {
			t.Fatalf("%s: sum %v, encoding/csv says %v over %d rows", tc.file, sum, want, len(all)-1)
		}
	}
}

// Every delimited sample decodes and splits into the rows PROVENANCE.md
// counts (NCM.csv aside: see the ingest tests), whatever its encoding,
// quoting and line ends.
func TestSampleRowCounts(t *testing.T) {
	cases := []struct {
		rel    string
		enc    delim.Encoding
		rows   int // data rows (the header excluded unless noHeader)
		fields int
		want   string // a value that only the right decoding yields
	}{
		{"comexstat/tabelas_auxiliares/NCM_CGCE_2018.csv", delim.Auto, 19, 12, "–"},
		{"comexstat/tabelas_auxiliares/NCM_ISIC_2018.csv", delim.Latin1, 39, 6, "AGRICULTURA, PECUÁRIA"},
		{"comexstat/tabelas_auxiliares/NCM_FAT_AGREG_2018.csv", delim.Auto, 6, 3, "PRODUTOS BASICOS"},
		{"comexstat/tabelas_auxiliares/NCM_PPE_2018.csv", delim.Latin1, 415, 4, "Arroz em grãos"},
		{"comexstat/tabelas_auxiliares/NCM_UNIDADE.csv", delim.Auto, 15, 3, "KGL  "},
		{"comexstat/tabelas_auxiliares/PAIS.csv", delim.Latin1, 281, 6, "Afeganistão"},
		{"comexstat/tabelas_auxiliares/PAIS_BLOCO.csv", delim.Latin1, 323, 5, "África"},
		{"comexstat/tabelas_auxiliares/UF.csv", delim.Latin1, 34, 4, "Rondônia"},
		{"comexstat/tabelas_auxiliares/UF_MUN.csv", delim.Latin1, 5570, 4, "Missão Velha"},
		{"comexstat/tabelas_auxiliares/URF.csv", delim.Latin1, 280, 2, "0817800"},
		{"comexstat/tabelas_auxiliares/VIA.csv", delim.Auto, 17, 2, "MARITIMA"},
		{"caged/CBO2002_Ocupacao.csv", delim.Latin1, 2679, 2, "Oficial general do exército"},
		{"cnae/receita_cnpj_cnaes.csv", delim.Latin1, 1359 - 1, 2, "Atividade Econônica não informada"}, // no header line: the first row counts as one
		{"bcb_sgs/bcb_sgs_24369_taxa_desocupacao_pnadc_STP-20221119194100222.csv", delim.Latin1, 128, 2, "desocupação"},
		{"ibge_municipios/kelvins_estados.csv", delim.Auto, 27, 6, "Rondônia"},
		{"ibge_municipios/kelvins_municipios.csv", delim.Auto, 5571, 9, "Abadia de Goiás"},
		{"caged/CAGEDEXC202301.txt", delim.UTF8, 7900, 30, "competênciamov"},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.rel), func(t *testing.T) {
			f, err := os.Open(filepath.Join(dataDir(t), tc.rel))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			text, _, err := delim.Decode(f, tc.enc)
			if err != nil {
				t.Fatal(err)
			}
			recs := readAll(t, text, 0)
			found := false
			for _, r := range recs {
				if len(r) != tc.fields {
					t.Fatalf("a record has %d fields, want %d: %q", len(r), tc.fields, r)
				}
				for _, v := range r {
					found = found || strings.Contains(v, tc.want)
				}
			}
			if len(recs)-1 != tc.rows || !found {
				t.Fatalf("%d rows (want %d), %q found: %v", len(recs)-1, tc.rows, tc.want, found)
			}
		})
	}
}

// BenchmarkReadComexRecords reads records shaped like Comex Stat's EXP
// files (codes quoted, metrics bare, CRLF): the loaders' hottest loop.
func BenchmarkReadComexRecords(b *testing.B) {
	var buf bytes.Buffer
	const rows = 100_000
	for i := 0; i < rows; i++ {
		buf.WriteString(`2024;"` + strconv.Itoa(10+i%3) + `";"` + strconv.Itoa(84713000+i%900) + `";"10";"` + strconv.Itoa(100+i%800) +
			`";"SP";"01";"0817800";` + strconv.Itoa(i*7) + ";" + strconv.Itoa(i*13) + ";" + strconv.Itoa(i*31) + "\r\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rd := delim.NewReader(bytes.NewReader(data), ';')
		n := 0
		for {
			rec, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil || len(rec) != 11 {
				b.Fatalf("record %d: %q, %v", n, rec, err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d records, want %d", n, rows)
		}
	}
}

// BenchmarkDecodeWindows1252 decodes mostly-ASCII text with a few accents
// per line, as the official latin-1 and cp1252 files are.
func BenchmarkDecodeWindows1252(b *testing.B) {
	line := []byte("2024;\"09\";\"84713019\";\"11\";\"063\";\"SP\";\"07\";\"1017500\";42;13;608;S\xe3o Paulo\r\n")
	data := bytes.Repeat(line, 100_000)
	b.SetBytes(int64(len(data)))
	buf := make([]byte, 256<<10)
	for b.Loop() {
		r, _, err := delim.Decode(bytes.NewReader(data), delim.Windows1252)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// ParseInt's digit loop agrees with strconv on every input.
func FuzzParseIntMatchesStrconv(f *testing.F) {
	for _, s := range []string{"0", "42", "-7", " 13 ", "+5", "999999999999999999", "9223372036854775807", "9223372036854775808", "", "1e3", "0042", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := delim.ParseInt(s)
		want, werr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if (err == nil) != (werr == nil) || (err == nil && got != want) {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv: %d, %v", s, got, err, want, werr)
		}
	})
}
