package semantic_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/warehouse"
)

// fixture is a small warehouse whose expected answers the tests compute in
// Go from the same rows, a second path that does not go through the compiler.
type fixture struct {
	db    *duckdb.DB
	comex []comexRow
	ipca  map[string]float64 // month -> index
	pib   []pibRow
	caged []cagedRow
	sicon []siconRow
	antaq []antaqRow
}

type antaqRow struct {
	month, port, uf, nav, nature, dir string
	tonnes, teu                       float64
	berthings                         int64
}

type comexRow struct {
	month, flow, uf, ncm, country string
	fob, kg                       float64
}

type pibRow struct {
	year          int
	municipio, uf string
	region        string
	pib           float64
	population    int64
}

type cagedRow struct {
	month, municipio, uf, section string
	adm, sep                      int64
}

type siconRow struct {
	year          int
	municipio, uf string
	account       string
	value         float64
}

var ufs = []string{"SP", "RS", "BA"}

func regionOf(uf string) string {
	return map[string]string{"SP": "Sudeste", "RS": "Sul", "BA": "Nordeste"}[uf]
}

func capitalOf(uf string) string {
	return map[string]string{"SP": "3550308", "RS": "4314902", "BA": "2927408"}[uf]
}

func months(from, to string) []string {
	var out []string
	y, m := 0, 0
	fmt.Sscanf(from, "%d-%d", &y, &m)
	for {
		s := fmt.Sprintf("%04d-%02d", y, m)
		if s > to {
			return out
		}
		out = append(out, s)
		m++
		if m == 13 {
			y, m = y+1, 1
		}
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, ipca: map[string]float64{}}
	ncms := []string{"12019000", "12011000", "26011100", "87032310", "02023000"}
	countries := []string{"160", "249", "063"}
	for i, mo := range months("2021-01", "2024-06") {
		for j, uf := range ufs {
			for k, ncm := range ncms {
				for l, c := range countries {
					for fi, flow := range []string{"export", "import"} {
						// Deterministic, varied, and with gaps: some cells stay empty.
						if (i+j+k+l+fi)%7 == 0 {
							continue
						}
						fob := float64(1000*(j+1)*(k+2)+37*i+11*l+fi*500) + float64(i%5)*123.5
						f.comex = append(f.comex, comexRow{mo, flow, uf, ncm, c, fob, fob * 2.5})
					}
				}
			}
		}
	}
	idx := 5000.0
	for i, mo := range months("2019-01", "2024-12") {
		mom := 0.2 + float64(i%9)*0.1
		idx *= 1 + mom/100
		f.ipca[mo] = idx
	}
	for y := 2019; y <= 2022; y++ {
		for j, uf := range ufs {
			f.pib = append(f.pib, pibRow{y, capitalOf(uf), uf, regionOf(uf), float64(1e9 * (j + 2) * (y - 2017)), int64(1_000_000*(j+1) + 1000*(y-2019))})
		}
	}
	sections := []string{"A", "C", "G"}
	for i, mo := range months("2022-01", "2024-06") {
		for j, uf := range ufs {
			for k, s := range sections {
				f.caged = append(f.caged, cagedRow{mo, capitalOf(uf), uf, s, int64(100*(j+1) + 10*k + i), int64(90*(j+1) + 7*k + i%4)})
			}
		}
	}
	for y := 2019; y <= 2023; y++ {
		for j, uf := range ufs {
			for k, acc := range []string{"Dívida Consolidada", "Receita Corrente Líquida"} {
				f.sicon = append(f.sicon, siconRow{y, capitalOf(uf), uf, acc, float64(1e6*(j+1)*(k+1)) + float64(y)})
			}
		}
	}
	ports := []struct{ port, uf string }{{"Santos", "SP"}, {"Rio Grande", "RS"}, {"Salvador", "BA"}}
	for i, mo := range months("2023-01", "2024-06") {
		for j, p := range ports {
			for k, nav := range []string{"longo_curso", "cabotagem"} {
				for l, dir := range []string{"embarque", "desembarque"} {
					f.antaq = append(f.antaq, antaqRow{mo, p.port, p.uf, nav, []string{"granel_solido", "conteiner"}[(i+l)%2], dir,
						float64(100000*(j+1) + 1000*k + 10*i + l), float64(500*(j+1) + i), int64(10*(j+1) + k + l)})
				}
			}
		}
	}
	f.load(t)
	return f
}

