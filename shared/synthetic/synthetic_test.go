package synthetic

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/duckdb"
)

// The demo orgs as the local stack creates them (ids are Postgres uuids).
var demoTenants = []Tenant{
	{OrgID: "0b7a1c9e-5d1f-4c43-9a35-1f2e0d6c7a01", Slug: "porto-sul", Isolation: IsolationRow},
	{OrgID: "5e2d8f40-7c6b-4a1e-8f3d-2b9c4e6a7d02", Slug: "agro-nordeste", Isolation: IsolationRow},
	{OrgID: "9c4b2a7e-1f3d-4e5c-b6a8-3d7e9f1c2b03", Slug: "banco-regional", Isolation: IsolationDataset, Dataset: "tenant_banco_regional"},
}

func openWarehouse(t testing.TB) *sql.DB {
	t.Helper()
	w, err := duckdb.Open(context.Background(), duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w.SQL()
}

// filled is one warehouse filled at the default size, shared by the tests
// that only read it.
var filled struct {
	once sync.Once
	db   *sql.DB
	rep  Report
	err  error
}

func defaultFill(t *testing.T) (*sql.DB, Report) {
	t.Helper()
	filled.once.Do(func() {
		w, err := duckdb.Open(context.Background(), duckdb.Config{Path: ":memory:"})
		if err != nil {
			filled.err = err
			return
		}
		filled.db = w.SQL()
		filled.rep, filled.err = Fill(context.Background(), filled.db, Params{Seed: 20251001, Tenants: demoTenants})
	})
	if filled.err != nil {
		t.Fatal(filled.err)
	}
	return filled.db, filled.rep
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

func queryFloat(t *testing.T, db *sql.DB, q string, args ...any) float64 {
	t.Helper()
	var f sql.NullFloat64
	if err := db.QueryRow(q, args...).Scan(&f); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return f.Float64
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFillRowCountsAndWatermarks(t *testing.T) {
	db, rep := defaultFill(t)
	perSlot := int64(math.Round(float64(DefaultComexRows) / float64(monthsInDemo*2)))
	nMun := int64(len(municipalities))
	want := map[string]int64{
		ComexMonthly:  perSlot * monthsInDemo * 2,
		CagedMonthly:  nMun * 21 * monthsInDemo,
		PIBMunicipal:  nMun * (PIBLastYear - PIBFirstYear + 1),
		IPCAMonthly:   monthsInIPCA,
		SiconfiAnnual: nMun * (SiconfiLastYear - SiconfiFirstYear + 1) * 7,
	}
	for mart, n := range want {
		if got := rep.Marts[mart].Rows; got != n {
			t.Errorf("report: %s has %d rows, want %d", mart, got, n)
		}
	}
	for _, mart := range Marts {
		got := queryInt(t, db, "SELECT count(*) FROM marts."+mart)
		if got != rep.Marts[mart].Rows {
			t.Errorf("marts.%s has %d rows, the report says %d", mart, got, rep.Marts[mart].Rows)
		}
		if got == 0 {
			t.Errorf("marts.%s is empty", mart)
		}
	}
	if n := rep.Marts[ComexMonthly].Rows; n < 250_000 || n > 350_000 {
		t.Errorf("default comex size %d, want a few hundred thousand", n)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM core.dim_municipio"); got != nMun || rep.Municipalities != int(nMun) {
		t.Errorf("dim_municipio has %d rows (report %d), want %d", got, rep.Municipalities, nMun)
	}

	wantMarks := map[string]string{
		ComexMonthly: "2025-09", ComexMunicipal: "2025-09", AntaqMonthly: "2025-09", CagedMonthly: "2025-09", IPCAMonthly: "2025-09",
		TenantMetrics: "2025-09", PIBMunicipal: "2023", SiconfiAnnual: "2024",
	}
	gotMarks := map[string]string{}
	for m, r := range rep.Marts {
		gotMarks[m] = r.Watermark
	}
	if d := cmp.Diff(wantMarks, gotMarks); d != "" {
		t.Errorf("watermarks (-want +got):\n%s", d)
	}
	// The data agree with the watermarks and start where documented.
	for _, mart := range []string{ComexMonthly, ComexMunicipal, AntaqMonthly, CagedMonthly, IPCAMonthly, TenantMetrics} {
		var lo, hi string
		if err := db.QueryRow("SELECT strftime(min(month), '%Y-%m'), strftime(max(month), '%Y-%m') FROM marts."+mart).Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		first := FirstMonth
		if mart == IPCAMonthly {
			first = IPCAFirstMonth
		}
		if lo != first || hi != rep.Marts[mart].Watermark {
			t.Errorf("%s spans %s..%s, want %s..%s", mart, lo, hi, first, rep.Marts[mart].Watermark)
		}
		// Every month of the span is present.
		months := queryInt(t, db, "SELECT count(DISTINCT month) FROM marts."+mart)
		if want := int64(monthsInDemo); mart != IPCAMonthly && months != want {
			t.Errorf("%s has %d distinct months, want %d", mart, months, want)
		}
		if bad := queryInt(t, db, "SELECT count(*) FROM marts."+mart+" WHERE year <> year(month) OR day(month) <> 1"); bad != 0 {
			t.Errorf("%s: %d rows whose year or day disagrees with month", mart, bad)
		}
	}
	for mart, span := range map[string][2]int{PIBMunicipal: {PIBFirstYear, PIBLastYear}, SiconfiAnnual: {SiconfiFirstYear, SiconfiLastYear}} {
		lo := queryInt(t, db, "SELECT min(year) FROM marts."+mart)
		hi := queryInt(t, db, "SELECT max(year) FROM marts."+mart)
		if lo != int64(span[0]) || fmt.Sprint(hi) != rep.Marts[mart].Watermark {
			t.Errorf("%s spans %d..%d, want %d..%s", mart, lo, hi, span[0], rep.Marts[mart].Watermark)
		}
	}
}

// catalogDim is one dimension of a catalog file.
type catalogDim struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Column  string   `json:"column"`
	Label   string   `json:"label"`
	Values  []string `json:"values"`
	Pattern string   `json:"pattern"`
}

// catalogFile is the part of a catalog file the tests read.
type catalogFile struct {
	ID       string            `json:"id"`
	Tables   map[string]string `json:"tables"`
	Dims     []catalogDim      `json:"dimensions"`
	Measures []struct {
		ID     string `json:"id"`
		Column string `json:"column"`
	} `json:"measures"`
}

// TestFillMatchesCatalog checks every value against the semantic catalog:
// enum values exactly as listed, codes matching their patterns, states,
// regions and municipalities known, and every measure column filled.
func TestFillMatchesCatalog(t *testing.T) {
	db, _ := defaultFill(t)
	files, err := filepath.Glob("../semantic/catalog/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog files: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c catalogFile
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.Contains(Marts, c.ID) {
			continue
		}
		seen[c.ID] = true
		table := c.Tables["duckdb"]
		t.Run(c.ID, func(t *testing.T) {
			for _, d := range c.Dims {
				col := `"` + d.Column + `"`
				var bad []string
				switch d.Type {
				case "enum":
					for _, v := range queryStrings(t, db, "SELECT DISTINCT "+col+" FROM "+table+" ORDER BY 1") {
						if !slices.Contains(d.Values, v) {
							bad = append(bad, v)
						}
					}
					if n := queryInt(t, db, "SELECT count(DISTINCT "+col+") FROM "+table); n != int64(len(d.Values)) {
						t.Errorf("%s: %d distinct values, the catalog lists %d", d.ID, n, len(d.Values))
					}
				case "code":
					bad = queryStrings(t, db, "SELECT DISTINCT "+col+" FROM "+table+" WHERE "+col+" IS NOT NULL AND NOT regexp_full_match("+col+", ?)", d.Pattern)
				case "uf":
					for _, v := range queryStrings(t, db, "SELECT DISTINCT "+col+" FROM "+table) {
						if _, ok := ufIndex[v]; !ok {
							bad = append(bad, v)
						}
					}
				case "region":
					bad = queryStrings(t, db, "SELECT DISTINCT "+col+" FROM "+table+" WHERE "+col+" NOT IN ('Norte', 'Nordeste', 'Sudeste', 'Sul', 'Centro-Oeste') OR "+col+" IS NULL")
				case "municipio":
					bad = queryStrings(t, db, "SELECT DISTINCT x."+col+" FROM "+table+" x LEFT JOIN core.dim_municipio d ON d.municipio = x."+col+" WHERE d.municipio IS NULL OR d.municipio_nome <> x."+d.Label+" OR d.uf <> x.uf")
				}
				if len(bad) > 0 {
					t.Errorf("%s (%s): values outside the catalog: %q", d.ID, d.Type, bad)
				}
			}
			for _, m := range c.Measures {
				if m.Column == "" {
					continue
				}
				if n := queryInt(t, db, `SELECT count(*) FROM `+table+` WHERE "`+m.Column+`" IS NULL`); n != 0 {
					t.Errorf("measure %s: %d NULLs", m.ID, n)
				}
			}
			// A region always belongs to its state.
			if slices.ContainsFunc(c.Dims, func(d catalogDim) bool { return d.Type == "region" }) {
				for _, r := range queryStrings(t, db, "SELECT DISTINCT uf || ':' || region FROM "+table) {
					uf, region, _ := strings.Cut(r, ":")
					if regionOf(uf) != region {
						t.Errorf("state %s in region %s", uf, region)
					}
				}
			}
		})
	}
	for _, m := range Marts {
		if !seen[m] {
			t.Errorf("no catalog file for %s", m)
		}
	}
}

func TestComexMagnitudes(t *testing.T) {
	db, _ := defaultFill(t)
	annual := func(flow string, year int) float64 {
		return queryFloat(t, db, "SELECT sum(vl_fob_usd) FROM marts.comex_monthly WHERE flow = ? AND year = ?", flow, year)
	}
	for y := 2019; y <= 2024; y++ {
		if v := annual("export", y); v < 280e9 || v > 340e9 {
			t.Errorf("exports %d: US$ %.1f bn, want 280-340", y, v/1e9)
		}
		if v := annual("import", y); v < 220e9 || v > 270e9 {
			t.Errorf("imports %d: US$ %.1f bn, want 220-270", y, v/1e9)
		}
	}
	// 2025 runs to September: three quarters of a year.
	if v := annual("export", 2025); v < 0.75*280e9*0.9 || v > 0.75*340e9*1.1 {
		t.Errorf("exports Jan-Sep 2025: US$ %.1f bn", v/1e9)
	}
	// Trade is seasonal: exports peak in the soy months, not in January.
	jan := queryFloat(t, db, "SELECT sum(vl_fob_usd) FROM marts.comex_monthly WHERE flow = 'export' AND month = DATE '2023-01-01'")
	may := queryFloat(t, db, "SELECT sum(vl_fob_usd) FROM marts.comex_monthly WHERE flow = 'export' AND month = DATE '2023-05-01'")
	if may < 1.15*jan {
		t.Errorf("exports May 2023 %.1f bn not clearly above January %.1f bn", may/1e9, jan/1e9)
	}
	// The large exporting states carry plausible shares.
	shares := map[string]float64{}
	rows, err := db.Query(`SELECT uf, sum(vl_fob_usd) / sum(sum(vl_fob_usd)) OVER () FROM marts.comex_monthly
		WHERE flow = 'export' AND year = 2023 GROUP BY uf`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var uf string
		var s float64
		if err := rows.Scan(&uf, &s); err != nil {
			t.Fatal(err)
		}
		shares[uf] = s
	}
	rows.Close()
	for _, uf := range []string{"SP", "MG", "RJ", "PR", "RS", "MT", "PA"} {
		if shares[uf] < 0.04 || shares[uf] > 0.30 {
			t.Errorf("%s has %.1f%% of 2023 exports, want 4-30%%", uf, 100*shares[uf])
		}
	}
	// Partners: China first, the United States among the top three.
	top := queryStrings(t, db, `SELECT country FROM marts.comex_monthly WHERE flow = 'export' AND year = 2023
		GROUP BY country ORDER BY sum(vl_fob_usd) DESC LIMIT 3`)
	if len(top) != 3 || top[0] != "160" || !slices.Contains(top, "249") {
		t.Errorf("top export partners %v, want China (160) first and the United States (249) among them", top)
	}
	// Prices per kg are those of the goods: soy about US$ 0.3-0.8/kg, iron ore
	// about 0.05-0.2.
	for ncm, band := range map[string][2]float64{"12019000": {0.3, 0.8}, "26011100": {0.05, 0.2}, "09011110": {2, 7}} {
		p := queryFloat(t, db, "SELECT sum(vl_fob_usd) / sum(kg_liquido) FROM marts.comex_monthly WHERE ncm = ? AND flow = 'export'", ncm)
		if p < band[0] || p > band[1] {
			t.Errorf("NCM %s: US$ %.3f/kg, want %.2f-%.2f", ncm, p, band[0], band[1])
		}
	}
	// Codes nest: SH4 and SH2 are the NCM's prefixes, with names.
	if bad := queryInt(t, db, `SELECT count(*) FROM marts.comex_monthly WHERE sh4 <> left(ncm, 4) OR sh2 <> left(ncm, 2)
		OR coalesce(ncm_name, '') = '' OR coalesce(sh4_name, '') = '' OR coalesce(sh2_name, '') = '' OR coalesce(country_name, '') = ''
		OR vl_fob_usd < 1 OR kg_liquido < 1`); bad != 0 {
		t.Errorf("%d comex rows with inconsistent codes, missing names or non-positive measures", bad)
	}
	// At the default size every row is its own month, flow, state, NCM and
	// partner.
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT month, flow, uf, ncm, country FROM marts.comex_monthly GROUP BY ALL HAVING count(*) > 1)"); n != 0 {
		t.Errorf("%d comex keys appear more than once", n)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT ncm) FROM marts.comex_monthly"); n < 30 {
		t.Errorf("%d NCM codes, want a few dozen", n)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT country) FROM marts.comex_monthly"); n < 15 {
		t.Errorf("%d partner countries, want at least 15", n)
	}
}

