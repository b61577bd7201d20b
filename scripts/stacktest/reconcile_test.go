package stacktest

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The marts answer, through `make ingest` and POST /query, what
// the publishers' own files say. Each expectation is parsed here from the
// official file with encoding/csv or excelize, never with the loaders'
// code, and only the loaders' documented meaning (shared/ingest/README.md)
// is applied to it.

// apiCall is the stack test's signed-in request to the API.
type apiCall func(method, path, body string) (*http.Response, []byte)

// reconcileOrg is a demo org entitled to every public mart.
const reconcileOrg = "porto-sul"

// ufs are IBGE's 27 UFs: code, letters and name as SIDRA writes it.
var ufs = []struct{ code, letters, name string }{
	{"11", "RO", "Rondônia"}, {"12", "AC", "Acre"}, {"13", "AM", "Amazonas"}, {"14", "RR", "Roraima"},
	{"15", "PA", "Pará"}, {"16", "AP", "Amapá"}, {"17", "TO", "Tocantins"}, {"21", "MA", "Maranhão"},
	{"22", "PI", "Piauí"}, {"23", "CE", "Ceará"}, {"24", "RN", "Rio Grande do Norte"}, {"25", "PB", "Paraíba"},
	{"26", "PE", "Pernambuco"}, {"27", "AL", "Alagoas"}, {"28", "SE", "Sergipe"}, {"29", "BA", "Bahia"},
	{"31", "MG", "Minas Gerais"}, {"32", "ES", "Espírito Santo"}, {"33", "RJ", "Rio de Janeiro"}, {"35", "SP", "São Paulo"},
	{"41", "PR", "Paraná"}, {"42", "SC", "Santa Catarina"}, {"43", "RS", "Rio Grande do Sul"},
	{"50", "MS", "Mato Grosso do Sul"}, {"51", "MT", "Mato Grosso"}, {"52", "GO", "Goiás"}, {"53", "DF", "Distrito Federal"},
}

// reconcileTerritoryFirst loads the DTB territorial table and then each
// source's real sample, and reconciles what the API answers with the file.
// Comex Stat's NCM sample is reconciled by month above (comexFOBByMonth);
// no web_consulta export covers it: they are other queries (SC meat
// 2019-2024, Brazil by country and chapter 2019-2024, Salvador by
// municipality 2024-2025) over the whole EXP files, not the 60 sampled
// records, so there is no website total to compare it with.
func reconcileTerritoryFirst(t *testing.T, dir string, call apiCall) {
	data := filepath.Join(repoRoot(t), "..", "shared", "data")
	dtb := filepath.Join(data, "ibge_municipios", "ibge_dtb_relatorio_municipio.csv")
	if !fileExists(dtb) {
		t.Logf("issue 26 reconciliations skipped: no %s", dtb)
		return
	}
	pib := filepath.Join(data, "pib_municipios", "sidra_tabela5938_pib_municipios_2002_2023.xlsx")
	siconfi := filepath.Join(data, "siconfi", "finbraRGF_MUN_DCL_semestral_2018_head3000.csv")
	caged := filepath.Join(data, "caged", "CAGEDEXC202301.txt")
	// Through make ingest: each municipal source's file arriving before
	// the territorial table is refused with the command that fixes it,
	// goes to quarantine and changes no mart; the same files then load
	// below, once the table is there, and reconcile with their publisher.
	for _, c := range []struct{ source, file, spec string }{
		{"pib_municipal", pib, `{"dataset":"pib_municipal","measures":["pib_brl"],"dimensions":["year","uf"],"limit":10000}`},
		{"siconfi", siconfi, `{"dataset":"siconfi_annual","measures":["value_brl"],"dimensions":["uf","account","coluna"],"limit":10000}`},
		{"caged", caged, `{"dataset":"caged_monthly","measures":["admissions","separations"],"dimensions":["month","uf"],"limit":10000}`},
	} {
		t.Run(c.source+" before ibge_territorio is refused", func(t *testing.T) {
			if !fileExists(c.file) {
				t.Skipf("no sample %s", c.file)
			}
			before := fmt.Sprint(queryAll(t, call, c.spec))
			r := dev(t, dir, nil, "ingest", c.source, c.file)
			out := r.stderr + r.stdout
			if r.code == 0 || !strings.Contains(out, "load ibge_territorio first: make ingest SOURCE=ibge_territorio") ||
				!strings.Contains(out, "quarantine/sources/"+c.source+"/"+filepath.Base(c.file)) {
				t.Errorf("make ingest of %s before the territory: exit %d\n%s\n%s", c.source, r.code, r.stdout, r.stderr)
			}
			if after := fmt.Sprint(queryAll(t, call, c.spec)); after != before {
				t.Errorf("a refused %s file changed its mart:\nbefore %.300s\nafter  %.300s", c.source, before, after)
			}
		})
	}
	if !t.Run("ibge_territorio", func(t *testing.T) {
		f, err := os.Open(dtb)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) < 2 {
			t.Fatalf("%s: %v", dtb, err)
		}
		want := fmt.Sprintf("loaded ibge_territorio from %s: %d rows", filepath.Base(dtb), len(recs)-1)
		r := ingestSample(t, dir, "ibge_territorio", dtb)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("make ingest of the DTB: %q, want %q (one row per municipality in the file)", r.stdout, want)
		}
	}) {
		return // the facts below are matched to municipalities through it
	}
	t.Run("pib_municipal", func(t *testing.T) {
		reconcilePIB(t, dir, call, pib)
	})
	t.Run("siconfi", func(t *testing.T) {
		reconcileSiconfi(t, dir, call, siconfi)
	})
	t.Run("caged", func(t *testing.T) {
		reconcileCAGED(t, dir, call, caged)
	})
}

