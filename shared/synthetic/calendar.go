package synthetic

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// The demo periods. Monthly marts run from FirstMonth through LastMonth, the
// watermark; annual marts end at their own watermark.
const (
	FirstMonth        = "2019-01"
	LastMonth         = "2025-09"
	IPCAFirstMonth    = "2010-01" // far enough back to deflate every BRL series
	PIBFirstYear      = 2010
	PIBLastYear       = 2023
	SiconfiFirstYear  = 2015
	SiconfiLastYear   = 2024
	firstYear         = 2019
	monthsInDemo      = (2025-firstYear)*12 + 9
	ipcaFirstYear     = 2010
	monthsInIPCA      = (2025-ipcaFirstYear)*12 + 9
	monthlyWatermark  = LastMonth
	pibWatermark      = "2023"
	siconfiWatermark  = "2024"
	comexDefaultRows  = 300_000
	progressEveryRows = 1 << 15
)

// month is a month counted from January of a base year (0 = January).
type month int

func (m month) year(base int) int { return base + int(m)/12 }
func (m month) moy() int          { return int(m)%12 + 1 } // 1..12
func (m month) date(base int) time.Time {
	return time.Date(m.year(base), time.Month(m.moy()), 1, 0, 0, 0, 0, time.UTC)
}

// newRand returns a PCG stream for one part of the data: the same seed and
// stream name always give the same numbers, and parts do not share streams.
func newRand(seed int64, stream string, sub ...uint64) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stream))
	s := h.Sum64()
	for _, x := range sub {
		s = s*0x9E3779B97F4A7C15 + x + 1
	}
	return rand.New(rand.NewPCG(uint64(seed), s))
}

// lognoise is a multiplicative noise factor with mean 1.
func lognoise(r *rand.Rand, sigma float64) float64 {
	return math.Exp(sigma*r.NormFloat64() - sigma*sigma/2)
}

// normalized returns w scaled to sum 1.
func normalized(w []float64) []float64 {
	var s float64
	for _, x := range w {
		s += x
	}
	out := make([]float64, len(w))
	for i, x := range w {
		out[i] = x / s
	}
	return out
}

// seasonal turns twelve relative monthly levels into factors averaging 1.
func seasonal(levels [12]float64) [12]float64 {
	var s float64
	for _, x := range levels {
		s += x
	}
	var out [12]float64
	for i, x := range levels {
		out[i] = x * 12 / s
	}
	return out
}

// roundTo rounds x to d decimals.
func roundTo(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}