func TestAntaqMagnitudes(t *testing.T) {
	db, _ := defaultFill(t)
	total := queryFloat(t, db, "SELECT sum(tonnes) FROM marts.antaq_monthly WHERE year = 2023")
	if total < 600e6 || total > 1400e6 {
		t.Errorf("2023 cargo %.0f Mt, want 600-1,400", total/1e6)
	}
	santos := queryFloat(t, db, "SELECT sum(tonnes) FROM marts.antaq_monthly WHERE year = 2023 AND port = 'Santos' AND uf = 'SP'")
	if santos < 140e6 || santos > 200e6 {
		t.Errorf("Santos 2023: %.0f Mt, want 140-200", santos/1e6)
	}
	teu := queryFloat(t, db, "SELECT sum(teu) FROM marts.antaq_monthly WHERE year = 2023 AND port = 'Santos'")
	if teu < 4e6 || teu > 6e6 {
		t.Errorf("Santos 2023: %.0f TEU, want 4-6 million", teu)
	}
	for _, p := range []string{"Santos", "Paranaguá", "Rio Grande", "Itaguaí", "Suape", "Itaqui", "Vila do Conde", "Manaus"} {
		if n := queryInt(t, db, "SELECT count(*) FROM marts.antaq_monthly WHERE port = ?", p); n == 0 {
			t.Errorf("no rows for port %s", p)
		}
	}
	if bad := queryInt(t, db, `SELECT count(*) FROM marts.antaq_monthly
		WHERE (cargo_nature <> 'conteiner' AND teu <> 0) OR (cargo_nature = 'conteiner' AND teu <= 0)
		OR tonnes <= 0 OR berthings < 1 OR tonnes / berthings > 200000`); bad != 0 {
		t.Errorf("%d antaq rows with TEU outside containers or implausible calls", bad)
	}
	// Average load of a TEU between 8 and 15 tonnes.
	perTEU := queryFloat(t, db, "SELECT sum(tonnes) / sum(teu) FROM marts.antaq_monthly WHERE cargo_nature = 'conteiner'")
	if perTEU < 8 || perTEU > 15 {
		t.Errorf("%.1f t per TEU", perTEU)
	}
}

