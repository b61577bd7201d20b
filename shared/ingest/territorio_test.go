package ingest_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/ingest"
)

func loadFile(t testing.TB, db *sql.DB, source, path string, p ingest.LoadParams) ingest.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := duckdb.Load(context.Background(), db, source, filepath.Base(path), f, p)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	return rep
}

func TestTerritorioDTB(t *testing.T) {
	db := warehouse(t)
	rep := loadFile(t, db, "ibge_territorio", dataFile(t, "ibge_municipios/ibge_dtb_relatorio_municipio.csv"), ingest.LoadParams{})
	if rep.RowsRead != 5570 || rep.RowsLoaded != 5570 || rep.Layout != "dtb_municipio" || len(rep.SHA256) != 64 || rep.Bytes != 659542 {
		t.Fatalf("report = %+v", rep)
	}
	// The nine codes IBGE assigned outside its check-digit rule are noted.
	if len(rep.Notes) != 9 {
		t.Fatalf("notes: %v", rep.Notes)
	}
	var n, ufs, capitals, regions, imediatas, intermediarias int
	err := db.QueryRow(`SELECT count(*), count(DISTINCT uf), count(*) FILTER (WHERE capital), count(DISTINCT region),
		count(DISTINCT regiao_imediata), count(DISTINCT regiao_intermediaria) FROM core.dim_municipio`).Scan(&n, &ufs, &capitals, &regions, &imediatas, &intermediarias)
	if err != nil || n != 5570 || ufs != 27 || capitals != 27 || regions != 5 || imediatas != 510 || intermediarias != 133 {
		t.Fatalf("dim_municipio: %d rows, %d UFs, %d capitals, %d regions, %d immediate, %d intermediate regions (%v)",
			n, ufs, capitals, regions, imediatas, intermediarias, err)
	}
	var bad int
	if err := db.QueryRow(`SELECT count(*) FROM core.dim_municipio WHERE NOT regexp_full_match(municipio, '[0-9]{7}')
		OR NOT regexp_full_match(regiao_imediata, '[0-9]{6}') OR NOT regexp_full_match(regiao_intermediaria, '[0-9]{4}')
		OR region NOT IN ('Norte', 'Nordeste', 'Sudeste', 'Sul', 'Centro-Oeste') OR left(municipio, 2) <> uf_code`).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("%d malformed rows (%v)", bad, err)
	}
	var nome, uf, region string
	if err := db.QueryRow(`SELECT municipio_nome, uf, region FROM core.dim_municipio WHERE municipio = '1100015'`).Scan(&nome, &uf, &region); err != nil ||
		nome != "Alta Floresta D'Oeste" || uf != "RO" || region != "Norte" {
		t.Fatalf("1100015 = %q %q %q (%v)", nome, uf, region, err)
	}
}

// The community table adds the municipality created in 2025 and agrees on
// the capitals, keeping the regions the DTB gave.
func TestTerritorioKelvins(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	rep := loadFile(t, db, "ibge_territorio", dataFile(t, "ibge_municipios/kelvins_municipios.csv"), ingest.LoadParams{})
	if rep.RowsRead != 5571 || rep.Layout != "kelvins_municipios" {
		t.Fatalf("report %+v", rep)
	}
	var n, withRegions, capitals int
	if err := db.QueryRow(`SELECT count(*), count(regiao_imediata), count(*) FILTER (WHERE capital) FROM core.dim_municipio`).Scan(&n, &withRegions, &capitals); err != nil ||
		n != 5571 || withRegions != 5570 || capitals != 27 {
		t.Fatalf("%d municipalities, %d with regions, %d capitals (%v)", n, withRegions, capitals, err)
	}
	var nome string
	if err := db.QueryRow(`SELECT municipio_nome FROM core.dim_municipio WHERE municipio = '5101837'`).Scan(&nome); err != nil || nome != "Boa Esperança do Norte" {
		t.Fatalf("5101837 = %q (%v)", nome, err)
	}
}

// The source ids are those of the Postgres source catalog's seed.
func TestSourcesMatchTheCatalogSeed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "postgres", "migrations", "00001_tenancy.sql"))
	if err != nil {
		t.Fatal(err)
	}
	seed := string(raw)
	if i := strings.Index(seed, "INSERT INTO source_catalog"); i >= 0 {
		seed = seed[i:]
	}
	var seeded []string
	for _, m := range regexp.MustCompile(`\('([a-z_]+)', '[^']*', '[^']*', '(daily|weekly|monthly|quarterly|annual|irregular)'`).FindAllStringSubmatch(seed, -1) {
		seeded = append(seeded, m[1])
	}
	var ours []string
	for _, s := range ingest.Sources() {
		ours = append(ours, s.ID)
		if s.Owner == "" || s.Frequency == "" || s.SLA <= 0 || s.URL == "" || len(s.Layouts) == 0 {
			t.Errorf("%s is incomplete: %+v", s.ID, s)
		}
	}
	if len(seeded) != 7 || !slices.Equal(seeded, ours) {
		t.Fatalf("sources %v, the seed has %v", ours, seeded)
	}
	if _, err := duckdb.Load(context.Background(), warehouse(t), "nope", "x.csv", nil, ingest.LoadParams{}); err == nil {
		t.Fatal("an unknown source loaded")
	}
}
