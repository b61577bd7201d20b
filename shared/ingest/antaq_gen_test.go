package ingest_test

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/antaq from the generator")

// The ANTAQ fixture: berthings and their cargo lines, written in the exact
// format of ../shared/data/antaq/FORMAT.md (no real sample exists). The
// expected mart figures are computed from these structs, not by parsing.

type antaqBerthing struct {
	ID         int64
	Port, Apel string
	UF, Mun    string
	Year       int
	Month      int
	Nav        string // ANTAQ's label
	Arrived    time.Time
	Cargo      []antaqCargo
}

type antaqCargo struct {
	ID      int64
	Nav     string
	Nature  string
	Sentido string
	Flag    int
	TEU     int
	Qt      int
	Tonnes  float64 // three decimals
	SH4     string
	Mercado string
}

var (
	antaqPorts = []struct{ port, apel, uf, mun, regiao string }{
		{"Santos", "Santos; Terminal 1", "SP", "Santos", "Sudeste"},
		{"Paranaguá", "Paranaguá", "PR", "Paranaguá", "Sul"},
		{"Itaqui", "Porto do Itaqui", "MA", "São Luís", "Nordeste"},
		{"Manaus", "Porto de Manaus", "AM", "Manaus", "Norte"},
		{"Rio Grande", "Rio Grande", "RS", "Rio Grande", "Sul"},
	}
	antaqNavLabels    = []string{"Longo Curso", "Cabotagem", "Interior", "Apoio Marítimo", "Apoio Portuário"}
	antaqNatureLabels = []string{"Granel Sólido", "Granel Líquido e Gasoso", "Carga Geral", "Carga Conteinerizada"}
	antaqMonthAbbr    = []string{"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"}
)

// antaqFixture builds n berthings of the year over the first months.
func antaqFixture(year, months, n int, seed uint64, tonnesScale float64) []antaqBerthing {
	rnd := rand.New(rand.NewPCG(seed, 11))
	var out []antaqBerthing
	cargoID := int64(year) * 100000
	for i := 0; i < n; i++ {
		p := antaqPorts[rnd.IntN(len(antaqPorts))]
		m := 1 + i%months
		b := antaqBerthing{ID: int64(year)*10000 + int64(i), Port: p.port, Apel: p.apel, UF: p.uf, Mun: p.mun, Year: year, Month: m,
			Nav:     antaqNavLabels[rnd.IntN(len(antaqNavLabels))],
			Arrived: time.Date(year, time.Month(m), 1+rnd.IntN(27), rnd.IntN(24), rnd.IntN(60), rnd.IntN(60), 0, time.UTC)}
		lines := 1 + rnd.IntN(3)
		if i%13 == 5 {
			lines = 0 // a berthing without cargo (supply vessel)
		}
		for k := 0; k < lines; k++ {
			cargoID++
			nat := antaqNatureLabels[rnd.IntN(len(antaqNatureLabels))]
			c := antaqCargo{ID: cargoID, Nav: b.Nav, Nature: nat, Sentido: []string{"Embarcados", "Desembarcados"}[rnd.IntN(2)],
				Flag: 1, Qt: 1 + rnd.IntN(500), Tonnes: float64(rnd.IntN(90_000_000)) / 1000 * tonnesScale,
				SH4: fmt.Sprintf("%04d", 1000+rnd.IntN(8000)), Mercado: fmt.Sprintf("%04d", rnd.IntN(9999))}
			if nat == "Carga Conteinerizada" {
				c.TEU = 1 + rnd.IntN(3000)
			}
			switch {
			case i%17 == 3 && k == 0:
				c.Flag = 0 // not cargo handling
			case i%19 == 7 && k == 0:
				c.Sentido = "Não Informado"
			}
			b.Cargo = append(b.Cargo, c)
		}
		out = append(out, b)
	}
	return out
}

// antaqExpect is what the mart must hold for the fixture, per month.
type antaqExpect struct {
	tonnes    float64
	teu       float64
	berthings int64
}

func antaqExpected(bs []antaqBerthing) map[string]antaqExpect {
	out := map[string]antaqExpect{}
	for _, b := range bs {
		key := fmt.Sprintf("%04d-%02d", b.Year, b.Month)
		e := out[key]
		counted := false
		for _, c := range b.Cargo {
			if c.Flag != 1 || c.Sentido == "Não Informado" {
				continue
			}
			e.tonnes += c.Tonnes
			e.teu += float64(c.TEU)
			counted = true
		}
		if counted {
			e.berthings++
		}
		out[key] = e
	}
	return out
}