func TestCagedConsistency(t *testing.T) {
	db, _ := defaultFill(t)
	if bad := queryInt(t, db, "SELECT count(*) FROM marts.caged_monthly WHERE net <> admissions - separations OR admissions < 0 OR separations < 0"); bad != 0 {
		t.Errorf("%d rows where net <> admissions - separations or a count is negative", bad)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT cnae_section) FROM marts.caged_monthly"); n != 21 {
		t.Errorf("%d CNAE sections, want 21 (A-U)", n)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT municipio) FROM marts.caged_monthly WHERE municipio IN (SELECT municipio FROM core.dim_municipio WHERE capital)"); n != 27 {
		t.Errorf("%d capitals in CAGED, want 27", n)
	}
	names := queryStrings(t, db, "SELECT DISTINCT cnae_section || ' ' || cnae_section_name FROM marts.caged_monthly WHERE cnae_section IN ('C', 'G') ORDER BY 1")
	if d := cmp.Diff([]string{"C Indústrias de transformação", "G Comércio; reparação de veículos automotores e motocicletas"}, names); d != "" {
		t.Errorf("section names (-want +got):\n%s", d)
	}
	sp := queryInt(t, db, "SELECT sum(admissions) FROM marts.caged_monthly WHERE municipio = '3550308' AND year = 2023")
	if sp < 1_000_000 || sp > 3_500_000 {
		t.Errorf("São Paulo admitted %d in 2023, want 1-3.5 million", sp)
	}
	// The pandemic shows: April 2020 loses jobs, and so does every December.
	if n := queryInt(t, db, "SELECT sum(net) FROM marts.caged_monthly WHERE month = DATE '2020-04-01'"); n >= 0 {
		t.Errorf("April 2020 net %d, want negative", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT year, sum(net) s FROM marts.caged_monthly WHERE month(month) = 12 GROUP BY year) WHERE s >= 0"); n != 0 {
		t.Errorf("%d Decembers with positive net", n)
	}
	if n := queryInt(t, db, "SELECT sum(net) FROM marts.caged_monthly WHERE year = 2022"); n <= 0 {
		t.Errorf("2022 net %d, want positive", n)
	}
}

