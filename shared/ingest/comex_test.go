package ingest_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/semantic/sqlcheck"
)

// sumCSV adds up columns of a ';' file with encoding/csv, a path of its own.
func sumCSV(t *testing.T, path string, cols ...string) (rows int, sums []float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range header {
			if h == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			t.Fatalf("%s: no column %s", path, c)
		}
	}
	sums = make([]float64, len(cols))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows++
		for i, j := range idx {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				t.Fatalf("%s row %d: %v", path, rows, err)
			}
			sums[i] += v
		}
	}
	return rows, sums
}

func TestComexSampleTotals(t *testing.T) {
	db := warehouse(t)
	path := dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
	rep := loadFile(t, db, "comex", path, ingest.LoadParams{Flow: "export"})
	n, sums := sumCSV(t, path, "VL_FOB", "KG_LIQUIDO")
	if rep.RowsRead != 60 || n != 60 || rep.RowsLoaded != 60 {
		t.Fatalf("rows read %d loaded %d, the file has %d, want 60", rep.RowsRead, rep.RowsLoaded, n)
	}
	var fob, kg float64
	var rows int
	if err := db.QueryRow(`SELECT sum(vl_fob_usd), sum(kg_liquido), count(*) FROM marts.comex_monthly WHERE flow = 'export'`).Scan(&fob, &kg, &rows); err != nil {
		t.Fatal(err)
	}
	if fob != sums[0] || kg != sums[1] {
		t.Fatalf("mart totals FOB %v kg %v, the file sums %v %v", fob, kg, sums[0], sums[1])
	}
	t.Logf("%+v mart rows %d", rep, rows)
}