func (f *fixture) load(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	db := f.db.SQL()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, r := range f.comex {
		exec(`insert into marts.comex_monthly values (cast(? || '-01' as date), cast(substr(?, 1, 4) as integer), ?, ?, ?, ?, 'ncm '||?, substr(?, 1, 4), 'sh4', substr(?, 1, 2), 'sh2', ?, 'pais '||?, ?, ?)`,
			r.month, r.month, r.flow, r.uf, regionOf(r.uf), r.ncm, r.ncm, r.ncm, r.ncm, r.country, r.country, r.fob, r.kg)
	}
	prev := map[string]float64{}
	for _, mo := range months("2019-01", "2024-12") {
		var yoy any
		var y, m int
		fmt.Sscanf(mo, "%d-%d", &y, &m)
		if p, ok := f.ipca[fmt.Sprintf("%04d-%02d", y-1, m)]; ok {
			yoy = (f.ipca[mo]/p - 1) * 100
		}
		last := prev["last"]
		var mom any
		if last != 0 {
			mom = (f.ipca[mo]/last - 1) * 100
		}
		prev["last"] = f.ipca[mo]
		exec(`insert into marts.ipca_monthly values (cast(? || '-01' as date), ?, ?, ?, ?)`, mo, y, f.ipca[mo], mom, yoy)
	}
	for _, r := range f.pib {
		exec(`insert into marts.pib_municipal values (?, ?, 'cap', null, null, ?, ?, ?, ?, ?)`, r.year, r.municipio, r.uf, r.region, r.pib, r.population, r.pib/float64(r.population))
	}
	for _, r := range f.caged {
		exec(`insert into marts.caged_monthly values (cast(? || '-01' as date), cast(substr(?, 1, 4) as integer), ?, 'cap', null, null, ?, ?, ?, 'sec', ?, ?, ?)`,
			r.month, r.month, r.municipio, r.uf, regionOf(r.uf), r.section, r.adm, r.sep, r.adm-r.sep)
	}
	for _, r := range f.antaq {
		exec(`insert into marts.antaq_monthly values (cast(? || '-01' as date), cast(substr(?, 1, 4) as integer), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.month, r.month, r.port, r.uf, regionOf(r.uf), r.nav, r.nature, r.dir, r.tonnes, r.teu, r.berthings)
	}
	for _, r := range f.sicon {
		exec(`insert into marts.siconfi_annual (year, municipio, municipio_nome, uf, region, account, coluna, value_brl)
			values (?, ?, 'cap', ?, ?, ?, 'Até o 3º Quadrimestre', ?)`, r.year, r.municipio, r.uf, regionOf(r.uf), r.account, r.value)
	}
}

var allPublic = semantic.Access{Entitled: map[string]bool{"comex_monthly": true, "comex_municipal_monthly": true, "antaq_monthly": true, "caged_monthly": true, "pib_municipal": true, "ipca_monthly": true, "siconfi_annual": true}}

// run validates, compiles for DuckDB and runs a spec, returning rows keyed by
// the result's column names.
func (f *fixture) run(t *testing.T, spec string, scope semantic.TenantScope) []map[string]any {
	t.Helper()
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s, err := semantic.ParseSpec([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	q, err := cat.Validate(s, allPublic)
	if err != nil {
		t.Fatal(err)
	}
	c, err := q.Compile(semantic.DuckDB, scope)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.db.Run(context.Background(), c, warehouse.RunParams{})
	if err != nil {
		t.Fatalf("%v\n%s", err, c.SQL)
	}
	var out []map[string]any
	for _, r := range res.Rows {
		m := map[string]any{}
		for i, col := range res.Columns {
			m[col.Name] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func near(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b))
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return math.NaN()
}

func TestComexUFByMonth(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"comex_monthly","measures":["vl_fob_usd","kg_liquido"],"dimensions":["uf","month"],
		"filters":[{"field":"flow","op":"eq","value":"export"},{"field":"uf","op":"in","value":["SP","RS"]}],
		"time":{"from":"2023-01","to":"2023-12","grain":"month"},"order":[{"field":"vl_fob_usd","dir":"desc"}],"limit":100}`, semantic.TenantScope{})
	want := map[string]float64{}
	wantKg := map[string]float64{}
	for _, r := range f.comex {
		if r.flow == "export" && (r.uf == "SP" || r.uf == "RS") && r.month >= "2023-01" && r.month <= "2023-12" {
			want[r.uf+" "+r.month] += r.fob
			wantKg[r.uf+" "+r.month] += r.kg
		}
	}
	if len(rows) != len(want) || len(rows) != 24 {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	prev := math.Inf(1)
	for _, r := range rows {
		k := r["uf"].(string) + " " + r["month"].(string)
		if !near(num(r["vl_fob_usd"]), want[k]) || !near(num(r["kg_liquido"]), wantKg[k]) {
			t.Errorf("%s: %v, want %v", k, r["vl_fob_usd"], want[k])
		}
		if num(r["vl_fob_usd"]) > prev {
			t.Errorf("not ordered by vl_fob_usd desc")
		}
		prev = num(r["vl_fob_usd"])
	}
}

func TestComexTopSH4AndFilters(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["sh4"],
		"filters":[{"field":"country","op":"not_in","value":["063"]},{"field":"ncm","op":"prefix","value":"12"},{"field":"flow","op":"in","value":["import"]}],
		"time":{"from":"2022-07","to":"2023-06"},"order":[{"field":"vl_fob_usd","dir":"desc"}],"limit":1}`, semantic.TenantScope{})
	sums := map[string]float64{}
	for _, r := range f.comex {
		if r.flow == "import" && r.country != "063" && strings.HasPrefix(r.ncm, "12") && r.month >= "2022-07" && r.month <= "2023-06" {
			sums[r.ncm[:4]] += r.fob
		}
	}
	best, bestV := "", 0.0
	for k, v := range sums {
		if v > bestV {
			best, bestV = k, v
		}
	}
	if len(rows) != 1 || rows[0]["sh4"] != best || !near(num(rows[0]["vl_fob_usd"]), bestV) || rows[0]["sh4_name"] != "sh4" {
		t.Fatalf("top sh4 = %v, want %s %v", rows, best, bestV)
	}
}

func TestDerivedMeasures(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"comex_monthly","measures":["vl_fob_usd","vl_fob_usd.share","vl_fob_usd.yoy_pct","vl_fob_usd.yoy_diff","vl_fob_usd.rolling_12m"],
		"dimensions":["uf","month"],"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2023-01","to":"2023-12"},"limit":1000}`, semantic.TenantScope{})
	by := map[string]float64{} // uf month -> fob, over all months
	total := map[string]float64{}
	for _, r := range f.comex {
		if r.flow == "export" {
			by[r.uf+" "+r.month] += r.fob
			total[r.month] += r.fob
		}
	}
	if len(rows) != 36 {
		t.Fatalf("%d rows, want 36 (3 UFs x 12 months: the look-back year is not returned)", len(rows))
	}
	for _, r := range rows {
		uf, mo := r["uf"].(string), r["month"].(string)
		v := by[uf+" "+mo]
		var y, m int
		fmt.Sscanf(mo, "%d-%d", &y, &m)
		prev := by[fmt.Sprintf("%s %04d-%02d", uf, y-1, m)]
		roll := 0.0
		start := (y*12 + m - 1) - 11 // the 12 months ending at mo
		for _, mm := range months(fmt.Sprintf("%04d-%02d", start/12, start%12+1), mo) {
			roll += by[uf+" "+mm]
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"value", num(r["vl_fob_usd"]), v},
			{"share", num(r["vl_fob_usd.share"]), v / total[mo]},
			{"yoy_pct", num(r["vl_fob_usd.yoy_pct"]), (v - prev) / prev * 100},
			{"yoy_diff", num(r["vl_fob_usd.yoy_diff"]), v - prev},
			{"rolling_12m", num(r["vl_fob_usd.rolling_12m"]), roll},
		}
		for _, c := range checks {
			if !near(c.got, c.want) {
				t.Errorf("%s %s %s = %v, want %v", uf, mo, c.name, c.got, c.want)
			}
		}
	}
}