func TestPIBAndSiconfi(t *testing.T) {
	db, _ := defaultFill(t)
	if bad := queryInt(t, db, `SELECT count(*) FROM marts.pib_municipal
		WHERE abs(pib_per_capita_brl - pib_brl / population) > 1e-9 * pib_per_capita_brl OR population <= 0 OR pib_brl <= 0`); bad != 0 {
		t.Errorf("%d rows where pib_per_capita_brl <> pib_brl / population", bad)
	}
	pib := queryFloat(t, db, "SELECT pib_brl FROM marts.pib_municipal WHERE municipio = '3550308' AND year = 2021")
	if pib < 600e9 || pib > 1100e9 {
		t.Errorf("São Paulo 2021 GDP R$ %.0f bn, want 600-1,100", pib/1e9)
	}
	pop := queryInt(t, db, "SELECT population FROM marts.pib_municipal WHERE municipio = '3550308' AND year = 2022")
	if pop < 11_000_000 || pop > 12_000_000 {
		t.Errorf("São Paulo 2022 population %d", pop)
	}
	// Nominal GDP grows: 2023 is more than twice 2010 for the capitals together.
	ratio := queryFloat(t, db, `SELECT sum(pib_brl) FILTER (WHERE year = 2023) / sum(pib_brl) FILTER (WHERE year = 2010) FROM marts.pib_municipal`)
	if ratio < 2 || ratio > 4 {
		t.Errorf("GDP 2023/2010 = %.2f", ratio)
	}
	// Brasília is among the richest capitals per head.
	if pc := queryFloat(t, db, "SELECT pib_per_capita_brl FROM marts.pib_municipal WHERE municipio = '5300108' AND year = 2021"); pc < 70_000 || pc > 130_000 {
		t.Errorf("Brasília 2021 GDP per capita R$ %.0f", pc)
	}

	accounts := queryStrings(t, db, "SELECT DISTINCT account FROM marts.siconfi_annual ORDER BY 1")
	want := slices.Clone(siconfiAccounts)
	slices.Sort(want)
	if d := cmp.Diff(want, accounts); d != "" {
		t.Errorf("accounts (-want +got):\n%s", d)
	}
	if len(siconfiColumns) != len(siconfiAccounts) {
		t.Fatalf("%d columns for %d accounts", len(siconfiColumns), len(siconfiAccounts))
	}
	// One figure per account and column, each account in one column.
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT municipio, year, account FROM marts.siconfi_annual GROUP BY ALL HAVING count(*) <> 1 OR count(coluna) <> 1)"); n != 0 {
		t.Errorf("%d municipality-year-accounts without exactly one row with a column", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT municipio, year FROM marts.siconfi_annual GROUP BY ALL HAVING count(*) <> ?)", len(siconfiAccounts)); n != 0 {
		t.Errorf("%d municipality-years without every account", n)
	}
	rc := queryFloat(t, db, "SELECT value_brl FROM marts.siconfi_annual WHERE municipio = '3550308' AND year = 2019 AND account = 'Receitas Correntes'")
	if rc < 40e9 || rc > 80e9 {
		t.Errorf("São Paulo 2019 current revenue R$ %.1f bn, want 40-80", rc/1e9)
	}
	if bad := queryInt(t, db, `SELECT count(*) FROM (
		SELECT municipio, year,
		  sum(value_brl) FILTER (WHERE account = 'Receitas Correntes') rc,
		  sum(value_brl) FILTER (WHERE account IN ('Impostos, Taxas e Contribuições de Melhoria', 'Transferências Correntes')) parts,
		  sum(value_brl) FILTER (WHERE account = 'Pessoal e Encargos Sociais') staff
		FROM marts.siconfi_annual GROUP BY ALL) WHERE parts >= rc OR staff >= rc OR rc <= 0`); bad != 0 {
		t.Errorf("%d municipality-years whose parts exceed current revenue", bad)
	}
}

