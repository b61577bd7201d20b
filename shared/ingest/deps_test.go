package ingest_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/ingest"
)

// Every source whose rows name municipalities declares the territorial
// table, and every declaration names real sources, layouts and models.
func TestRequirementsAreDeclared(t *testing.T) {
	municipal := map[string]string{"pib_municipal": "", "caged": "", "siconfi": "", "comex": "mun"}
	for _, s := range ingest.Sources() {
		for _, q := range s.Requires {
			from, ok := ingest.FindSource(q.Source)
			if !ok {
				t.Errorf("%s requires unknown source %q", s.ID, q.Source)
				continue
			}
			for _, l := range q.Layouts {
				if !slices.Contains(from.Layouts, l) {
					t.Errorf("%s requires layout %q, which %s does not have", s.ID, l, q.Source)
				}
			}
			for _, l := range q.For {
				if !slices.Contains(s.Layouts, l) {
					t.Errorf("%s: a requirement for layout %q, which it does not have", s.ID, l)
				}
			}
			for _, m := range q.Refresh {
				for _, dialect := range []string{"duckdb", "bigquery"} {
					if _, err := ingest.Model(dialect, m); err != nil {
						t.Errorf("%s: refresh model %s: %v", s.ID, m, err)
					}
				}
			}
			cmd := q.Command()
			if !strings.HasPrefix(cmd, "load "+q.Source) || !strings.Contains(cmd, "make ingest SOURCE="+q.Source+" FILE=<") || strings.Contains(cmd, "'") {
				t.Errorf("%s: refusal %q does not say what to load, or holds a quote BigQuery's check cannot carry", s.ID, cmd)
			}
		}
		layout, ok := municipal[s.ID]
		if !ok {
			continue
		}
		i := slices.IndexFunc(s.Requires, func(q ingest.Requirement) bool {
			return q.Source == "ibge_territorio" && !q.NamesOnly && (len(q.For) == 0 || slices.Contains(q.For, layout))
		})
		if i < 0 || len(s.Requires[i].Refresh) == 0 {
			t.Errorf("%s (layout %q) does not declare the territorial table with the refresh of its marts", s.ID, layout)
		}
	}
}

// A load reports the rows the marts publish, counted in core; a
// file loaded again over the same reference data is a no-op that reports
// the same; the territorial table loaded again renames the dependent marts
// at once, and the same file then loads again rather than being skipped.
func TestTerritoryReloadRefreshesAndReloadsDependents(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	caged := dataFile(t, "caged/CAGEDEXC202301.txt")
	first := loadFile(t, db, "caged", caged, ingest.LoadParams{})
	var inCore int64
	if err := db.QueryRow(`SELECT count(*) FROM core.fact_caged WHERE file_sha256 = ?`, first.SHA256).Scan(&inCore); err != nil {
		t.Fatal(err)
	}
	if first.Skipped || first.RowsPublished != inCore || first.RowsPublished != first.RowsLoaded || first.RowsSkipped == 0 {
		t.Fatalf("first load: skipped %v, %d landed, %d published (core has %d), %d skipped",
			first.Skipped, first.RowsLoaded, first.RowsPublished, inCore, first.RowsSkipped)
	}
	again := loadFile(t, db, "caged", caged, ingest.LoadParams{})
	if !again.Skipped || again.RowsPublished != first.RowsPublished || again.RowsSkipped != first.RowsSkipped ||
		!slices.Equal(again.SkippedWhy, first.SkippedWhy) {
		t.Fatalf("the same file over the same territory: skipped %v, %d published, %d skipped %q; first %d, %d %q",
			again.Skipped, again.RowsPublished, again.RowsSkipped, again.SkippedWhy, first.RowsPublished, first.RowsSkipped, first.SkippedWhy)
	}

	var mun, name string
	var net0 int64
	if err := db.QueryRow(`SELECT municipio, any_value(municipio_nome), sum(net) FROM marts.caged_monthly
		WHERE municipio_nome NOT LIKE '%''%' GROUP BY municipio ORDER BY municipio LIMIT 1`).Scan(&mun, &name, &net0); err != nil {
		t.Fatal(err)
	}
	renamed := name + " (nome revisto)"
	dtb := copyWith(t, dataFile(t, "ibge_municipios/ibge_dtb_relatorio_municipio.csv"), ","+mun+","+name+"\n", ","+mun+","+renamed+"\n")
	loadFile(t, db, "ibge_territorio", dtb, ingest.LoadParams{})
	var got string
	if err := db.QueryRow(`SELECT string_agg(DISTINCT municipio_nome, '|') FROM marts.caged_monthly WHERE municipio = ?`, mun).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != renamed {
		t.Fatalf("after the territory was loaded again, the CAGED mart names %s %q, want %q", mun, got, renamed)
	}

	reload := loadFile(t, db, "caged", caged, ingest.LoadParams{})
	if reload.Skipped || reload.RowsPublished != first.RowsPublished {
		t.Fatalf("the same file over a new territory: skipped %v, %d published; want it loaded again, %d published",
			reload.Skipped, reload.RowsPublished, first.RowsPublished)
	}
	var net1 int64
	if err := db.QueryRow(`SELECT sum(net) FROM marts.caged_monthly WHERE municipio = ?`, mun).Scan(&net1); err != nil {
		t.Fatal(err)
	}
	if net1 != net0 {
		t.Fatalf("saldo of %s: %d after the reload, %d before", mun, net1, net0)
	}
	if last := loadFile(t, db, "caged", caged, ingest.LoadParams{}); !last.Skipped {
		t.Fatal("loaded a third time over the same territory, the file was not skipped")
	}
}

// A landed row that reaches no mart refuses the load, whatever
// lost it (here a model deleting one municipality's cells after core was
// built), and the refused load leaves every layer as it was.
func TestALandedRowThatReachesNoMartRefusesTheLoad(t *testing.T) {
	db := warehouse(t)
	loadDTB(t, db)
	undo := ingest.DropAfterModels("caged", `DELETE FROM core.fact_caged WHERE municipio = (SELECT min(municipio) FROM core.fact_caged)`)
	defer undo()
	err := loadErr(t, db, "caged", dataFile(t, "caged/CAGEDEXC202301.txt"))
	var ce *ingest.ContractError
	if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "landed rows would reach no mart (3863 landed, ") {
		t.Fatalf("a load losing rows: %v", err)
	}
	var logged, cells int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM landing.ingest_files WHERE source = 'caged'), (SELECT count(*) FROM marts.caged_monthly)`).Scan(&logged, &cells); err != nil {
		t.Fatal(err)
	}
	if logged != 0 || cells != 0 {
		t.Fatalf("the refused load left %d log rows and %d mart cells", logged, cells)
	}
	undo()
	if rep := loadFile(t, db, "caged", dataFile(t, "caged/CAGEDEXC202301.txt"), ingest.LoadParams{}); rep.RowsPublished != rep.RowsLoaded {
		t.Fatalf("the same file without the loss: %d landed, %d published", rep.RowsLoaded, rep.RowsPublished)
	}
}