func TestQuarterAndYearGrains(t *testing.T) {
	f := newFixture(t)
	q := f.run(t, `{"dataset":"comex_monthly","measures":["vl_fob_usd","vl_fob_usd.yoy_pct"],"time":{"from":"2023-01","to":"2023-12","grain":"quarter"},"filters":[{"field":"uf","op":"eq","value":"BA"},{"field":"flow","op":"eq","value":"export"}]}`, semantic.TenantScope{})
	y := f.run(t, `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["year"],"time":{"from":"2021","to":"2023"}}`, semantic.TenantScope{})
	wantQ := map[string]float64{}
	wantY := map[string]float64{}
	for _, r := range f.comex {
		var yy, mm int
		fmt.Sscanf(r.month, "%d-%d", &yy, &mm)
		if r.flow != "export" {
			continue
		}
		if r.uf == "BA" {
			wantQ[fmt.Sprintf("%d-Q%d", yy, (mm-1)/3+1)] += r.fob
		}
		if yy <= 2023 {
			wantY[fmt.Sprint(yy)] += r.fob
		}
	}
	if len(q) != 4 || len(y) != 3 {
		t.Fatalf("%d quarters, %d years", len(q), len(y))
	}
	for _, r := range q {
		k := r["quarter"].(string)
		var yy, qq int
		fmt.Sscanf(k, "%d-Q%d", &yy, &qq)
		prev := wantQ[fmt.Sprintf("%d-Q%d", yy-1, qq)]
		if !near(num(r["vl_fob_usd"]), wantQ[k]) || !near(num(r["vl_fob_usd.yoy_pct"]), (wantQ[k]-prev)/prev*100) {
			t.Errorf("%s = %v %v", k, r["vl_fob_usd"], r["vl_fob_usd.yoy_pct"])
		}
	}
	for _, r := range y {
		if !near(num(r["vl_fob_usd"]), wantY[r["year"].(string)]) {
			t.Errorf("year %v = %v, want %v", r["year"], r["vl_fob_usd"], wantY[r["year"].(string)])
		}
	}
}

