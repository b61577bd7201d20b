package synthetic

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// comexMunicipalPlaces is how many of a state's demo municipalities share
// the state's trade in one SH4 heading (fewer where the state has fewer).
const comexMunicipalPlaces = 2

// comexMunicipalShare is one municipality's share of its state's trade in
// one SH4 heading; rank 1 is the largest share.
type comexMunicipalShare struct {
	uf, sh4, municipio string
	rank               int
	w                  float64
}

// comexMunicipalShares splits each state's trade in each heading among up
// to comexMunicipalPlaces of its demo municipalities, weighted by their GDP
// with wide noise per heading (a port city ships ore, another the soy), so
// that the shares of a (state, heading) add up to one. Every state has its
// capital among the municipalities, so every (state, heading) of
// comex_monthly has a share.
func comexMunicipalShares(seed int64) []comexMunicipalShare {
	var sh4s []string
	seen := map[string]bool{}
	for _, p := range products {
		if !seen[p.sh4()] {
			seen[p.sh4()] = true
			sh4s = append(sh4s, p.sh4())
		}
	}
	var out []comexMunicipalShare
	for ui, u := range ufs {
		var places []int
		for mi, m := range municipalities {
			if m.uf == u.abbr {
				places = append(places, mi)
			}
		}
		for hi, sh4 := range sh4s {
			r := newRand(seed, "comex-municipal", uint64(ui), uint64(hi))
			w := make([]float64, len(places))
			for k, mi := range places {
				m := municipalities[mi]
				w[k] = m.pop2022 * m.pibpc2021 * lognoise(r, 0.9)
			}
			order := make([]int, len(places))
			for k := range order {
				order[k] = k
			}
			sort.SliceStable(order, func(a, b int) bool { return w[order[a]] > w[order[b]] })
			if len(order) > comexMunicipalPlaces {
				order = order[:comexMunicipalPlaces]
			}
			kept := make([]float64, len(order))
			for k, o := range order {
				kept[k] = w[o]
			}
			for k, share := range normalized(kept) {
				out = append(out, comexMunicipalShare{u.abbr, sh4, municipalities[places[order[k]]].code, k + 1, share})
			}
		}
	}
	return out
}

// comexMunicipalInsertSQL derives marts.comex_municipal_monthly from the
// demo's marts.comex_monthly: each (month, flow, state, heading, country)
// cell is split by the shares, every municipality but the largest rounded
// to whole dollars and kilograms and the largest taking the rest, so the
// municipal mart's totals by month, flow, state, heading and country equal
// comex_monthly's exactly. Only the generator's own constants are spliced
// in.
func comexMunicipalInsertSQL(shares []comexMunicipalShare) string {
	var values strings.Builder
	for i, s := range shares {
		if i > 0 {
			values.WriteString(",\n  ")
		}
		m := municipalities[municipalityIndex[s.municipio]]
		fmt.Fprintf(&values, "(%s, %s, %s, %s, %d, %.17g)", sqlString(s.uf), sqlString(s.sh4), sqlString(s.municipio),
			sqlString(m.name), s.rank, s.w)
	}
	return `INSERT INTO marts.comex_municipal_monthly (month, year, flow, uf, region, municipio, municipio_nome, regiao_imediata,
  regiao_imediata_nome, sh4, sh4_name, sh2, sh2_name, country, country_name, vl_fob_usd, kg_liquido)
WITH shares (uf, sh4, municipio, municipio_nome, rank, w) AS (VALUES
  ` + values.String() + `
), cells AS (
  SELECT month, year, flow, uf, region, sh4, any_value(sh4_name) AS sh4_name, sh2, any_value(sh2_name) AS sh2_name,
         country, any_value(country_name) AS country_name, sum(vl_fob_usd) AS vl, sum(kg_liquido) AS kg
  FROM marts.comex_monthly
  GROUP BY month, year, flow, uf, region, sh4, sh2, country
), parts AS (
  SELECT c.*, s.municipio, s.municipio_nome, s.rank,
         CASE WHEN s.rank > 1 THEN round(c.vl * s.w) END AS vl_part, CASE WHEN s.rank > 1 THEN round(c.kg * s.w) END AS kg_part
  FROM cells c JOIN shares s ON s.uf = c.uf AND s.sh4 = c.sh4
), split AS (
  SELECT *,
         CASE WHEN rank = 1 THEN vl - coalesce(sum(vl_part) OVER cell, 0) ELSE vl_part END AS vl_fob_usd,
         CASE WHEN rank = 1 THEN kg - coalesce(sum(kg_part) OVER cell, 0) ELSE kg_part END AS kg_liquido
  FROM parts
  WINDOW cell AS (PARTITION BY month, flow, uf, sh4, country)
)
SELECT month, year, flow, uf, region, municipio, municipio_nome, NULL, NULL, sh4, sh4_name, sh2, sh2_name,
       country, country_name, vl_fob_usd, kg_liquido
FROM split
WHERE vl_fob_usd > 0 OR kg_liquido > 0
ORDER BY month, flow, uf, municipio`
}

// fillComexMunicipal writes marts.comex_municipal_monthly from the
// comex_monthly rows already written on conn (see comexMunicipalInsertSQL).
func fillComexMunicipal(ctx context.Context, conn *sql.Conn, seed int64) (int64, error) {
	res, err := conn.ExecContext(ctx, comexMunicipalInsertSQL(comexMunicipalShares(seed)))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