// ingestSample runs make ingest and fails the test unless the file loaded.
func ingestSample(t *testing.T, dir, source, file string) result {
	t.Helper()
	if !fileExists(file) {
		t.Skipf("no sample %s", file)
	}
	start := time.Now()
	r := dev(t, dir, nil, "ingest", source, file)
	if r.code != 0 || !strings.Contains(r.stdout, "loaded "+source) {
		t.Fatalf("make ingest %s %s: %d\n%s\n%s", source, filepath.Base(file), r.code, r.stdout, r.stderr)
	}
	t.Logf("make ingest %s %s: %s (%s)", source, filepath.Base(file), strings.TrimSpace(r.stdout), time.Since(start).Round(time.Millisecond))
	return r
}

// queryAll posts a spec and follows next_cursor to the last page; numbers
// stay as the JSON wrote them.
func queryAll(t *testing.T, call apiCall, spec string) []map[string]json.Number {
	t.Helper()
	var rows []map[string]json.Number
	resp, body := call("POST", "/v1/orgs/"+reconcileOrg+"/query", spec)
	for page := 1; ; page++ {
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("query %s, page %d: %d %s", spec, page, resp.StatusCode, body)
		}
		var a struct {
			Data       []map[string]any
			NextCursor *string `json:"next_cursor"`
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("query %s, page %d: %v %s", spec, page, err, body)
		}
		for _, d := range a.Data {
			row := map[string]json.Number{}
			for k, v := range d {
				switch v := v.(type) {
				case json.Number:
					row[k] = v
				case string:
					row[k] = json.Number(v)
				case nil:
					row[k] = ""
				default:
					t.Fatalf("query %s: %s is %T", spec, k, v)
				}
			}
			rows = append(rows, row)
		}
		if a.NextCursor == nil || *a.NextCursor == "" {
			return rows
		}
		resp, body = call("GET", "/v1/orgs/"+reconcileOrg+"/query?cursor="+url.QueryEscape(*a.NextCursor), "")
	}
}

// exactRat reads a decimal number ("7467629.886", "-5,48") exactly.
func exactRat(s string) (*big.Rat, bool) {
	return new(big.Rat).SetString(strings.Replace(strings.TrimSpace(s), ",", ".", 1))
}

// scaled is v·scale when that is a whole number (R$ from R$ thousands,
// cents from R$), else false.
func scaled(v *big.Rat, scale int64) (int64, bool) {
	x := new(big.Rat).Mul(v, big.NewRat(scale, 1))
	if !x.IsInt() || !x.Num().IsInt64() {
		return 0, false
	}
	return x.Num().Int64(), true
}

// pibFile is SIDRA 5938's PIB sheet as the test reads it: each UF's own row
// in R$, and how many municipalities have a value, by year.
type pibFile struct {
	years     []string
	ufTotal   map[string]map[string]int64 // year → UF letters → R$
	municipal map[string]map[string]int   // year → UF letters → municipalities with a value
}

