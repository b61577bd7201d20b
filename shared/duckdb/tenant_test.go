package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/uploads"
)

func TestLoadTenantMetricsReplacesWhatTheFileCovers(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := semantic.TenantScope{OrgID: "org-a"}
	b := semantic.TenantScope{OrgID: "org-b"}
	c := semantic.TenantScope{OrgID: "org-c", Dataset: "tenant_c"}
	parse := func(s string) *uploads.File {
		f, err := uploads.Parse([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	first := parse("month;municipio;metric;value\n2024-01;3550308;teu;1\n2024-02;3550308;teu;2\n2024-02;3550308;espera;5\n")
	for _, s := range []semantic.TenantScope{a, b, c} {
		if _, _, err := db.LoadTenantMetrics(ctx, s, first); err != nil {
			t.Fatal(err)
		}
	}
	wm, n, err := db.LoadTenantMetrics(ctx, a, first) // again: no change
	if err != nil || wm != "2024-02" || n != 3 {
		t.Fatalf("reload: %s %d %v", wm, n, err)
	}
	revised := parse("month;uf;metric;value\n2024-02;SP;teu;20\n2024-03;SP;teu;30\n")
	wm, n, err = db.LoadTenantMetrics(ctx, a, revised)
	if err != nil || wm != "2024-03" {
		t.Fatalf("revised: %s %v", wm, err)
	}
	// teu of 2024-02 and 2024-03 replaced; teu of 2024-01 and espera kept.
	var sum float64
	if err := db.SQL().QueryRow(`select sum(value) from marts.tenant_metrics where tenant_key = 'org-a'`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if n != 4 || sum != 1+5+20+30 {
		t.Fatalf("after the revision: %d rows summing %v", n, sum)
	}
	// The other orgs are untouched, and C's rows live in its own schema only.
	var bSum, cRows, cInShared float64
	db.SQL().QueryRow(`select sum(value) from marts.tenant_metrics where tenant_key = 'org-b'`).Scan(&bSum)
	db.SQL().QueryRow(`select count(*) from tenant_c.tenant_metrics`).Scan(&cRows)
	db.SQL().QueryRow(`select count(*) from marts.tenant_metrics where tenant_key = 'org-c'`).Scan(&cInShared)
	if bSum != 8 || cRows != 3 || cInShared != 0 {
		t.Fatalf("b sum %v, c rows %v, c in the shared mart %v", bSum, cRows, cInShared)
	}
	var uf, region string
	db.SQL().QueryRow(`select uf, region from marts.tenant_metrics where tenant_key = 'org-a' and municipio = '3550308' limit 1`).Scan(&uf, &region)
	if uf != "SP" || region != "Sudeste" {
		t.Fatalf("uf %q region %q from the municipality code", uf, region)
	}
}

func TestOneHandlePerFileInAProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	a, err := Open(ctx, Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, Config{Path: path})
	if err != nil {
		t.Fatalf("a second open of the same file in the process: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.SQL().Ping(); err != nil {
		t.Fatalf("closing one user closed the other's handle: %v", err)
	}
	b.Close()
}
