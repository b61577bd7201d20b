package synthetic

import (
	"fmt"
	"testing"
)

// The municipal demo mart is comex_monthly split among each state's demo
// municipalities: every (month, flow, state, heading, country) cell has the
// same FOB value and weight in both marts, to the dollar and kilogram; each
// (state, heading) goes to at most comexMunicipalPlaces municipalities of
// that state; values are whole and positive.
func TestComexMunicipalAgreesWithComex(t *testing.T) {
	db, rep := defaultFill(t)
	n := rep.Marts[ComexMunicipal].Rows
	t.Logf("%d municipal rows from %d comex_monthly rows", n, rep.Marts[ComexMonthly].Rows)
	if n < rep.Marts[ComexMonthly].Rows/4 || n > 3*rep.Marts[ComexMonthly].Rows {
		t.Errorf("%d municipal rows for %d comex_monthly rows", n, rep.Marts[ComexMonthly].Rows)
	}
	const cells = `SELECT month, flow, uf, sh4, country, sum(vl_fob_usd) AS vl, sum(kg_liquido) AS kg FROM marts.%s GROUP BY ALL`
	diff := queryInt(t, db, `SELECT count(*) FROM (`+fmt.Sprintf(cells, "comex_monthly")+`) c
		FULL JOIN (`+fmt.Sprintf(cells, "comex_municipal_monthly")+`) m USING (month, flow, uf, sh4, country)
		WHERE c.vl IS DISTINCT FROM m.vl OR c.kg IS DISTINCT FROM m.kg`)
	if diff != 0 {
		t.Errorf("%d (month, flow, uf, sh4, country) cells differ between comex_monthly and comex_municipal_monthly", diff)
	}
	if bad := queryInt(t, db, `SELECT count(*) FROM (SELECT uf, sh4 FROM marts.comex_municipal_monthly GROUP BY uf, sh4
		HAVING count(DISTINCT municipio) > ?)`, comexMunicipalPlaces); bad != 0 {
		t.Errorf("%d (state, heading) pairs spread over more than %d municipalities", bad, comexMunicipalPlaces)
	}
	if bad := queryInt(t, db, `SELECT count(*) FROM marts.comex_municipal_monthly WHERE vl_fob_usd < 0 OR kg_liquido < 0
		OR vl_fob_usd <> round(vl_fob_usd) OR kg_liquido <> round(kg_liquido) OR (vl_fob_usd = 0 AND kg_liquido = 0)`); bad != 0 {
		t.Errorf("%d municipal rows are negative, fractional or empty", bad)
	}
	if dup := queryInt(t, db, `SELECT count(*) FROM (SELECT month, flow, municipio, sh4, country FROM marts.comex_municipal_monthly
		GROUP BY ALL HAVING count(*) > 1)`); dup != 0 {
		t.Errorf("%d cells of the mart's grain appear more than once", dup)
	}
	// Not every state's trade lands in its capital.
	if n := queryInt(t, db, `SELECT count(DISTINCT municipio) FROM marts.comex_municipal_monthly`); n <= int64(len(ufs)) {
		t.Errorf("the trade lands in %d municipalities only", n)
	}
}