var pibMunicipioRE = regexp.MustCompile(`^(.+?)\s*\(([A-Z]{2})\)$`)

// readPIBFile parses the XLSX with excelize: the sheet whose A2 names the
// variable "Produto Interno Bruto a preços correntes (Mil Reais)", a row of
// years (row 4), the UFs by name, municipalities as "Nome (UF)", values in
// R$ thousands with three decimals (so whole reais), "..." where a year is
// not published, "-" for zero.
func readPIBFile(t *testing.T, path string) pibFile {
	t.Helper()
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := ""
	for _, s := range x.GetSheetList() {
		if v, _ := x.GetCellValue(s, "A2"); strings.Contains(v, "Produto Interno Bruto a preços correntes") {
			if !strings.Contains(v, "(Mil Reais)") {
				t.Fatalf("%s: the PIB sheet is not in R$ thousands: %q", path, v)
			}
			sheet = s
		}
	}
	if sheet == "" {
		t.Fatalf("%s: no PIB sheet", path)
	}
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil || len(rows) < 5 {
		t.Fatalf("%s: %v", path, err)
	}
	f := pibFile{years: rows[3][1:], ufTotal: map[string]map[string]int64{}, municipal: map[string]map[string]int{}}
	for _, y := range f.years {
		if _, err := strconv.Atoi(y); err != nil {
			t.Fatalf("%s: row 4 is not a row of years: %q", path, rows[3])
		}
		f.ufTotal[y], f.municipal[y] = map[string]int64{}, map[string]int{}
	}
	letters := map[string]string{}
	for _, u := range ufs {
		letters[u.name] = u.letters
	}
	for i, row := range rows[4:] {
		if len(row) == 0 || strings.HasPrefix(row[0], "Fonte:") {
			continue
		}
		uf, isUF := letters[row[0]]
		if m := pibMunicipioRE.FindStringSubmatch(row[0]); m != nil {
			uf = m[2]
		} else if !isUF {
			t.Fatalf("%s row %d: neither a UF nor a municipality: %q", path, i+5, row[0])
		}
		for c, cell := range row[1:] {
			if c >= len(f.years) || cell == "..." || cell == "" {
				continue
			}
			if cell == "-" {
				cell = "0"
			}
			v, ok := exactRat(cell)
			brl, whole := scaled(v, 1000)
			if !ok || !whole {
				t.Fatalf("%s row %d: %q is not R$ thousands to three decimals", path, i+5, cell)
			}
			y := f.years[c]
			if isUF {
				f.ufTotal[y][uf] = brl
			} else {
				f.municipal[y][uf]++
			}
		}
	}
	return f
}

// sumTolerance bounds the rounding of a sum of n doubles whose exact total
// is total: each term carries a relative error of about 2u (parsed from
// the thousands, then multiplied by 1000, in DOUBLE) and adding them up
// another (n-1)u at most, u = 2^-53; n·ulp(total) = 2n·u·total covers both.
// The marts keep R$ as DOUBLE (shared/ingest/models/duckdb/ddl_marts_pib_municipal.sql), so a UF's total,
// the sum of its municipalities, cannot be held to the cent: São Paulo's
// 645 municipalities near R$ 3.4 trillion allow about R$ 0.30, Brazil's
// 5570 about R$ 11 (bounds on the worst case; on this machine every UF and
// year came out at R$ 0.00, see the log line).
func sumTolerance(total int64, n int) float64 {
	x := math.Abs(float64(total))
	return float64(n) * (math.Nextafter(x, math.Inf(1)) - x)
}