func TestIPCAAggregatesAtCoarserGrain(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"ipca_monthly","measures":["index","mom_pct"],"dimensions":["year"],"time":{"from":"2021-01","to":"2023-12"}}`, semantic.TenantScope{})
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		yr := r["year"].(string)
		dec := f.ipca[yr+"-12"]
		var py int
		fmt.Sscanf(yr, "%d", &py)
		prevDec := f.ipca[fmt.Sprintf("%d-12", py-1)]
		if !near(num(r["index"]), dec) {
			t.Errorf("%s index = %v, want December's %v", yr, r["index"], dec)
		}
		if !near(num(r["mom_pct"]), (dec/prevDec-1)*100) {
			t.Errorf("%s compounded mom = %v, want %v", yr, r["mom_pct"], (dec/prevDec-1)*100)
		}
	}
}

func TestRealValuesAndRatio(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"siconfi_annual","measures":["value_brl"],"dimensions":["year"],"filters":[{"field":"account","op":"eq","value":"Receita Corrente Líquida"},{"field":"coluna","op":"eq","value":"Até o 3º Quadrimestre"}],
		"time":{"from":"2019","to":"2023"},"real":{"base":"2024-06"}}`, semantic.TenantScope{})
	avg := map[int]float64{}
	for y := 2019; y <= 2023; y++ {
		s := 0.0
		for m := 1; m <= 12; m++ {
			s += f.ipca[fmt.Sprintf("%d-%02d", y, m)]
		}
		avg[y] = s / 12
	}
	base := f.ipca["2024-06"]
	want := map[string]float64{}
	for _, r := range f.sicon {
		if r.account == "Receita Corrente Líquida" {
			want[fmt.Sprint(r.year)] += r.value * base / avg[r.year]
		}
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if !near(num(r["value_brl"]), want[r["year"].(string)]) {
			t.Errorf("%v real = %v, want %v", r["year"], r["value_brl"], want[r["year"].(string)])
		}
	}
	ratio := f.run(t, `{"dataset":"pib_municipal","measures":["pib_per_capita_brl"],"dimensions":["region"],"time":{"from":"2022","to":"2022"}}`, semantic.TenantScope{})
	for _, r := range ratio {
		var p, pop float64
		for _, x := range f.pib {
			if x.year == 2022 && x.region == r["region"] {
				p += x.pib
				pop += float64(x.population)
			}
		}
		if !near(num(r["pib_per_capita_brl"]), p/pop) {
			t.Errorf("%v per capita = %v, want %v (a ratio of sums, not a sum of ratios)", r["region"], r["pib_per_capita_brl"], p/pop)
		}
	}
}