func TestIPCAConsistency(t *testing.T) {
	db, _ := defaultFill(t)
	// The 12-month and monthly changes recomputed from the index.
	if bad := queryInt(t, db, `SELECT count(*) FROM marts.ipca_monthly a JOIN marts.ipca_monthly b ON b.month = a.month - INTERVAL 12 MONTH
		WHERE abs(a.yoy_pct - (a."index" / b."index" - 1) * 100) > 1e-9`); bad != 0 {
		t.Errorf("%d months whose yoy_pct disagrees with the index 12 months before", bad)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM marts.ipca_monthly a JOIN marts.ipca_monthly b ON b.month = a.month - INTERVAL 12 MONTH`); n != monthsInIPCA-12 {
		t.Errorf("only %d months have a predecessor 12 months before", n)
	}
	if bad := queryInt(t, db, `SELECT count(*) FROM marts.ipca_monthly a JOIN marts.ipca_monthly b ON b.month = a.month - INTERVAL 1 MONTH
		WHERE abs(a.mom_pct - (a."index" / b."index" - 1) * 100) > 1e-9`); bad != 0 {
		t.Errorf("%d months whose mom_pct disagrees with the index a month before", bad)
	}
	// Compounding the monthly changes of a year gives its 12-month change.
	if bad := queryInt(t, db, `SELECT count(*) FROM (
		SELECT year, (exp(sum(ln(1 + mom_pct / 100))) - 1) * 100 acc, max_by(yoy_pct, month) yoy
		FROM marts.ipca_monthly WHERE year < 2025 GROUP BY year) WHERE abs(acc - yoy) > 1e-6`); bad != 0 {
		t.Errorf("%d years whose compounded monthly changes miss the December 12-month change", bad)
	}
	lo := queryFloat(t, db, `SELECT min("index") FROM marts.ipca_monthly WHERE year >= 2019`)
	hi := queryFloat(t, db, `SELECT max("index") FROM marts.ipca_monthly WHERE year >= 2019`)
	if lo < 5000 || hi > 7500 {
		t.Errorf("index 2019-2025 spans %.2f-%.2f, want within 5,000-7,500", lo, hi)
	}
	// December changes are the published annual ones.
	for year, pct := range map[int]float64{2019: 4.31, 2021: 10.06, 2022: 5.79, 2024: 4.83} {
		got := queryFloat(t, db, "SELECT yoy_pct FROM marts.ipca_monthly WHERE month = make_date(?, 12, 1)", year)
		if math.Abs(got-pct) > 0.01 {
			t.Errorf("IPCA %d: %.3f%%, published %.2f%%", year, got, pct)
		}
	}
	if dec := queryFloat(t, db, `SELECT "index" FROM marts.ipca_monthly WHERE month = DATE '2019-12-01'`); math.Abs(dec-5320.25) > 0.5 {
		t.Errorf("index Dec 2019 %.2f, published 5320.25", dec)
	}
}

func TestTenantsDisjoint(t *testing.T) {
	db, rep := defaultFill(t)
	byKey := map[string][]string{}
	for _, tr := range rep.Tenants {
		if tr.Rows == 0 || len(tr.Metrics) == 0 {
			t.Errorf("%s got %d rows, metrics %v", tr.Slug, tr.Rows, tr.Metrics)
		}
		byKey[tr.OrgID] = tr.Metrics
	}
	// Metric names differ between orgs, and the examples of the brief exist.
	owner := map[string]string{}
	for _, tr := range rep.Tenants {
		for _, m := range tr.Metrics {
			if o, ok := owner[m]; ok {
				t.Errorf("metric %s belongs to both %s and %s", m, o, tr.Slug)
			}
			owner[m] = tr.Slug
		}
	}
	for m, slug := range map[string]string{"movimentacao_conteineres_teu": "porto-sul", "tempo_medio_atracacao_h": "porto-sul",
		"area_plantada_ha": "agro-nordeste", "producao_soja_t": "agro-nordeste", "credito_concedido_brl": "banco-regional", "inadimplencia_pct": "banco-regional"} {
		if owner[m] != slug {
			t.Errorf("metric %s belongs to %q, want %s", m, owner[m], slug)
		}
	}
	// The shared table holds the row-mode orgs only, each under its own key
	// and with its own metrics.
	keys := queryStrings(t, db, "SELECT DISTINCT tenant_key FROM marts.tenant_metrics ORDER BY 1")
	want := []string{demoTenants[0].OrgID, demoTenants[1].OrgID}
	slices.Sort(want)
	if d := cmp.Diff(want, keys); d != "" {
		t.Errorf("tenant keys in marts.tenant_metrics (-want +got):\n%s", d)
	}
	for _, tr := range rep.Tenants {
		var table, where string
		var args []any
		if tr.Table == "marts.tenant_metrics" {
			table, where, args = "marts.tenant_metrics", " WHERE tenant_key = ?", []any{tr.OrgID}
		} else {
			table = tr.Table
		}
		got := queryStrings(t, db, "SELECT DISTINCT metric FROM "+table+where+" ORDER BY 1", args...)
		wantM := slices.Clone(byKey[tr.OrgID])
		slices.Sort(wantM)
		if d := cmp.Diff(wantM, got); d != "" {
			t.Errorf("%s metrics in %s (-want +got):\n%s", tr.Slug, table, d)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM "+table+where, args...); n != tr.Rows {
			t.Errorf("%s: %d rows in %s, report says %d", tr.Slug, n, table, tr.Rows)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM "+table+" x LEFT JOIN core.dim_municipio d USING (municipio) WHERE d.municipio IS NULL OR d.uf <> x.uf"); n != 0 {
			t.Errorf("%s: %d rows with unknown municipalities", tr.Slug, n)
		}
	}
	if rep.Tenants[2].Table != "tenant_banco_regional.tenant_metrics" {
		t.Errorf("dataset-mode rows went to %s", rep.Tenants[2].Table)
	}
	// No metric of the dataset-mode org leaks into the shared table.
	for _, m := range byKey[demoTenants[2].OrgID] {
		if n := queryInt(t, db, "SELECT count(*) FROM marts.tenant_metrics WHERE metric = ?", m); n != 0 {
			t.Errorf("metric %s of banco-regional found in the shared table", m)
		}
	}
	// Percentages stay percentages.
	if bad := queryInt(t, db, "SELECT count(*) FROM tenant_banco_regional.tenant_metrics WHERE metric = 'inadimplencia_pct' AND (value < 0 OR value > 100)"); bad != 0 {
		t.Errorf("%d default rates outside 0-100", bad)
	}
}

// checksums returns a digest of each table: its row count and the sum of
// its rows' hashes.
func checksums(t *testing.T, db *sql.DB, tables []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range tables {
		var sum string
		var n int64
		err := db.QueryRow(`SELECT count(*), coalesce(CAST(sum(CAST(hash(x) AS HUGEINT)) AS VARCHAR), '') FROM `+table+` x`).Scan(&n, &sum)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = fmt.Sprintf("%d:%s", n, sum)
	}
	return out
}

func TestFillDeterministicAndIdempotent(t *testing.T) {
	ctx := context.Background()
	tables := []string{"core.dim_municipio", "tenant_banco_regional.tenant_metrics"}
	for _, m := range Marts {
		tables = append(tables, "marts."+m)
	}
	p := Params{Seed: 7, ComexRows: 40_000, Tenants: demoTenants}

	a, b := openWarehouse(t), openWarehouse(t)
	repA, err := Fill(ctx, a, p)
	if err != nil {
		t.Fatal(err)
	}
	repB, err := Fill(ctx, b, p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(repA, repB); d != "" {
		t.Errorf("reports differ (-a +b):\n%s", d)
	}
	sumA, sumB := checksums(t, a, tables), checksums(t, b, tables)
	if d := cmp.Diff(sumA, sumB); d != "" {
		t.Errorf("same params, different tables (-a +b):\n%s", d)
	}

	// Filling again replaces, it does not add.
	repA2, err := Fill(ctx, a, p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(repA, repA2); d != "" {
		t.Errorf("second fill reports differently (-first +second):\n%s", d)
	}
	if d := cmp.Diff(sumA, checksums(t, a, tables)); d != "" {
		t.Errorf("second fill changed the tables (-first +second):\n%s", d)
	}

	// Another seed gives other numbers (so the checksums can tell).
	c := openWarehouse(t)
	if _, err := Fill(ctx, c, Params{Seed: 8, ComexRows: 40_000, Tenants: demoTenants}); err != nil {
		t.Fatal(err)
	}
	sumC := checksums(t, c, tables)
	for _, table := range tables {
		if table == "core.dim_municipio" {
			continue
		}
		if sumC[table] == sumA[table] {
			t.Errorf("%s is the same under seeds 7 and 8", table)
		}
	}
}

func TestFillKeepsOtherTenantsRows(t *testing.T) {
	ctx := context.Background()
	db := openWarehouse(t)
	// An org that is not being filled has uploaded rows of its own.
	if _, err := db.Exec(`INSERT INTO marts.tenant_metrics (tenant_key, month, year, metric, value)
		VALUES ('other-org', DATE '2024-01-01', 2024, 'vendas', 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Fill(ctx, db, Params{Seed: 1, ComexRows: 1000, Tenants: demoTenants[:1]}); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM marts.tenant_metrics WHERE tenant_key = 'other-org'"); n != 1 {
		t.Errorf("the other org has %d rows after the fill, want its 1", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM marts.tenant_metrics WHERE tenant_key = ? AND metric = 'vendas'", demoTenants[0].OrgID); n != 0 {
		t.Errorf("the other org's metric appears under porto-sul")
	}
}

// TestFillUnknownSlug also lets the warehouse create the dataset-mode
// schema (Params.Schemas).
func TestFillUnknownSlug(t *testing.T) {
	ctx := context.Background()
	w, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	db := w.SQL()
	tenants := []Tenant{
		{OrgID: "org-1", Slug: "acme-logistica", Isolation: IsolationRow},
		{OrgID: "org-2", Slug: "beta-varejo", Isolation: IsolationDataset, Dataset: "tenant_beta"},
	}
	rep, err := Fill(ctx, db, Params{Seed: 3, ComexRows: 1000, Tenants: tenants, Schemas: w})
	if err != nil {
		t.Fatal(err)
	}
	for i, tr := range rep.Tenants {
		prefix := strings.ReplaceAll(tenants[i].Slug, "-", "_") + "_"
		if len(tr.Metrics) == 0 || tr.Rows == 0 {
			t.Errorf("%s: no data", tr.Slug)
		}
		for _, m := range tr.Metrics {
			if !strings.HasPrefix(m, prefix) {
				t.Errorf("%s: metric %s does not carry the slug", tr.Slug, m)
			}
		}
	}
	if n := queryInt(t, db, "SELECT count(*) FROM tenant_beta.tenant_metrics"); n != rep.Tenants[1].Rows {
		t.Errorf("tenant_beta.tenant_metrics has %d rows, report %d", n, rep.Tenants[1].Rows)
	}
}

func TestFillRefusesUnsafeParams(t *testing.T) {
	row := func(id, slug string) Tenant { return Tenant{OrgID: id, Slug: slug, Isolation: IsolationRow} }
	ds := func(id, slug, dataset string) Tenant {
		return Tenant{OrgID: id, Slug: slug, Isolation: IsolationDataset, Dataset: dataset}
	}
	cases := []struct {
		name string
		p    Params
	}{
		{"negative comex rows", Params{ComexRows: -1}},
		{"no org id", Params{Tenants: []Tenant{row("", "a")}}},
		{"no slug", Params{Tenants: []Tenant{row("1", "")}}},
		{"same org twice", Params{Tenants: []Tenant{row("1", "a"), row("1", "b")}}},
		{"same slug twice", Params{Tenants: []Tenant{row("1", "a"), row("2", "a")}}},
		{"unknown isolation", Params{Tenants: []Tenant{{OrgID: "1", Slug: "a", Isolation: "schema"}}}},
		{"row mode with a dataset", Params{Tenants: []Tenant{{OrgID: "1", Slug: "a", Isolation: IsolationRow, Dataset: "x"}}}},
		{"dataset into the marts", Params{Tenants: []Tenant{ds("1", "a", "marts")}}},
		{"dataset into core", Params{Tenants: []Tenant{ds("1", "a", "core")}}},
		{"dataset without the tenant_ prefix", Params{Tenants: []Tenant{ds("1", "a", "acme_data")}}},
		{"dataset not an identifier", Params{Tenants: []Tenant{ds("1", "a", "x; DROP TABLE marts.comex_monthly")}}},
		{"empty dataset", Params{Tenants: []Tenant{ds("1", "a", "")}}},
		{"shared dataset", Params{Tenants: []Tenant{ds("1", "a", "tenant_x"), ds("2", "b", "tenant_x")}}},
	}
	db := openWarehouse(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fill(context.Background(), db, tc.p)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
				t.Fatalf("Fill = %v, want an invalid-input error", err)
			}
		})
	}
	// Nothing was written.
	empty, err := Empty(context.Background(), db)
	if err != nil || !empty {
		t.Errorf("Empty = %v, %v after refused fills, want true", empty, err)
	}
}