// antaqField quotes a value only when it holds the separator, as ANTAQ does.
func antaqField(s string) string {
	if strings.ContainsRune(s, ';') {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func antaqDecimal(v float64, prec int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', prec, 64), ".", ",", 1)
}

func antaqLines(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	b.WriteString(strings.Join(header, ";"))
	b.WriteString("\r\n")
	for _, r := range rows {
		for i, f := range r {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(antaqField(f))
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// antaqFiles renders the fixture as <ano>Atracacao.txt and <ano>Carga.txt.
// abbr writes Mes as "jan".."dez" (some years) instead of a number; newer
// adds the columns of newer years (Coordenadas, Região Hidrográfica,
// Instalação Portuária em Rio).
func antaqFiles(bs []antaqBerthing, abbr, newer bool) (atracacao, carga []byte) {
	header := []string{"IDAtracacao", "CDTUP", "IDBerco", "Berço", "Porto Atracação"}
	if newer {
		header = append(header, "Coordenadas")
	}
	header = append(header, "Apelido Instalação Portuária", "Complexo Portuário", "Tipo da Autoridade Portuária",
		"Data Atracação", "Data Chegada", "Data Desatracação", "Data Início Operação", "Data Término Operação", "Ano", "Mes",
		"Tipo de Operação", "Tipo de Navegação da Atracação", "Nacionalidade do Armador", "FlagMCOperacaoAtracacao", "Terminal",
		"Município", "UF", "SGUF", "Região Geográfica")
	if newer {
		header = append(header, "Região Hidrográfica", "Instalação Portuária em Rio")
	}
	header = append(header, "Nº da Capitania", "Nº do IMO")
	const stamp = "02/01/2006 15:04:05"
	var rows [][]string
	for i, b := range bs {
		p := antaqPorts[0]
		for _, q := range antaqPorts {
			if q.port == b.Port {
				p = q
			}
		}
		mes := strconv.Itoa(b.Month)
		if abbr {
			mes = antaqMonthAbbr[b.Month-1]
		}
		r := []string{strconv.FormatInt(b.ID, 10), "BR" + strings.ToUpper(b.UF) + "001", strconv.Itoa(100 + i%7), "Berço " + strconv.Itoa(1+i%7), b.Port}
		if newer {
			r = append(r, "-23,9608; -46,3331")
		}
		r = append(r, b.Apel, "Complexo "+b.Port, "Porto Organizado",
			b.Arrived.Format(stamp), b.Arrived.Add(-6*time.Hour).Format(stamp), b.Arrived.Add(30*time.Hour).Format(stamp),
			b.Arrived.Add(2*time.Hour).Format(stamp), b.Arrived.Add(28*time.Hour).Format(stamp),
			strconv.Itoa(b.Year), mes, "Movimentação da Carga", b.Nav, "Brasileira", "1", "Terminal "+b.Port,
			p.mun, map[string]string{"SP": "São Paulo", "PR": "Paraná", "MA": "Maranhão", "AM": "Amazonas", "RS": "Rio Grande do Sul"}[p.uf],
			p.uf, p.regiao)
		if newer {
			r = append(r, "Atlântico Sul", "Não")
		}
		r = append(r, strconv.Itoa(10+i%5), strconv.Itoa(9000000+i))
		rows = append(rows, r)
	}
	atracacao = antaqLines(header, rows)

	cheader := []string{"IDCarga", "IDAtracacao", "Origem", "Destino", "CDMercadoria", "Tipo Operação da Carga",
		"Carga Geral Acondicionamento", "ConteinerEstado", "Tipo Navegação", "FlagAutorizacao", "FlagCabotagem",
		"FlagCabotagemMovimentacao", "FlagConteinerTamanho", "FlagLongoCurso", "FlagMCOperacaoCarga", "FlagOffshore",
		"FlagTransporteViaInterioir", "Percurso Transporte em vias Interiores", "Percurso Transporte Interiores",
		"STNaturezaCarga", "STSH2", "STSH4", "Natureza da Carga", "Sentido", "TEU", "QTCarga", "VLPesoCargaBruta"}
	rows = rows[:0]
	for _, b := range bs {
		for _, c := range b.Cargo {
			estado, acond := "", ""
			if c.Nature == "Carga Conteinerizada" {
				estado, acond = "Cheio", "Conteinerizada"
			}
			rows = append(rows, []string{strconv.FormatInt(c.ID, 10), strconv.FormatInt(b.ID, 10), "BRSSZ", "CNSHA", c.Mercado,
				"Movimentação de Carga", acond, estado, c.Nav, "S", "0", "0", "", "1", strconv.Itoa(c.Flag), "0", "0", "", "",
				"Não", c.SH4[:2], c.SH4, c.Nature, c.Sentido, strconv.Itoa(c.TEU), strconv.Itoa(c.Qt), antaqDecimal(c.Tonnes, 3)})
		}
	}
	carga = antaqLines(cheader, rows)
	return atracacao, carga
}

// antaqZip packs the year's files as the yearly download does, with the
// berthing times file the loader ignores.
func antaqZip(t testing.TB, dir string, year int, atracacao, carga []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []struct {
		name string
		body []byte
	}{
		{fmt.Sprintf("%dAtracacao.txt", year), atracacao},
		{fmt.Sprintf("%dCarga.txt", year), carga},
		{fmt.Sprintf("%dTemposAtracacao.txt", year), []byte("\uFEFFIDAtracacao;TEsperaAtracacao\r\n1;2,5\r\n")},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, fmt.Sprintf("%d.zip", year))
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The 2023 fixture lives in testdata/antaq, written by the generator; the
// test regenerates it and fails if the files drifted (go test -update
// rewrites them).
func antaq2023(t *testing.T) (atracacao, carga []byte, bs []antaqBerthing) {
	t.Helper()
	bs = antaqFixture(2023, 3, 60, 42, 1)
	atracacao, carga = antaqFiles(bs, true, false)
	dir := filepath.Join("testdata", "antaq")
	files := map[string][]byte{"2023Atracacao.txt": atracacao, "2023Carga.txt": carga}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run go test -run ANTAQ -update to write it)", err)
		}
		if !bytes.Equal(got, body) {
			t.Fatalf("%s differs from the generator's output (run go test -run ANTAQ -update)", p)
		}
	}
	return atracacao, carga, bs
}