// reconcilePIB: each UF's PIB per year equals the file's own UF row, and
// Brazil's equals the sum of the file's UF rows, every year of the file.
func reconcilePIB(t *testing.T, dir string, call apiCall, path string) {
	if !fileExists(path) {
		t.Skipf("no sample %s", path)
	}
	file := readPIBFile(t, path)
	r := ingestSample(t, dir, "pib_municipal", path)
	// The file's UF rows are its state totals: read, never published, and
	// make ingest says how many.
	ufRows := 0
	for _, ufs := range file.ufTotal {
		ufRows = max(ufRows, len(ufs))
	}
	if want := fmt.Sprintf("%d skipped by the source's contract (%d UF rows", ufRows, ufRows); !strings.Contains(r.stdout, want) {
		t.Errorf("make ingest of PIB: %q, want it to say %q", r.stdout, want)
	}
	first, last := file.years[0], file.years[len(file.years)-1]

	got := map[string]map[string]float64{}
	for _, row := range queryAll(t, call, `{"dataset":"pib_municipal","measures":["pib_brl"],"dimensions":["year","uf"],
		"time":{"from":"`+first+`","to":"`+last+`"},"limit":10000}`) {
		y, uf := row["year"].String(), row["uf"].String()
		v, err := row["pib_brl"].Float64()
		if err != nil {
			t.Fatalf("pib_brl of %s %s: %v", uf, y, err)
		}
		if got[y] == nil {
			got[y] = map[string]float64{}
		}
		got[y][uf] = v
	}
	national := map[string]float64{}
	for _, row := range queryAll(t, call, `{"dataset":"pib_municipal","measures":["pib_brl"],"dimensions":["year"],
		"time":{"from":"`+first+`","to":"`+last+`"},"limit":10000}`) {
		v, err := row["pib_brl"].Float64()
		if err != nil {
			t.Fatalf("pib_brl of %s: %v", row["year"], err)
		}
		national[row["year"].String()] = v
	}

	var compared int
	var maxDiff, maxNationalDiff float64
	for _, y := range file.years {
		var brazil int64
		var n int
		for _, u := range ufs {
			want, ok := file.ufTotal[y][u.letters]
			if !ok {
				t.Errorf("%s: the file has no %s row for %s", filepath.Base(path), u.name, y)
				continue
			}
			brazil += want
			n += file.municipal[y][u.letters]
			v, ok := got[y][u.letters]
			diff := math.Abs(v - float64(want))
			if !ok || diff > sumTolerance(want, file.municipal[y][u.letters]) {
				t.Errorf("PIB %s %s: the API says R$ %.2f, the file's UF row R$ %d (diff R$ %.2f, %d municipalities in the file)",
					u.letters, y, v, want, v-float64(want), file.municipal[y][u.letters])
			}
			maxDiff = max(maxDiff, diff)
			compared++
		}
		for uf := range got[y] {
			if _, ok := file.ufTotal[y][uf]; !ok {
				t.Errorf("PIB %s: the API answers UF %q, which the file does not have", y, uf)
			}
		}
		v, ok := national[y]
		diff := math.Abs(v - float64(brazil))
		if !ok || diff > sumTolerance(brazil, n) {
			t.Errorf("PIB Brazil %s: the API says R$ %.2f, the sum of the file's UF rows R$ %d (diff R$ %.2f)", y, v, brazil, v-float64(brazil))
		}
		maxNationalDiff = max(maxNationalDiff, diff)
	}
	if len(got) != len(file.years) {
		t.Errorf("PIB: the API answers %d years from %s to %s, the file has %d", len(got), first, last, len(file.years))
	}
	t.Logf("PIB: %d UF-years (27 UFs × %d years) against the file's UF rows, max |diff| R$ %.4f; Brazil × %d years against the sum of the UF rows, max |diff| R$ %.4f",
		compared, len(file.years), maxDiff, len(file.years), maxNationalDiff)
}