func TestEmpty(t *testing.T) {
	db := openWarehouse(t)
	if empty, err := Empty(context.Background(), db); err != nil || !empty {
		t.Fatalf("fresh warehouse: Empty = %v, %v", empty, err)
	}
	if _, err := db.Exec(`INSERT INTO marts.ipca_monthly VALUES (DATE '2024-01-01', 2024, 7000, 0.4, 4.5)`); err != nil {
		t.Fatal(err)
	}
	if empty, err := Empty(context.Background(), db); err != nil || empty {
		t.Fatalf("after one row: Empty = %v, %v", empty, err)
	}
}

func TestFillStopsOnCancel(t *testing.T) {
	db := openWarehouse(t)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	comexProgress = func(int64) {
		calls++
		cancel()
	}
	t.Cleanup(func() { comexProgress = nil })
	_, err := Fill(ctx, db, Params{Seed: 1, ComexRows: 500_000})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fill = %v, want context.Canceled", err)
	}
	if calls == 0 {
		t.Fatal("the progress hook never ran")
	}
	// The comex transaction rolled back: readers see no half-filled mart.
	if n := queryInt(t, db, "SELECT count(*) FROM marts.comex_monthly"); n != 0 {
		t.Errorf("%d comex rows survived the cancelled fill", n)
	}
}
