package ingest_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/territory"
)

// The ref_dim_uf model of each dialect writes shared/territory's table out
// as SQL (plus the Comex Stat prefix, which only the warehouse uses); both
// must hold the same 27 rows, in the same order.
func TestRefDimUFIsTheTerritoryTable(t *testing.T) {
	quoted := regexp.MustCompile(`'([^']*)'`)
	for _, dialect := range []string{"duckdb", "bigquery"} {
		text, err := ingest.Model(dialect, "ref_dim_uf")
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "--") {
				continue
			}
			var row []string
			for _, m := range quoted.FindAllStringSubmatch(line, -1) {
				row = append(row, m[1])
			}
			if len(row) > 0 {
				rows = append(rows, row)
			}
		}
		states := territory.States()
		if len(rows) != len(states) {
			t.Fatalf("%s: %d rows, want %d", dialect, len(rows), len(states))
		}
		secex := map[string]bool{}
		for i, s := range states {
			want := []string{s.Code, s.Sigla, s.Name, s.Region().Name, s.Capital}
			if len(rows[i]) != 6 || strings.Join(rows[i][:5], "|") != strings.Join(want, "|") {
				t.Errorf("%s row %d: %q, want %q and a Comex Stat prefix", dialect, i+1, rows[i], want)
				continue
			}
			if c := rows[i][5]; len(c) != 2 || secex[c] {
				t.Errorf("%s %s: Comex Stat prefix %q is not two characters or repeats", dialect, s.Sigla, c)
			}
			secex[rows[i][5]] = true
		}
	}
}