// latin1 decodes ISO-8859-1, whose bytes are the code points.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// siconfiFile reads a FINBRA CSV (latin-1, ';', decimal comma, metadata
// lines before the header) into cents by municipality and account|coluna
// (each one figure the municipality declared, never a sum), the account
// built as shared/ingest/README.md documents it: the Conta;
// "Internos"/"Externos" qualified by their parent ("Financiamentos -
// Internos", the last Empréstimos/Financiamentos above them for the same
// municipality, power and column); a power other than the executive
// prefixed ("Legislativo: …"); percentages ("% da DC sobre a RCL") left out,
// as they are not R$. It returns the exercise year too.
func siconfiFile(t *testing.T, path string) (string, map[string]map[string]int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := latin1(b)
	year := regexp.MustCompile(`(?m)^Exercício: (\d{4})`).FindStringSubmatch(text)
	head := strings.Index(text, "Instituição;Cod.IBGE;")
	if year == nil || head < 0 {
		t.Fatalf("%s: no \"Exercício: aaaa\" line or no header", path)
	}
	r := csv.NewReader(strings.NewReader(text[head:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"Cod.IBGE", "PODER", "Coluna", "Conta", "Valor"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("%s: no column %s in %q", path, h, recs[0])
		}
	}
	out := map[string]map[string]int64{}
	parent := map[string]string{} // municipality|power|column → Empréstimos or Financiamentos
	for i, rec := range recs[1:] {
		mun, poder, coluna, conta := rec[col["Cod.IBGE"]], rec[col["PODER"]], rec[col["Coluna"]], rec[col["Conta"]]
		block := mun + "|" + poder + "|" + coluna
		account := conta
		switch conta {
		case "Empréstimos", "Financiamentos":
			parent[block] = conta
		case "Internos", "Externos":
			if parent[block] == "" {
				t.Fatalf("%s: %s with no Empréstimos or Financiamentos above it (data row %d)", path, conta, i+1)
			}
			account = parent[block] + " - " + conta
		}
		if strings.HasPrefix(conta, "%") {
			continue
		}
		if poder != "" && poder != "Executivo" {
			account = poder + ": " + account
		}
		v, ok := exactRat(rec[col["Valor"]])
		cents, whole := scaled(v, 100)
		if !ok || !whole {
			t.Fatalf("%s data row %d: Valor %q is not R$ to the cent", path, i+1, rec[col["Valor"]])
		}
		if out[mun] == nil {
			out[mun] = map[string]int64{}
		}
		if _, repeated := out[mun][account+"|"+coluna]; !repeated { // the mart keeps a repeated line's first figure
			out[mun][account+"|"+coluna] = cents
		}
	}
	return year[1], out
}

// reconcileSiconfi: the value of every municipality, account and column
// (the date or period a figure is declared for) of the year equals the
// file's (the DCL and every other R$ line of the annex).
func reconcileSiconfi(t *testing.T, dir string, call apiCall, path string) {
	if !fileExists(path) {
		t.Skipf("no sample %s", path)
	}
	year, want := siconfiFile(t, path)
	ingestSample(t, dir, "siconfi", path)
	got := map[string]map[string]int64{}
	for _, row := range queryAll(t, call, `{"dataset":"siconfi_annual","measures":["value_brl"],"dimensions":["municipio","account","coluna"],
		"time":{"from":"`+year+`","to":"`+year+`"},"limit":10000}`) {
		v, err := row["value_brl"].Float64()
		if err != nil {
			t.Fatalf("value_brl of %v: %v", row, err)
		}
		mun := row["municipio"].String()
		if got[mun] == nil {
			got[mun] = map[string]int64{}
		}
		// A DOUBLE holding a value the file gives to the cent: exact
		// once rounded to cents.
		got[mun][row["account"].String()+"|"+row["coluna"].String()] = int64(math.Round(v * 100))
	}
	var pairs, dcl, wrong int
	for mun, accounts := range want {
		for account, cents := range accounts {
			pairs++
			if strings.HasPrefix(account, "DÍVIDA CONSOLIDADA LÍQUIDA") {
				dcl++
			}
			g, ok := got[mun][account]
			if !ok || g != cents {
				if wrong++; wrong <= 20 {
					t.Errorf("Siconfi %s %s %q: the API says %s, the file R$ %s", year, mun, account, brlOf(g, ok), brlOf(cents, true))
				}
			}
		}
	}
	for mun, accounts := range got {
		for account, cents := range accounts {
			if _, ok := want[mun][account]; !ok {
				if wrong++; wrong <= 20 {
					t.Errorf("Siconfi %s %s %q: the API says R$ %s, the file has no such line", year, mun, account, brlOf(cents, true))
				}
			}
		}
	}
	if wrong > 0 {
		t.Errorf("Siconfi %s: %d of %d municipality × account values differ", year, wrong, pairs)
	}
	if dcl == 0 {
		t.Errorf("%s: no DCL line was read", filepath.Base(path))
	}
	t.Logf("Siconfi %s: %d municipality × account values compared to the cent (%d municipalities, %d DCL values), %d differ", year, pairs, len(want), dcl, wrong)
}

func brlOf(cents int64, ok bool) string {
	if !ok {
		return "nothing"
	}
	return fmt.Sprintf("%.2f", float64(cents)/100)
}

// cagedCounts are one UF-month's movements.
type cagedCounts struct{ admissions, separations, net int64 }

// cagedFile sums a Novo CAGED file (UTF-8, ';') by UF and month of the
// movement: saldomovimentação is 1 for a hiring and -1 for a separation.
// Rows whose uf is not one of the 27 (99, with município 999999: not
// identified) count nowhere: the loader keeps them out of the mart.
func cagedFile(t *testing.T, path string) map[string]map[string]cagedCounts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"competênciamov", "uf", "saldomovimentação"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("%s: no column %s", path, h)
		}
	}
	letters := map[string]string{}
	for _, u := range ufs {
		letters[u.code] = u.letters
	}
	out := map[string]map[string]cagedCounts{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		comp, saldo := rec[col["competênciamov"]], rec[col["saldomovimentação"]]
		uf, ok := letters[rec[col["uf"]]]
		if !ok {
			continue
		}
		if len(comp) != 6 {
			t.Fatalf("%s line %d: competênciamov %q", path, line, comp)
		}
		month := comp[:4] + "-" + comp[4:]
		if out[month] == nil {
			out[month] = map[string]cagedCounts{}
		}
		c := out[month][uf]
		switch saldo {
		case "1":
			c.admissions++
			c.net++
		case "-1":
			c.separations++
			c.net--
		default:
			t.Fatalf("%s line %d: saldomovimentação %q", path, line, saldo)
		}
		out[month][uf] = c
	}
	return out
}