func TestComexAuxiliaryTablesNameTheMart(t *testing.T) {
	db := warehouse(t)
	loadFile(t, db, "comex", dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv"), ingest.LoadParams{Flow: "export"})
	aux := []struct {
		rel  string
		rows int64
	}{
		// PROVENANCE.md counts 13749 lines; 7 of them continue quoted
		// Spanish and English names that hold line breaks, so the file has
		// 13742 records (encoding/csv agrees, below).
		{"comexstat/tabelas_auxiliares/NCM.csv", 13742},
		{"comexstat/tabelas_auxiliares/PAIS.csv", 281},
		{"comexstat/tabelas_auxiliares/UF.csv", 34},
		{"comexstat/tabelas_auxiliares/URF.csv", 280},
	}
	for _, a := range aux {
		// A second count: lines that start a record (a quoted code then
		// ';'); continuation lines of multi-line names do not.
		raw, err := os.ReadFile(dataFile(t, a.rel))
		if err != nil {
			t.Fatal(err)
		}
		starts := regexp.MustCompile(`(?m)^"[0-9]+";`).FindAll(raw, -1)
		if int64(len(starts)) != a.rows {
			t.Fatalf("%s: %d lines start a record", a.rel, len(starts))
		}
		rep := loadFile(t, db, "comex", dataFile(t, a.rel), ingest.LoadParams{})
		if rep.RowsRead != a.rows || rep.RowsLoaded != a.rows {
			t.Fatalf("%s: %+v, want %d rows", a.rel, rep, a.rows)
		}
	}
	// NCM_SH.csv (HS names) in its official layout, generated: no sample of
	// it is small enough to keep.
	sh := filepath.Join(t.TempDir(), "NCM_SH.csv")
	var b strings.Builder
	b.WriteString(`"CO_SH6";"NO_SH6_POR";"NO_SH6_ESP";"NO_SH6_ING";"CO_SH4";"NO_SH4_POR";"NO_SH4_ESP";"NO_SH4_ING";"CO_SH2";"NO_SH2_POR";"NO_SH2_ESP";"NO_SH2_ING";"CO_NCM_SECROM";"NO_SEC_POR";"NO_SEC_ESP";"NO_SEC_ING"` + "\r\n")
	rows, err := db.Query(`SELECT DISTINCT ncm FROM marts.comex_monthly`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ncm string
		rows.Scan(&ncm)
		fmt.Fprintf(&b, "\"%s\";\"Posi\xe7\xe3o %s\";\"\";\"\";\"%s\";\"Posi\xe7\xe3o %s\";\"\";\"\";\"%s\";\"Cap\xedtulo %s\";\"\";\"\";\"I\";\"Se\xe7\xe3o\";\"\";\"\"\r\n",
			ncm[:6], ncm[:6], ncm[:4], ncm[:4], ncm[:2], ncm[:2])
	}
	rows.Close()
	os.WriteFile(sh, []byte(b.String()), 0o644)
	loadFile(t, db, "comex", sh, ingest.LoadParams{})

	var missing int
	err = db.QueryRow(`SELECT count(*) FROM marts.comex_monthly WHERE ncm_name IS NULL OR country_name IS NULL
		OR sh4_name IS NULL OR sh2_name IS NULL OR sh4 <> left(ncm, 4) OR sh2 <> left(ncm, 2)`).Scan(&missing)
	if err != nil || missing != 0 {
		t.Fatalf("%d mart rows without names (%v)", missing, err)
	}
	var name, sh2 string
	if err := db.QueryRow(`SELECT country_name, sh2_name FROM marts.comex_monthly WHERE country = '063' LIMIT 1`).Scan(&name, &sh2); err != nil || name != "Argentina" || sh2 != "Capítulo 84" {
		t.Fatalf("country 063 = %q, sh2 name %q (%v)", name, sh2, err)
	}
}

// munRec is one row of a generated EXP_/IMP_<year>_MUN file: SG_UF_MUN,
// CO_MUN (SECEX's code) and the IBGE code staging should map it to ("" for
// none).
type munRec struct{ uf, coMun, ibge string }

// munRecs are real municipalities, two of them the published examples
// (Franca 3416200 -> 3516200, Santo Antônio da Barra 5319712 -> 5219712),
// and the two codes Comex Stat's own municipal table (UF_MUN.csv) gives no
// municipality: 9999999 "Município Não Declarado" (UF ND) and 9300000
// "Exterior" (UF EX).
var munRecs = []munRec{
	{"SP", "3416200", "3516200"}, {"GO", "5319712", "5219712"}, {"MS", "5202704", "5002704"},
	{"ND", "9999999", ""}, {"DF", "5400108", "5300108"}, {"BA", "2927408", "2927408"},
	{"RS", "4314902", "4314902"}, {"ND", "9999999", ""}, {"SP", "3450308", "3550308"},
	{"EX", "9300000", ""}, {"ND", "9999999", ""},
}

// writeComexMun writes recs as an EXP_<year>_MUN file in the official
// layout (codes quoted, metrics bare), months 1 and 2 alternating, and
// returns its path.
func writeComexMun(t *testing.T, dir, name string, recs []munRec) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`"CO_ANO";"CO_MES";"SH4";"CO_PAIS";"SG_UF_MUN";"CO_MUN";"KG_LIQUIDO";"VL_FOB"` + "\r\n")
	for i, r := range recs {
		v := 1000 * (i + 1)
		fmt.Fprintf(&b, "2024;\"%02d\";\"0201\";\"160\";\"%s\";\"%s\";%d;%d\r\n", 1+i%2, r.uf, r.coMun, v/2, v)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// munColumn reads a MUN file with encoding/csv (a path of its own) and
// returns its FOB total and, for each value of CO_MUN, its rows and the
// file line of the first.
func munColumn(t *testing.T, path string) (fob int64, rows map[string]int, firstLine map[string]int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	mun, val := slices.Index(header, "CO_MUN"), slices.Index(header, "VL_FOB")
	if mun < 0 || val < 0 {
		t.Fatalf("%s: header %v", path, header)
	}
	rows, firstLine = map[string]int{}, map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		line, _ := r.FieldPos(0)
		if rows[rec[mun]] == 0 {
			firstLine[rec[mun]] = line
		}
		rows[rec[mun]]++
		v, err := strconv.ParseInt(rec[val], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		fob += v
	}
	return fob, rows, firstLine
}

// EXP_<year>_MUN: CO_MUN carries SECEX's UF prefix (SP 34, MS 52, GO 53,
// DF 54); staging maps it to IBGE through SG_UF_MUN. The rows of 9999999
// and 9300000, which Comex Stat publishes without a municipality, are
// counted as skipped and stay in core with municipio NULL: the
// file's FOB total is core's.
func TestComexMunicipalCodesMapToIBGE(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	path := writeComexMun(t, t.TempDir(), "EXP_2024_MUN.csv", munRecs)
	fob, rows, _ := munColumn(t, path)
	rep := loadFile(t, db, "comex", path, ingest.LoadParams{})
	if rep.Layout != "mun" || rep.RowsRead != int64(len(munRecs)) || len(rep.Notes) != 0 {
		t.Fatalf("report %+v", rep)
	}
	undeclared, exterior := rows["9999999"], rows["9300000"]
	if undeclared != 3 || exterior != 1 || rep.RowsSkipped != int64(undeclared+exterior) || len(rep.SkippedWhy) != 2 ||
		!strings.HasPrefix(rep.SkippedWhy[0], fmt.Sprintf("%d rows of CO_MUN 9999999 ", undeclared)) ||
		!strings.HasPrefix(rep.SkippedWhy[1], fmt.Sprintf("%d rows of CO_MUN 9300000 ", exterior)) {
		t.Fatalf("skipped %d %q; the file has %d rows of 9999999 and %d of 9300000", rep.RowsSkipped, rep.SkippedWhy, undeclared, exterior)
	}
	for _, r := range munRecs {
		var got sql.NullString
		if err := db.QueryRow(`SELECT any_value(municipio) FROM core.fact_comex_municipio WHERE co_mun = ?`, r.coMun).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got.String != r.ibge {
			t.Errorf("CO_MUN %s (%s) -> %q, want %q", r.coMun, r.uf, got.String, r.ibge)
		}
	}
	var total int64
	var unjoined, withoutMunicipio int
	if err := db.QueryRow(`SELECT sum(vl_fob), count(*) FILTER (WHERE municipio IS NOT NULL AND municipio NOT IN (SELECT municipio FROM core.dim_municipio)),
		count(*) FILTER (WHERE municipio IS NULL) FROM core.fact_comex_municipio`).Scan(&total, &unjoined, &withoutMunicipio); err != nil ||
		total != fob || unjoined != 0 || withoutMunicipio != undeclared+exterior {
		t.Fatalf("FOB %d (want %d), %d codes outside the territorial table, %d rows without a municipality, %v", total, fob, unjoined, withoutMunicipio, err)
	}
}

// A municipal file resolves CO_MUN against the territorial
// table, so loading it first is refused, naming the command that fixes it,
// and leaves every layer as it was; an NCM file does not depend on the
// territory and loads; once the table is loaded, the same municipal file
// loads whole.
func TestComexMunBeforeTheTerritoryIsRefusedThenLoads(t *testing.T) {
	db := warehouse(t)
	loadFile(t, db, "comex", dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv"), ingest.LoadParams{Flow: "export"})
	before := checksums(t, db)
	path := writeComexMun(t, t.TempDir(), "EXP_2024_MUN.csv", munRecs)
	var ce *ingest.ContractError
	if err := loadErr(t, db, "comex", path); !errors.As(err, &ce) ||
		!strings.HasPrefix(ce.Reason, "load ibge_territorio first: make ingest SOURCE=ibge_territorio FILE=") {
		t.Fatalf("a MUN file before the territory: %v", err)
	}
	if after := checksums(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the refused file changed the warehouse:\n%v\n%v", before, after)
	}
	loadDTB(t, db)
	rep := loadFile(t, db, "comex", path, ingest.LoadParams{})
	if rep.Skipped {
		t.Fatal("the same file, refused before, was skipped as already loaded")
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM core.fact_comex_municipio`).Scan(&n); err != nil || n != len(munRecs) {
		t.Fatalf("after the territory: %d rows in core (want %d), %v", n, len(munRecs), err)
	}
}

// A CO_MUN the territorial table cannot resolve, other than the
// codes published without a municipality, refuses the file naming its
// line, the column and the value: here Boa Esperança do Norte (MT 5101837),
// installed in 2025 and absent from the DTB edition in ../shared/data.
// The months the revised file would replace keep what they had.
func TestComexMunUnknownCodeIsRefused(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	dir := t.TempDir()
	loadFile(t, db, "comex", writeComexMun(t, dir, "EXP_2024_MUN.csv", munRecs), ingest.LoadParams{})
	before := checksums(t, db)

	// A revision of the same months with two rows more.
	revised := slices.Insert(slices.Clone(munRecs), 5, munRec{"MT", "5101837", ""}, munRec{"MT", "5101837", ""})
	path := writeComexMun(t, dir, "EXP_2024_MUN_rev.csv", revised)
	_, rows, firstLine := munColumn(t, path)
	if rows["5101837"] != 2 {
		t.Fatalf("the fixture has %d rows of 5101837", rows["5101837"])
	}
	var ce *ingest.ContractError
	err := loadErr(t, db, "comex", path)
	if !errors.As(err, &ce) || ce.Line != firstLine["5101837"] || ce.Column != "CO_MUN" || !strings.Contains(ce.Reason, `"5101837"`) ||
		!strings.Contains(ce.Reason, "2 rows") {
		t.Fatalf("a file with an unknown CO_MUN: %v (want line %d, column CO_MUN)", err, firstLine["5101837"])
	}
	if after := checksums(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the refused file changed the warehouse:\n%v\n%v", before, after)
	}
}

// The portable path (batched INSERTs, no DuckDB appender) lands the same.
func TestPortableAppenderLandsTheSame(t *testing.T) {
	path := dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv")
	fast := warehouse(t)
	loadFile(t, fast, "comex", path, ingest.LoadParams{Flow: "export"})
	portable := warehouse(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := ingest.Load(context.Background(), duckdb.PortableIngest(portable), "comex", filepath.Base(path), f, ingest.LoadParams{Flow: "export"})
	if err != nil || rep.RowsLoaded != 60 {
		t.Fatalf("report %+v", rep)
	}
	a, b := checksums(t, fast), checksums(t, portable)
	if len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("appender %v\nportable %v", a, b)
	}
}

// IMP files carry VL_FRETE and VL_SEGURO; the flow comes from the name; a
// checksum that does not match the raw layer's is refused.
func TestComexImportsAndChecksum(t *testing.T) {
	db := warehouse(t)
	dir := t.TempDir()
	imp := filepath.Join(dir, "IMP_2024.csv")
	body := "\"CO_ANO\";\"CO_MES\";\"CO_NCM\";\"CO_UNID\";\"CO_PAIS\";\"SG_UF_NCM\";\"CO_VIA\";\"CO_URF\";\"QT_ESTAT\";\"KG_LIQUIDO\";\"VL_FOB\";\"VL_FRETE\";\"VL_SEGURO\"\r\n" +
		"2024;\"01\";\"27090010\";\"10\";\"249\";\"RJ\";\"01\";\"0717600\";1000;1000;5000;300;20\r\n" +
		"2024;\"01\";\"31042090\";\"10\";\"676\";\"MT\";\"01\";\"0927800\";7;7;9;1;0\r\n"
	os.WriteFile(imp, []byte(body), 0o644)
	rep := loadFile(t, db, "comex", imp, ingest.LoadParams{})
	var flow string
	var fob float64
	if err := db.QueryRow(`SELECT any_value(flow), sum(vl_fob_usd) FROM marts.comex_monthly`).Scan(&flow, &fob); err != nil || flow != "import" || fob != 5009 || rep.Periods[0] != "2024-01" {
		t.Fatalf("flow %q FOB %v (%v), report %+v", flow, fob, err, rep)
	}
	var frete int64
	if err := db.QueryRow(`SELECT sum(vl_frete) FROM core.fact_comex`).Scan(&frete); err != nil || frete != 301 {
		t.Fatalf("freight %d (%v)", frete, err)
	}
	noFreight := copyWith(t, imp, `;"VL_FRETE";"VL_SEGURO"`, "")
	var ce *ingest.ContractError
	if err := loadErr(t, db, "comex", noFreight); !errors.As(err, &ce) || ce.Column != "VL_FRETE" {
		t.Fatalf("IMP without freight: %v", err)
	}
	f, _ := os.Open(imp)
	defer f.Close()
	_, err := duckdb.Load(context.Background(), warehouse(t), "comex", "IMP_2024.csv", f, ingest.LoadParams{SHA256: strings.Repeat("0", 64)})
	if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "sha256") {
		t.Fatalf("wrong checksum: %v", err)
	}
}

// Every record's CO_ANO and CO_MES are checked, the first one included,
// even when it is all zeros; the refusal names its line and column.
func TestComexFirstRecordPeriodIsChecked(t *testing.T) {
	db := warehouse(t)
	exp := filepath.Join(t.TempDir(), "EXP_2024.csv")
	os.WriteFile(exp, []byte("\"CO_ANO\";\"CO_MES\";\"CO_NCM\";\"CO_UNID\";\"CO_PAIS\";\"SG_UF_NCM\";\"CO_VIA\";\"CO_URF\";\"QT_ESTAT\";\"KG_LIQUIDO\";\"VL_FOB\"\r\n"+
		"0;\"00\";\"01012100\";\"11\";\"049\";\"MG\";\"04\";\"0817600\";5;6;7\r\n"), 0o644)
	var ce *ingest.ContractError
	if err := loadErr(t, db, "comex", exp); !errors.As(err, &ce) || ce.Line != 2 || ce.Column != "CO_ANO" {
		t.Fatalf("a first record of period 0/0: %v", err)
	}
}

// A warehouse whose landing.comex_ncm predates integer codes and the UF
// and flow enums (they were text) is brought to the model's types by the
// next load, and its earlier rows keep their values: staging spells them
// as before.
func TestComexLandingFromTextCodes(t *testing.T) {
	db := warehouse(t)
	if _, err := db.Exec(`CREATE SCHEMA IF NOT EXISTS landing; CREATE TABLE landing.comex_ncm (
		file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
		flow VARCHAR NOT NULL, co_ano BIGINT NOT NULL, co_mes BIGINT NOT NULL, co_ncm VARCHAR NOT NULL, co_unid VARCHAR,
		co_pais VARCHAR NOT NULL, sg_uf_ncm VARCHAR NOT NULL, co_via VARCHAR, co_urf VARCHAR,
		qt_estat BIGINT, kg_liquido BIGINT NOT NULL, vl_fob BIGINT NOT NULL, vl_frete BIGINT, vl_seguro BIGINT);
		INSERT INTO landing.comex_ncm VALUES ('old', 2, 'export', 2023, 5, '02023000', '10', '063', 'SP', '', '0817800', 1, 2, 3, NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	exp := filepath.Join(t.TempDir(), "EXP_2024.csv")
	os.WriteFile(exp, []byte("\"CO_ANO\";\"CO_MES\";\"CO_NCM\";\"CO_UNID\";\"CO_PAIS\";\"SG_UF_NCM\";\"CO_VIA\";\"CO_URF\";\"QT_ESTAT\";\"KG_LIQUIDO\";\"VL_FOB\"\r\n"+
		"2024;\"01\";\"01012100\";\"11\";\"049\";\"MG\";\"04\";\"0817600\";5;6;7\r\n"), 0o644)
	loadFile(t, db, "comex", exp, ingest.LoadParams{})
	types := map[string]string{}
	rows, err := db.Query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'landing' AND table_name = 'comex_ncm'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c, ty string
		rows.Scan(&c, &ty)
		types[c] = ty
	}
	rows.Close()
	if types["co_ncm"] != "INTEGER" || types["co_pais"] != "SMALLINT" || types["co_urf"] != "INTEGER" ||
		!strings.HasPrefix(types["sg_uf_ncm"], "ENUM('AC', ") || types["flow"] != "ENUM('export', 'import')" {
		t.Fatalf("landing types after the load: %v", types)
	}
	got := map[string]string{}
	rows, err = db.Query(`SELECT file_sha256, ncm || '/' || sh4 || '/' || country || '/' || coalesce(via, 'NULL') || '/' || urf || '/' || unid || '/' || uf || '/' || flow
		FROM staging.comex_ncm`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sha, codes string
		rows.Scan(&sha, &codes)
		got[sha[:3]] = codes
	}
	if got["old"] != "02023000/0202/063/NULL/0817800/10/SP/export" || len(got) != 2 {
		t.Fatalf("staged codes %v", got)
	}
	for sha, codes := range got {
		if sha != "old" && codes != "01012100/0101/049/04/0817600/11/MG/export" {
			t.Fatalf("the new file's codes staged as %s", codes)
		}
	}
}

// SG_UF_NCM lands as an enum of Comex Stat's UF table: every SG_UF of the
// official UF.csv loads (the states and the pseudo-UFs), the enum holds
// exactly those codes, and a code UF.csv does not have is refused with its
// line and column, leaving every layer as it was.
func TestComexUFsAreUFcsv(t *testing.T) {
	raw, err := os.ReadFile(dataFile(t, "comexstat/tabelas_auxiliares/UF.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(string(raw)))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 || recs[0][1] != "SG_UF" {
		t.Fatalf("UF.csv: %v, header %v", err, recs[:1])
	}
	var official []string
	var body strings.Builder
	body.WriteString("\"CO_ANO\";\"CO_MES\";\"CO_NCM\";\"CO_UNID\";\"CO_PAIS\";\"SG_UF_NCM\";\"CO_VIA\";\"CO_URF\";\"QT_ESTAT\";\"KG_LIQUIDO\";\"VL_FOB\"\r\n")
	for _, rec := range recs[1:] {
		official = append(official, rec[1])
		// Lower case, as the loader upper-cases what it reads.
		fmt.Fprintf(&body, "2024;\"03\";\"12019000\";\"10\";\"160\";\"%s\";\"01\";\"0817800\";1;2;3\r\n", strings.ToLower(rec[1]))
	}
	slices.Sort(official)
	dir := t.TempDir()
	exp := filepath.Join(dir, "EXP_2024.csv")
	if err := os.WriteFile(exp, []byte(body.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := warehouse(t)
	rep := loadFile(t, db, "comex", exp, ingest.LoadParams{})
	if rep.RowsLoaded != int64(len(official)) || len(official) != 34 {
		t.Fatalf("%d of UF.csv's %d codes loaded", rep.RowsLoaded, len(official))
	}
	var enum, marts string
	if err := db.QueryRow(`SELECT array_to_string(enum_range(NULL::landing.comex_uf), ',')`).Scan(&enum); err != nil {
		t.Fatal(err)
	}
	if enum != strings.Join(official, ",") {
		t.Fatalf("landing.comex_uf holds %s, UF.csv has %s", enum, strings.Join(official, ","))
	}
	if err := db.QueryRow(`SELECT string_agg(uf, ',' ORDER BY uf) FROM marts.comex_monthly`).Scan(&marts); err != nil || marts != enum {
		t.Fatalf("the mart's UFs %q (%v)", marts, err)
	}

	before := checksums(t, db)
	bad := filepath.Join(dir, "EXP_2025.csv")
	if err := os.WriteFile(bad, []byte(strings.Replace(strings.ReplaceAll(body.String(), "2024;", "2025;"), `"sp"`, `"XX"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var ce *ingest.ContractError
	err = loadErr(t, db, "comex", bad)
	line := 2 + slices.Index(recsColumn(recs[1:], 1), "SP")
	if !errors.As(err, &ce) || ce.Column != "SG_UF_NCM" || ce.Line != line || !strings.Contains(ce.Reason, `"XX"`) {
		t.Fatalf("a UF outside UF.csv: %v (want line %d)", err, line)
	}
	if after := checksums(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the refused file changed the warehouse:\n%v\n%v", before, after)
	}
}

func recsColumn(recs [][]string, i int) []string {
	out := make([]string, len(recs))
	for k, r := range recs {
		out[k] = r[i]
	}
	return out
}

// On BigQuery the municipal file's script checks the mapping after the
// staging that maps CO_MUN and before core, and the check parses as
// BigQuery's; an NCM file's script has no such check.
func TestComexMunScriptChecksTheMapping(t *testing.T) {
	rec := &recorder{}
	path := writeComexMun(t, t.TempDir(), "EXP_2024_MUN.csv", munRecs)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := bigquery.LoadRemote(context.Background(), rec, "comex", filepath.Base(path), f, ingest.LoadParams{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsSkipped != 4 || len(rec.execs) != 2 {
		t.Fatalf("skipped %d, %d scripts", rep.RowsSkipped, len(rec.execs))
	}
	script := rec.execs[1].SQL
	staging, check, core := strings.Index(script, "-- model staging_comex_mun\n"), strings.Index(script, "-- comex_mun mapping check\n"),
		strings.Index(script, "-- model core_fact_comex_municipio\n")
	if staging < 0 || check < 0 || core < 0 || !(staging < check && check < core) {
		t.Fatalf("the mapping check is not between staging and core (staging %d, check %d, core %d)", staging, check, core)
	}
	stmt := script[check:]
	stmt = stmt[:strings.Index(stmt, "\n\n")]
	p := filepath.Join(t.TempDir(), "check.sql")
	if err := os.WriteFile(p, []byte(stmt), 0o600); err != nil {
		t.Fatal(err)
	}
	sqlcheck.ParseBigQuery(t, p)

	ncm := &recorder{}
	g, err := os.Open(dataFile(t, "comexstat/ncm_registros_amostra/EXP_2025_amostra60_transcrita.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := bigquery.LoadRemote(context.Background(), ncm, "comex", "EXP_2025.csv", g, ingest.LoadParams{}); err != nil {
		t.Fatal(err)
	}
	if s := ncm.execs[len(ncm.execs)-1].SQL; strings.Contains(s, "ibge_territorio") {
		t.Error("an NCM file's script depends on the territorial table")
	}
}
