package ingest_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mirante/mirante/shared/ingest"
)

// comexPlace is a municipality as Comex Stat's UF_MUN.csv gives it (SECEX's
// CO_MUN, SG_UF, name) with the IBGE code the DTB gives the same name in
// the same state: found by name, not by the prefix rule staging applies.
type comexPlace struct{ coMun, uf, name, ibge string }

// ibgeUF are the IBGE codes of the states the fixture takes municipalities
// from: SP, MS, GO and DF, whose SECEX prefix differs from IBGE's, and four
// whose prefixes agree.
var ibgeUF = map[string]string{"SP": "35", "MS": "50", "GO": "52", "DF": "53", "BA": "29", "RS": "43", "MT": "51", "PA": "15"}

// fromLatin1 decodes ISO-8859-1 bytes (UF_MUN.csv's encoding).
func fromLatin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// readCSV reads a whole delimited file with encoding/csv.
func readCSV(t *testing.T, text string, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// comexPlaces picks, per state of ibgeUF in UF_MUN.csv order, the first
// three municipalities (DF has one) whose name the DTB has exactly once in
// that state.
func comexPlaces(t *testing.T) []comexPlace {
	t.Helper()
	raw, err := os.ReadFile(dataFile(t, "comexstat/tabelas_auxiliares/UF_MUN.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dtbRaw, err := os.ReadFile(dataFile(t, "ibge_municipios/ibge_dtb_relatorio_municipio.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dtb := readCSV(t, string(dtbRaw), ',')
	byName := map[string][]string{} // UF code + name -> IBGE codes
	for _, r := range dtb[1:] {
		byName[r[0]+"|"+r[12]] = append(byName[r[0]+"|"+r[12]], r[11])
	}
	perUF := map[string]int{}
	var out []comexPlace
	for _, r := range readCSV(t, fromLatin1(raw), ';')[1:] {
		code, name, uf := r[0], r[2], r[3]
		ufCode, ok := ibgeUF[uf]
		if !ok || perUF[uf] == 3 {
			continue
		}
		if ibge := byName[ufCode+"|"+name]; len(ibge) == 1 {
			perUF[uf]++
			out = append(out, comexPlace{code, uf, name, ibge[0]})
		}
	}
	for uf := range ibgeUF {
		if perUF[uf] == 0 || (uf != "DF" && perUF[uf] != 3) { // DF is one municipality
			t.Fatalf("found %d municipalities of %s in UF_MUN.csv and the DTB", perUF[uf], uf)
		}
	}
	return out
}

// comexMunRow is one record of a generated MUN file.
type comexMunRow struct {
	month        int
	sh4, country string
	uf, coMun    string
	kg, fob      int64
}

// comexMunRows makes records over months: every place trades three of four
// headings with two of three countries, and each (place, month) repeats
// its first cell so that the mart sums two records into it; the codes
// published without a municipality trade too.
func comexMunRows(places []comexPlace, months []int, scale int64) []comexMunRow {
	sh4s := []string{"1201", "2601", "0901", "8703"}
	countries := []string{"160", "249", "063"}
	var out []comexMunRow
	for _, m := range months {
		for i, p := range places {
			for k := 0; k < 3; k++ {
				sh4, ctry := sh4s[(i+k)%len(sh4s)], countries[(i+k+m)%len(countries)]
				v := scale * int64(1000*(i+1)+100*k+m)
				out = append(out, comexMunRow{m, sh4, ctry, p.uf, p.coMun, v / 3, v})
				if k == 0 {
					out = append(out, comexMunRow{m, sh4, ctry, p.uf, p.coMun, 7 * scale, 11 * scale})
				}
			}
		}
		out = append(out, comexMunRow{m, "1201", "160", "ND", "9999999", 5000 * scale, 9000 * scale},
			comexMunRow{m, "2601", "249", "EX", "9300000", 300 * scale, 700 * scale})
	}
	return out
}

// writeComexMunRows writes rows as a Comex Stat MUN file of 2024 in the
// official layout (codes quoted, metrics bare, CRLF).
func writeComexMunRows(t *testing.T, path string, rows []comexMunRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`"CO_ANO";"CO_MES";"SH4";"CO_PAIS";"SG_UF_MUN";"CO_MUN";"KG_LIQUIDO";"VL_FOB"` + "\r\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "2024;\"%02d\";\"%s\";\"%s\";\"%s\";\"%s\";%d;%d\r\n", r.month, r.sh4, r.country, r.uf, r.coMun, r.kg, r.fob)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// munCell is a cell of the mart's grain (within one flow).
type munCell struct {
	Month, Municipio, SH4, Country string
}

// munSums are a cell's FOB and weight.
type munSums struct{ FOB, KG float64 }

// fileSums adds up rows by the mart's cell, placing each CO_MUN where
// places says (by name); CO_MUN values not in places (the codes without a
// municipality) fall in no cell.
func fileSums(places []comexPlace, rows []comexMunRow) map[munCell]munSums {
	ibge := map[string]string{}
	for _, p := range places {
		ibge[p.coMun] = p.ibge
	}
	out := map[munCell]munSums{}
	for _, r := range rows {
		code, ok := ibge[r.coMun]
		if !ok {
			continue
		}
		c := munCell{fmt.Sprintf("2024-%02d", r.month), code, r.sh4, r.country}
		s := out[c]
		s.FOB += float64(r.fob)
		s.KG += float64(r.kg)
		out[c] = s
	}
	return out
}

// martSums reads marts.comex_municipal_monthly's cells of a flow.
func martSums(t *testing.T, db sqlQuerier, flow string) map[munCell]munSums {
	t.Helper()
	rows, err := db.Query(`SELECT strftime(month, '%Y-%m'), municipio, sh4, country, vl_fob_usd, kg_liquido
		FROM marts.comex_municipal_monthly WHERE flow = ?`, flow)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[munCell]munSums{}
	for rows.Next() {
		var c munCell
		var s munSums
		if err := rows.Scan(&c.Month, &c.Municipio, &c.SH4, &c.Country, &s.FOB, &s.KG); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[c]; dup {
			t.Errorf("cell %+v appears twice in the mart", c)
		}
		out[c] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sumFOB(m map[munCell]munSums) (fob float64) {
	for _, s := range m {
		fob += s.FOB
	}
	return fob
}

// A Comex Stat municipal file reaches marts.comex_municipal_monthly: each
// month × municipality × SH4 × country cell sums the file's records for it
// (CO_MUN placed through the DTB by name, a path of its own), with the
// territorial table's names, UF and region; the records of the codes
// published without a municipality are in core and in no cell. A revised
// file replaces its flow's months and only those; the auxiliary tables name
// headings and countries; a renamed municipality is renamed by the refresh
// model the territorial reload runs.
func TestComexMunicipalMart(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	places := comexPlaces(t)
	dir := t.TempDir()

	first := comexMunRows(places, []int{1, 2, 3}, 1)
	rep := loadFile(t, db, "comex", writeComexMunRows(t, filepath.Join(dir, "EXP_2024_MUN.csv"), first), ingest.LoadParams{})
	if rep.RowsRead != int64(len(first)) || rep.RowsSkipped != 6 {
		t.Fatalf("report %+v, want %d rows read and the 6 without a municipality skipped", rep, len(first))
	}
	imports := comexMunRows(places[:5], []int{2}, 3)
	loadFile(t, db, "comex", writeComexMunRows(t, filepath.Join(dir, "IMP_2024_MUN.csv"), imports), ingest.LoadParams{})

	want := fileSums(places, first)
	if diff := cmp.Diff(want, martSums(t, db, "export")); diff != "" {
		t.Fatalf("export cells (-file +mart):\n%s", diff)
	}
	if diff := cmp.Diff(fileSums(places, imports), martSums(t, db, "import")); diff != "" {
		t.Fatalf("import cells (-file +mart):\n%s", diff)
	}
	var coreFOB, without float64
	if err := db.QueryRow(`SELECT sum(vl_fob), sum(vl_fob) FILTER (WHERE municipio IS NULL) FROM core.fact_comex_municipio
		WHERE flow = 'export'`).Scan(&coreFOB, &without); err != nil {
		t.Fatal(err)
	}
	if without != 3*(9000+700) || coreFOB != sumFOB(want)+without {
		t.Fatalf("core holds %v FOB, %v without a municipality; the mart %v", coreFOB, without, sumFOB(want))
	}

	// Names, UF and region come from the territorial table.
	var bad int
	if err := db.QueryRow(`SELECT count(*) FROM marts.comex_municipal_monthly m JOIN core.dim_municipio d USING (municipio)
		WHERE m.municipio_nome IS DISTINCT FROM d.municipio_nome OR m.uf <> d.uf OR m.region IS DISTINCT FROM d.region
		   OR m.regiao_imediata IS DISTINCT FROM d.regiao_imediata OR m.regiao_imediata_nome IS DISTINCT FROM d.regiao_imediata_nome
		   OR m.year <> year(m.month) OR m.sh2 <> left(m.sh4, 2)`).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("%d mart rows disagree with the territorial table (%v)", bad, err)
	}
	for _, p := range places {
		var name, uf string
		if err := db.QueryRow(`SELECT any_value(municipio_nome), any_value(uf) FROM marts.comex_municipal_monthly WHERE municipio = ?`,
			p.ibge).Scan(&name, &uf); err != nil || name != p.name || uf != p.uf {
			t.Errorf("%s (CO_MUN %s): the mart names it %q in %s (%v)", p.ibge, p.coMun, name, uf, err)
		}
	}

	// A revision of March and April: January and February stay the first
	// file's, the imports stay.
	revised := comexMunRows(places[3:], []int{3, 4}, 2)
	loadFile(t, db, "comex", writeComexMunRows(t, filepath.Join(dir, "EXP_2024_MUN_rev.csv"), revised), ingest.LoadParams{Flow: "export"})
	want = fileSums(places, revised)
	for c, s := range fileSums(places, first) {
		if c.Month < "2024-03" {
			want[c] = s
		}
	}
	if diff := cmp.Diff(want, martSums(t, db, "export")); diff != "" {
		t.Fatalf("export cells after the revision (-want +mart):\n%s", diff)
	}
	if diff := cmp.Diff(fileSums(places, imports), martSums(t, db, "import")); diff != "" {
		t.Fatalf("the export revision changed imports (-want +mart):\n%s", diff)
	}

	// The auxiliary tables name countries and headings.
	loadFile(t, db, "comex", dataFile(t, "comexstat/tabelas_auxiliares/PAIS.csv"), ingest.LoadParams{})
	sh := filepath.Join(dir, "NCM_SH.csv")
	var b strings.Builder
	b.WriteString(`"CO_SH6";"NO_SH6_POR";"NO_SH6_ESP";"NO_SH6_ING";"CO_SH4";"NO_SH4_POR";"NO_SH4_ESP";"NO_SH4_ING";"CO_SH2";"NO_SH2_POR";"NO_SH2_ESP";"NO_SH2_ING";"CO_NCM_SECROM";"NO_SEC_POR";"NO_SEC_ESP";"NO_SEC_ING"` + "\r\n")
	for _, h := range []string{"1201", "2601", "0901", "8703"} {
		fmt.Fprintf(&b, "\"%s00\";\"Subposi\xe7\xe3o\";\"\";\"\";\"%s\";\"Posi\xe7\xe3o %s\";\"\";\"\";\"%s\";\"Cap\xedtulo %s\";\"\";\"\";\"I\";\"Se\xe7\xe3o\";\"\";\"\"\r\n",
			h, h, h, h[:2], h[:2])
	}
	if err := os.WriteFile(sh, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	loadFile(t, db, "comex", sh, ingest.LoadParams{})
	if err := db.QueryRow(`SELECT count(*) FROM marts.comex_municipal_monthly WHERE country_name IS NULL
		OR sh4_name IS DISTINCT FROM 'Posição ' || sh4 OR sh2_name IS DISTINCT FROM 'Capítulo ' || sh2`).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("%d mart rows unnamed after the auxiliary tables (%v)", bad, err)
	}
	var china string
	if err := db.QueryRow(`SELECT any_value(country_name) FROM marts.comex_municipal_monthly WHERE country = '160'`).Scan(&china); err != nil || china != "China" {
		t.Fatalf("country 160 is %q (%v)", china, err)
	}

	// The territorial table renames a municipality.
	renamed := places[0]
	dtbRaw, err := os.ReadFile(dataFile(t, "ibge_municipios/ibge_dtb_relatorio_municipio.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, string(dtbRaw), ',')
	for _, r := range recs {
		if r[11] == renamed.ibge {
			r[12] += " do Norte"
		}
	}
	dtbPath := filepath.Join(dir, "RELATORIO_DTB_BRASIL_MUNICIPIO.csv")
	f, err := os.Create(dtbPath)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	before := martSums(t, db, "export")
	loadFile(t, db, "ibge_territorio", dtbPath, ingest.LoadParams{})
	var name string
	var n int
	if err := db.QueryRow(`SELECT any_value(municipio_nome), count(DISTINCT municipio_nome) FROM marts.comex_municipal_monthly WHERE municipio = ?`,
		renamed.ibge).Scan(&name, &n); err != nil || name != renamed.name+" do Norte" || n != 1 {
		t.Fatalf("after the rename %s is %q (%d names, %v)", renamed.ibge, name, n, err)
	}
	if diff := cmp.Diff(before, martSums(t, db, "export")); diff != "" {
		t.Fatalf("the rename changed the figures (-before +after):\n%s", diff)
	}
}