// reconcileCAGED: a CAGEDEXC file's movements are exclusions, which the
// mart subtracts from the month of the movement they cancel
// (shared/ingest/README.md: the mart is MOV + FOR − EXC). With no CAGEDMOV
// or CAGEDFOR loaded for those months, each UF-month answers minus the
// file's own counts: admissions −(rows with saldo 1), separations −(rows
// with saldo −1), net −(sum of saldomovimentação).
func reconcileCAGED(t *testing.T, dir string, call apiCall, path string) {
	if !fileExists(path) {
		t.Skipf("no sample %s", path)
	}
	file := cagedFile(t, path)
	months := make([]string, 0, len(file))
	for m := range file {
		months = append(months, m)
	}
	sort.Strings(months)
	ingestSample(t, dir, "caged", path)
	got := map[string]map[string]cagedCounts{}
	for _, row := range queryAll(t, call, `{"dataset":"caged_monthly","measures":["admissions","separations","net"],"dimensions":["month","uf"],
		"time":{"from":"`+months[0]+`","to":"`+months[len(months)-1]+`"},"limit":10000}`) {
		var c cagedCounts
		for name, p := range map[string]*int64{"admissions": &c.admissions, "separations": &c.separations, "net": &c.net} {
			v, err := row[name].Int64()
			if err != nil {
				t.Fatalf("%s of %v: %v", name, row, err)
			}
			*p = v
		}
		m := row["month"].String()
		if got[m] == nil {
			got[m] = map[string]cagedCounts{}
		}
		got[m][row["uf"].String()] = c
	}
	var cells, rows int64
	var fileNet int64
	for _, m := range months {
		for _, u := range ufs {
			f := file[m][u.letters]
			want := cagedCounts{-f.admissions, -f.separations, -f.net}
			if g := got[m][u.letters]; g != want {
				t.Errorf("CAGED %s %s: the API says admissions %d, separations %d, net %d; minus the file's exclusions: %d, %d, %d",
					m, u.letters, g.admissions, g.separations, g.net, want.admissions, want.separations, want.net)
			}
			if f != (cagedCounts{}) {
				cells++
				rows += f.admissions + f.separations
				fileNet += f.net
			}
		}
	}
	known := map[string]bool{}
	for _, u := range ufs {
		known[u.letters] = true
	}
	for m, byUF := range got {
		if _, ok := file[m]; !ok {
			t.Errorf("CAGED: the API answers month %s, which the file's competênciamov does not have", m)
		}
		for uf := range byUF {
			if !known[uf] {
				t.Errorf("CAGED %s: the API answers UF %q", m, uf)
			}
		}
	}
	t.Logf("CAGED: %d UF-months with exclusions over %s..%s (%d months; %d exclusions in identified UFs, net %+d) compared with minus the file's counts",
		cells, months[0], months[len(months)-1], len(months), rows, fileNet)
}
