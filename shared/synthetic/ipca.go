package synthetic

import (
	"math"
)

// IPCA facts: the published December-to-December change of each year (%),
// and the index of December 2019 (December 1993 = 100). 2025 is a
// full-year rate of which the demo shows January to September.
var (
	ipcaAnnual = map[int]float64{
		2009: 4.31, 2010: 5.91, 2011: 6.50, 2012: 5.84, 2013: 5.91, 2014: 6.41, 2015: 10.67, 2016: 6.29,
		2017: 2.95, 2018: 3.75, 2019: 4.31, 2020: 4.52, 2021: 10.06, 2022: 5.79, 2023: 4.62, 2024: 4.83, 2025: 4.6,
	}
	ipcaDec2019 = 5320.25
	// ipcaSeason is the usual monthly profile (%): dearer food and school
	// fees early in the year, cheaper food mid-year.
	ipcaSeason = [12]float64{0.45, 0.55, 0.45, 0.40, 0.35, 0.25, 0.20, 0.15, 0.25, 0.35, 0.35, 0.50}
	// ipcaShocks are one-off monthly moves (percentage points): the 2020
	// lockdown and the 2022 fuel tax cuts.
	ipcaShocks = map[[2]int]float64{
		{2020, 4}: -0.7, {2020, 5}: -0.7, {2022, 7}: -1.2, {2022, 8}: -0.8, {2022, 9}: -0.6,
	}
)

// ipcaRow is one month of marts.ipca_monthly.
type ipcaRow struct {
	m                     month // from January 2010
	index, momPct, yoyPct float64
}

// genIPCA returns January 2010 through the last demo month. Each year's
// twelve monthly changes are drawn around the seasonal profile and shifted so
// they compound exactly to the published annual change; the index is kept
// to two decimals as IBGE publishes it, and both changes are computed from
// the rounded index.
func genIPCA(seed int64) []ipcaRow {
	const first = 2009 // one year before the output, for the first 12-month changes
	// December 2008 from the anchor and the published annual changes.
	dec := ipcaDec2019
	for y := 2019; y >= first; y-- {
		dec /= 1 + ipcaAnnual[y]/100
	}
	r := newRand(seed, "ipca")
	var index []float64
	prev := dec
	for y := first; y <= 2025; y++ {
		var logs [12]float64
		var sum float64
		for i := range logs {
			pct := ipcaSeason[i] + ipcaShocks[[2]int{y, i + 1}] + 0.12*r.NormFloat64()
			logs[i] = math.Log1p(pct / 100)
			sum += logs[i]
		}
		shift := (math.Log1p(ipcaAnnual[y]/100) - sum) / 12
		base := prev
		var acc float64
		for i := range logs {
			acc += logs[i] + shift
			index = append(index, roundTo(base*math.Exp(acc), 2))
		}
		prev = index[len(index)-1]
	}
	out := make([]ipcaRow, 0, monthsInIPCA)
	for k := 12; k < 12+monthsInIPCA; k++ {
		prevMonth := dec
		if k > 0 {
			prevMonth = index[k-1]
		}
		out = append(out, ipcaRow{
			m:      month(k - 12),
			index:  index[k],
			momPct: (index[k]/prevMonth - 1) * 100,
			yoyPct: (index[k]/index[k-12] - 1) * 100,
		})
	}
	return out
}
