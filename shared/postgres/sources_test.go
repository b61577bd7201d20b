package postgres_test

import (
	"context"
	"testing"

	"github.com/mirante/mirante/shared/pgtest"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/semantic"
)

// A source loaded again with the same watermark (a corrected file) gives
// its datasets a new load stamp, which query cache keys carry; the
// catalog keeps the load's published, landed and skipped rows, and a load
// of already-current content keeps them.
func TestReloadWithTheSameWatermarkChangesTheStamp(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	app := openApp(t, db)
	marks := postgres.NewWatermarkService(app, 0)
	catalog := postgres.NewSourceService(app)
	ds := &semantic.Dataset{ID: "pib_municipal", Source: "pib_municipal", Scope: semantic.Public}

	if err := catalog.RecordLoad(ctx, "pib_municipal", "2023", "sha-a", &postgres.LoadCounts{Published: 10, Landed: 12, Skipped: 2}); err != nil {
		t.Fatal(err)
	}
	wm1, stamp1, err := marks.Mark(ctx, ds)
	if err != nil || wm1 != "2023" || stamp1 == "" {
		t.Fatalf("after the first load: %q %q %v", wm1, stamp1, err)
	}
	if err := catalog.RecordLoad(ctx, "pib_municipal", "2023", "sha-b", &postgres.LoadCounts{Published: 11, Landed: 12, Skipped: 1}); err != nil {
		t.Fatal(err)
	}
	wm2, stamp2, err := marks.Mark(ctx, ds)
	if err != nil || wm2 != "2023" || stamp2 == stamp1 {
		t.Fatalf("a corrected file with the same watermark: %q %q (before %q) %v", wm2, stamp2, stamp1, err)
	}
	// The territorial table loaded again changes the stamp of PIB's
	// datasets too: its marts take their names from it.
	if err := catalog.RecordLoad(ctx, "ibge_territorio", "2026-12-06", "sha-t", &postgres.LoadCounts{Published: 5570, Landed: 5570}); err != nil {
		t.Fatal(err)
	}
	if _, stamp3, err := marks.Mark(ctx, ds); err != nil || stamp3 == stamp2 {
		t.Fatalf("after the territory: stamp %q (before %q) %v", stamp3, stamp2, err)
	}

	if err := catalog.RecordLoad(ctx, "pib_municipal", "2023", "", nil); err != nil {
		t.Fatal(err)
	}
	es, err := catalog.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.ID != "pib_municipal" {
			continue
		}
		if e.RowsLoaded == nil || e.RowsLanded == nil || e.RowsSkipped == nil || *e.RowsLoaded != 11 || *e.RowsLanded != 12 || *e.RowsSkipped != 1 || e.Checksum != "sha-b" {
			t.Fatalf("catalog entry after an unchanged load: published %v landed %v skipped %v checksum %q", e.RowsLoaded, e.RowsLanded, e.RowsSkipped, e.Checksum)
		}
		return
	}
	t.Fatal("no pib_municipal in the catalog")
}