func TestPerCapita(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"caged_monthly","measures":["net","admissions"],"dimensions":["uf","year"],"time":{"from":"2022-01","to":"2024-06"},"per_capita":true}`, semantic.TenantScope{})
	pop := map[string]float64{}
	for _, p := range f.pib {
		pop[fmt.Sprintf("%s %d", p.uf, p.year)] += float64(p.population)
	}
	net := map[string]float64{}
	for _, r := range f.caged {
		net[r.uf+" "+r.month[:4]] += float64(r.adm - r.sep)
	}
	if len(rows) != 9 {
		t.Fatalf("%d rows, want 3 UFs x 3 years", len(rows))
	}
	for _, r := range rows {
		uf, yr := r["uf"].(string), r["year"].(string)
		py := yr
		if yr > "2022" {
			py = "2022" // the latest year with population
		}
		want := net[uf+" "+yr] / pop[uf+" "+py]
		if !near(num(r["net"]), want) {
			t.Errorf("%s %s net per capita = %v, want %v", uf, yr, r["net"], want)
		}
	}
	// A territorial filter narrows the population too: SP's jobs over SP's people.
	one := f.run(t, `{"dataset":"caged_monthly","measures":["net"],"filters":[{"field":"uf","op":"eq","value":"SP"}],"time":{"from":"2022-01","to":"2022-12"},"per_capita":true}`, semantic.TenantScope{})
	if len(one) != 1 || !near(num(one[0]["net"]), net["SP 2022"]/pop["SP 2022"]) {
		t.Fatalf("SP 2022 per capita = %v, want %v", one, net["SP 2022"]/pop["SP 2022"])
	}
}

func TestTenantMartsAreScopedByTheCompiler(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	db := f.db.SQL()
	orgA, orgB := "0b7c1e5a-0000-4000-8000-00000000000a", "0b7c1e5a-0000-4000-8000-00000000000b"
	for _, r := range []struct{ org, metric string }{{orgA, "teu_a"}, {orgB, "soja_b"}, {orgB, "area_b"}} {
		if _, err := db.ExecContext(ctx, `insert into marts.tenant_metrics values (?, date '2024-01-01', 2024, '3550308', 'São Paulo', 'SP', 'Sudeste', ?, 10)`, r.org, r.metric); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.EnsureTenantSchema(ctx, "tenant_c"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `insert into tenant_c.tenant_metrics values (date '2024-01-01', 2024, '3550308', 'São Paulo', 'SP', 'Sudeste', 'credito_c', 7)`); err != nil {
		t.Fatal(err)
	}
	metrics := func(scope semantic.TenantScope, filters string) []string {
		rows := f.run(t, `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"]`+filters+`}`, scope)
		var out []string
		for _, r := range rows {
			out = append(out, r["metric"].(string))
		}
		sort.Strings(out)
		return out
	}
	if got := metrics(semantic.TenantScope{OrgID: orgA}, ""); strings.Join(got, ",") != "teu_a" {
		t.Errorf("A sees %v", got)
	}
	if got := metrics(semantic.TenantScope{OrgID: orgB}, ""); strings.Join(got, ",") != "area_b,soja_b" {
		t.Errorf("B sees %v", got)
	}
	if got := metrics(semantic.TenantScope{OrgID: "c", Dataset: "tenant_c"}, ""); strings.Join(got, ",") != "credito_c" {
		t.Errorf("C (dataset mode) sees %v", got)
	}
	// Filters on the spec cannot widen the scope: naming another org's metric
	// finds nothing, and OR-shaped or quoted values are parameters.
	for _, filt := range []string{
		`,"filters":[{"field":"metric","op":"in","value":["soja_b","teu_a"]}]`,
		`,"filters":[{"field":"metric","op":"eq","value":"x' OR '1'='1"}]`,
		`,"filters":[{"field":"metric","op":"neq","value":"nothing"}]`,
		`,"filters":[{"field":"metric","op":"eq","value":"soja_b\u0000"}]`,
	} {
		for _, m := range metrics(semantic.TenantScope{OrgID: orgA}, strings.ReplaceAll(filt, `\u0000`, "")) {
			if m != "teu_a" {
				t.Errorf("A with %s sees %s", filt, m)
			}
		}
	}
	// Without a scope a tenant mart does not compile at all.
	cat, _ := semantic.LoadCatalog()
	s, _ := semantic.ParseSpec([]byte(`{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"]}`))
	q, err := cat.Validate(s, semantic.Access{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range semantic.Dialects() {
		if _, err := q.Compile(d, semantic.TenantScope{}); err == nil {
			t.Errorf("%s: a tenant mart compiled without an org", d)
		}
		if _, err := q.Compile(d, semantic.TenantScope{OrgID: "x", Dataset: "bad; drop"}); err == nil {
			t.Errorf("%s: a malformed tenant dataset compiled", d)
		}
		if _, err := q.Compile(d, semantic.TenantScope{OrgID: "x", Dataset: "marts"}); err == nil {
			t.Errorf("%s: a tenant mart compiled over the marts layer", d)
		}
	}
}

func TestAntaqPortsByNavigation(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"antaq_monthly","measures":["tonnes","teu","berthings"],"dimensions":["port","nav_type"],
		"filters":[{"field":"direction","op":"eq","value":"embarque"},{"field":"region","op":"neq","value":"Sul"}],
		"time":{"from":"2024-01","to":"2024-06"},"order":[{"field":"tonnes","dir":"desc"}]}`, semantic.TenantScope{})
	type agg struct{ t, teu, b float64 }
	want := map[string]*agg{}
	for _, r := range f.antaq {
		if r.dir == "embarque" && regionOf(r.uf) != "Sul" && r.month >= "2024-01" {
			k := r.port + "|" + r.nav
			if want[k] == nil {
				want[k] = &agg{}
			}
			want[k].t += r.tonnes
			want[k].teu += r.teu
			want[k].b += float64(r.berthings)
		}
	}
	if len(rows) != len(want) || len(rows) != 4 {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		w := want[r["port"].(string)+"|"+r["nav_type"].(string)]
		if w == nil || !near(num(r["tonnes"]), w.t) || !near(num(r["teu"]), w.teu) || !near(num(r["berthings"]), w.b) {
			t.Errorf("%v: want %+v", r, w)
		}
	}
}

func TestTopNKeepsTheLargestPerSeries(t *testing.T) {
	f := newFixture(t)
	rows := f.run(t, `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["uf","month"],
		"filters":[{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2023-01","to":"2023-12"},"top":{"field":"uf","n":2}}`, semantic.TenantScope{})
	sums := map[string]map[string]float64{} // month -> uf -> fob
	for _, r := range f.comex {
		if r.flow == "export" && r.month >= "2023-01" && r.month <= "2023-12" {
			if sums[r.month] == nil {
				sums[r.month] = map[string]float64{}
			}
			sums[r.month][r.uf] += r.fob
		}
	}
	got := map[string][]string{}
	for _, r := range rows {
		m, uf := r["month"].(string), r["uf"].(string)
		got[m] = append(got[m], uf)
		if !near(num(r["vl_fob_usd"]), sums[m][uf]) {
			t.Errorf("%s %s = %v, want %v", m, uf, r["vl_fob_usd"], sums[m][uf])
		}
	}
	if len(got) != 12 {
		t.Fatalf("%d months, want 12", len(got))
	}
	for m, ufs := range got {
		if len(ufs) != 2 {
			t.Fatalf("%s: %v, want the top 2 UFs", m, ufs)
		}
		for uf, v := range sums[m] {
			kept := ufs[0] == uf || ufs[1] == uf
			if !kept && (v > sums[m][ufs[0]] || v > sums[m][ufs[1]]) {
				t.Errorf("%s: %s (%v) left out for %v", m, uf, v, ufs)
			}
		}
	}
}
