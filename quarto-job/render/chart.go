package render

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chart geometry, in SVG user units (CSS pixels at 100%). Charts scale to the
// page width through their viewBox.
const (
	chartWidth  = 720
	chartHeight = 360
	fontSize    = 11
	fontFamily  = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
)

// palette is Okabe and Ito's colour-blind-safe set, ordered for contrast on
// white; lines also differ by dash pattern.
var (
	palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"}
	dashes  = []string{"", "7 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 4", "6 2 2 2"}
)

// ChartSVG draws a chart as a standalone SVG document with real text
// elements, a title and a description. The output depends only on the
// chart and the locale.
func ChartSVG(c Chart, loc Locale) ([]byte, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	loc = loc.norm()
	d := newChartData(c, loc)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" font-family="%s" font-size="%d">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight, fontFamily, fontSize)
	fmt.Fprintf(&b, "<title id=\"chart-title\">%s</title>\n<desc id=\"chart-desc\">%s</desc>\n", xmlText(c.Caption), xmlText(d.describe()))
	fmt.Fprintf(&b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", chartWidth, chartHeight)
	if !d.hasData {
		drawEmpty(&b, loc)
	} else {
		d.draw(&b)
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

type chartData struct {
	c          Chart
	loc        Locale
	unit       string
	format     string
	categories []string
	names      []string
	values     [][]float64 // [series][category]
	present    [][]bool
	hasData    bool
}

func newChartData(c Chart, loc Locale) *chartData {
	d := &chartData{c: c, loc: loc, unit: c.Unit, format: c.Format}
	xi := c.columnIndex(c.X)
	xcol := c.Columns[xi]
	for _, r := range c.Rows {
		d.categories = append(d.categories, FormatValue(r[xi], xcol, loc))
	}
	for k, s := range c.Series {
		col := c.Columns[c.columnIndex(s)]
		if k == 0 {
			if d.unit == "" {
				d.unit = col.Unit
			}
			if d.format == "" {
				d.format = col.Format
			}
		}
		d.names = append(d.names, col.title())
		vals := make([]float64, len(c.Rows))
		ok := make([]bool, len(c.Rows))
		for i, r := range c.Rows {
			if f, good := toFloat(r[c.columnIndex(s)]); good && !math.IsNaN(f) && !math.IsInf(f, 0) {
				vals[i], ok[i] = f, true
				d.hasData = true
			}
		}
		d.values = append(d.values, vals)
		d.present = append(d.present, ok)
	}
	return d
}

func (d *chartData) isCurrency() bool {
	u := strings.ToUpper(d.unit)
	return d.format == "currency" || u == "BRL" || u == "USD" || u == "EUR"
}

func (d *chartData) isPercent() bool { return d.format == "percent" || d.unit == "%" }

// compact formats one value briefly, for descriptions.
func (d *chartData) compact(v float64) string {
	switch {
	case d.isCurrency():
		return FormatCompactCurrency(v, d.unit, d.loc)
	case d.isPercent():
		return FormatPercent(v, 2, d.loc)
	}
	return FormatCompact(v, d.loc)
}

// valueRange is the span the value axis must show.
func (d *chartData) valueRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	if d.c.Type == StackedBar {
		for i := range d.categories {
			pos, neg := 0.0, 0.0
			for s := range d.values {
				if !d.present[s][i] {
					continue
				}
				if v := d.values[s][i]; v >= 0 {
					pos += v
				} else {
					neg += v
				}
			}
			lo, hi = math.Min(lo, neg), math.Max(hi, pos)
		}
		return lo, hi
	}
	for s := range d.values {
		for i, v := range d.values[s] {
			if d.present[s][i] {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if d.c.Type == Bar {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	return lo, hi
}

func (d *chartData) describe() string {
	kind := map[ChartType][2]string{
		Line:       {"Gráfico de linhas", "Line chart"},
		Bar:        {"Gráfico de barras", "Bar chart"},
		StackedBar: {"Gráfico de barras empilhadas", "Stacked bar chart"},
	}[d.c.Type]
	en := d.loc == En
	if !d.hasData {
		if en {
			return kind[1] + " without data for the period."
		}
		return kind[0] + " sem dados para o período."
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for s := range d.values {
		for i, v := range d.values[s] {
			if d.present[s][i] {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	first, last := d.categories[0], d.categories[len(d.categories)-1]
	names := strings.Join(d.names, ", ")
	if en {
		return fmt.Sprintf("%s with %d series (%s) over %d categories, from %s to %s; values from %s to %s.",
			kind[1], len(d.names), names, len(d.categories), first, last, d.compact(lo), d.compact(hi))
	}
	return fmt.Sprintf("%s com %d série(s) (%s) em %d categorias, de %s a %s; valores de %s a %s.",
		kind[0], len(d.names), names, len(d.categories), first, last, d.compact(lo), d.compact(hi))
}

// unitCaption names units the tick labels do not show.
func (d *chartData) unitCaption() string {
	if d.isCurrency() || d.isPercent() {
		return ""
	}
	names := map[string][2]string{
		"t": {"toneladas", "tonnes"}, "kg": {"kg", "kg"}, "TEU": {"TEU", "TEU"},
		"jobs": {"empregos", "jobs"}, "people": {"pessoas", "people"}, "index": {"índice", "index"},
	}
	n, ok := names[d.unit]
	if !ok {
		return d.unit
	}
	if d.loc == En {
		return n[1]
	}
	return n[0]
}

// chartPadX is the margin left and right of the legend and the unit caption.
const chartPadX = 12

// legendItem is one series' key: where its text starts on the baseline, and
// the series' index (which picks its colour and dash).
type legendItem struct {
	x, y float64
	name string
	k    int
}

// plotArea is the geometry the axes and the series share: the plot's
// corners, the value axis's first and last ticks, and the width each
// category gets.
type plotArea struct {
	x0, x1, y0, y1 float64
	tlo, thi       float64
	band           float64
}

// ypos is where value v sits on the value axis.
func (p *plotArea) ypos(v float64) float64 { return p.y1 - (v-p.tlo)/(p.thi-p.tlo)*(p.y1-p.y0) }

// center is the middle of category i's band.
func (p *plotArea) center(i int) float64 { return p.x0 + p.band*(float64(i)+0.5) }

// draw lays out the legend, the axes and the series, in that order in the
// document, so later elements paint over the grid.
func (d *chartData) draw(b *bytes.Buffer) {
	items, top := d.legendLayout()
	unit := d.unitCaption()
	if unit != "" {
		top += 14
	}
	p, ticks, labels := d.valueAxis(top)
	drawLegend(b, items, d.c.Type)
	if unit != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="#555555" font-size="10">%s</text>`+"\n", num(chartPadX), num(top-4), xmlText(unit))
	}
	p.drawValueAxis(b, ticks, labels)
	d.drawCategoryAxis(b, p)
	switch d.c.Type {
	case Line:
		d.drawLines(b, p)
	case Bar:
		d.drawBars(b, p)
	case StackedBar:
		d.drawStacks(b, p)
	}
}

// legendLayout places the series' keys in rows at the top, wrapping before
// the right margin, and returns them with the y below the last row.
func (d *chartData) legendLayout() ([]legendItem, float64) {
	var items []legendItem
	x, y := float64(chartPadX), 16.0
	for k, n := range d.names {
		n = truncate(n, 60)
		w := 26 + textWidth(n) + 18
		if x > chartPadX && x+w > chartWidth-chartPadX {
			x, y = chartPadX, y+18
		}
		items = append(items, legendItem{x, y, n, k})
		x += w
	}
	return items, y + 14
}

// valueAxis picks the ticks and their labels for the data's range and
// fits the plot area below top, right of the widest label.
func (d *chartData) valueAxis(top float64) (*plotArea, []float64, []string) {
	lo, hi := d.valueRange()
	ticks, step := niceTicks(lo, hi, 5)
	label := d.tickFormatter(ticks, step)
	labels := make([]string, len(ticks))
	maxW := 0.0
	for i, t := range ticks {
		labels[i] = label(t)
		maxW = math.Max(maxW, textWidth(labels[i]))
	}
	p := &plotArea{
		x0:  math.Max(40, maxW+chartPadX+8),
		x1:  float64(chartWidth - 16),
		y0:  top + 6,
		y1:  float64(chartHeight - 30),
		tlo: ticks[0],
		thi: ticks[len(ticks)-1],
	}
	p.band = (p.x1 - p.x0) / float64(len(d.categories))
	return p, ticks, labels
}

// drawLegend draws each key: a line sample for line charts, a swatch
// otherwise.
func drawLegend(b *bytes.Buffer, items []legendItem, typ ChartType) {
	for _, it := range items {
		color, dash := palette[it.k%len(palette)], dashes[it.k%len(dashes)]
		if typ == Line {
			fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"%s/>`+"\n",
				num(it.x), num(it.y-4), num(it.x+22), num(it.y-4), color, dashAttr(dash))
		} else {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="22" height="10" fill="%s"/>`+"\n", num(it.x), num(it.y-9), color)
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="#222222">%s</text>`+"\n", num(it.x+26), num(it.y), xmlText(it.name))
	}
}

// drawValueAxis draws the grid line and label of each tick (a darker line
// at zero when the axis crosses it) and the plot's baseline.
func (p *plotArea) drawValueAxis(b *bytes.Buffer, ticks []float64, labels []string) {
	for i, t := range ticks {
		yy := p.ypos(t)
		stroke, width := "#e3e3e3", "1"
		if t == 0 && p.tlo < 0 {
			stroke, width = "#888888", "1.2"
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`+"\n", num(p.x0), num(yy), num(p.x1), num(yy), stroke, width)
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="#444444">%s</text>`+"\n", num(p.x0-6), num(yy+4), xmlText(labels[i]))
	}
	fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#666666" stroke-width="1"/>`+"\n", num(p.x0), num(p.y1), num(p.x1), num(p.y1))
}

// drawCategoryAxis labels the bands, one per row, thinned so labels never
// overlap.
func (d *chartData) drawCategoryAxis(b *bytes.Buffer, p *plotArea) {
	maxLabel := 0.0
	cats := make([]string, len(d.categories))
	for i, c := range d.categories {
		cats[i] = truncate(c, 18)
		maxLabel = math.Max(maxLabel, textWidth(cats[i]))
	}
	every := int(math.Ceil((maxLabel + 10) / p.band))
	if every < 1 {
		every = 1
	}
	for i := 0; i < len(cats); i += every {
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#666666" stroke-width="1"/>`+"\n", num(p.center(i)), num(p.y1), num(p.center(i)), num(p.y1+4))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#444444">%s</text>`+"\n", num(p.center(i)), num(p.y1+17), xmlText(cats[i]))
	}
}

// drawLines draws each series as a path that lifts the pen over missing
// values, with point markers while there are few enough categories.
func (d *chartData) drawLines(b *bytes.Buffer, p *plotArea) {
	for s := range d.values {
		color, dash := palette[s%len(palette)], dashes[s%len(dashes)]
		var path strings.Builder
		pen := false
		for i := range d.values[s] {
			if !d.present[s][i] {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %s ", cmd, num(p.center(i)), num(p.ypos(d.values[s][i])))
			pen = true
		}
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round"%s/>`+"\n",
			strings.TrimSpace(path.String()), color, dashAttr(dash))
		if len(d.categories) > 40 {
			continue
		}
		for i := range d.values[s] {
			if d.present[s][i] {
				fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="2.6" fill="%s"/>`+"\n", num(p.center(i)), num(p.ypos(d.values[s][i])), color)
			}
		}
	}
}

// drawBars draws the series side by side within each band, from zero.
func (d *chartData) drawBars(b *bytes.Buffer, p *plotArea) {
	group := p.band * 0.76
	w := group / float64(len(d.values))
	for i := range d.categories {
		for s := range d.values {
			if !d.present[s][i] {
				continue
			}
			v := d.values[s][i]
			ya, yb := p.ypos(math.Max(v, 0)), p.ypos(math.Min(v, 0))
			xx := p.x0 + p.band*float64(i) + (p.band-group)/2 + w*float64(s)
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				num(xx), num(ya), num(math.Max(w-1, 0.5)), num(math.Max(yb-ya, 0.5)), palette[s%len(palette)])
		}
	}
}

// drawStacks stacks each band's positive values up from zero and its
// negative values down from it.
func (d *chartData) drawStacks(b *bytes.Buffer, p *plotArea) {
	w := p.band * 0.62
	for i := range d.categories {
		pos, neg := 0.0, 0.0
		for s := range d.values {
			if !d.present[s][i] {
				continue
			}
			v := d.values[s][i]
			var from, to float64
			if v >= 0 {
				from, to = pos, pos+v
				pos = to
			} else {
				from, to = neg+v, neg
				neg = from
			}
			ya, yb := p.ypos(to), p.ypos(from)
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="0.6"/>`+"\n",
				num(p.center(i)-w/2), num(ya), num(w), num(math.Max(yb-ya, 0.5)), palette[s%len(palette)])
		}
	}
}

// drawEmpty draws the panel that says there is nothing to show.
func drawEmpty(b *bytes.Buffer, loc Locale) {
	msg := "Sem dados para o período"
	if loc == En {
		msg = "No data for the period"
	}
	fmt.Fprintf(b, `<rect x="12" y="12" width="%d" height="%d" fill="#f6f7f8" stroke="#b0b0b0" stroke-dasharray="6 4" rx="6"/>`+"\n", chartWidth-24, chartHeight-24)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" font-size="18" fill="#555555">%s</text>`+"\n", chartWidth/2, chartHeight/2+6, xmlText(msg))
}

// tickFormatter labels value-axis ticks with one scale and one precision
// for the whole axis: R$ 0,5 bi, R$ 1,0 bi (pt-BR); R$ 0.5B (en).
func (d *chartData) tickFormatter(ticks []float64, step float64) func(float64) string {
	if d.isPercent() {
		dec := decimalsFor(step)
		return func(v float64) string { return FormatPercent(v, dec, d.loc) }
	}
	maxAbs := 0.0
	for _, t := range ticks {
		maxAbs = math.Max(maxAbs, math.Abs(t))
	}
	var sc *scale
	if maxAbs >= 1e4 {
		sc = pickScale(maxAbs)
	}
	factor := 1.0
	if sc != nil {
		factor = sc.factor
	}
	dec := decimalsFor(step / factor)
	currency := d.isCurrency()
	return func(v float64) string {
		if math.Abs(v) < step/1e6 {
			return "0"
		}
		s := FormatNumber(math.Abs(v)/factor, dec, d.loc) + sc.suffix(d.loc)
		if currency {
			s = currencySymbol(d.unit) + " " + s
		}
		if v < 0 {
			s = "-" + s
		}
		return s
	}
}

// decimalsFor is how many decimals tell ticks step apart (steps are 1, 2 or
// 5 times a power of ten).
func decimalsFor(step float64) int {
	if step <= 0 || math.IsNaN(step) || math.IsInf(step, 0) {
		return 0
	}
	d := -int(math.Floor(math.Log10(step) + 1e-9))
	return min(max(d, 0), 6)
}

// niceTicks covers [lo, hi] with about n ticks at 1, 2 or 5 times a power of
// ten (Heckbert's "nice numbers").
func niceTicks(lo, hi float64, n int) ([]float64, float64) {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if lo == 0 {
			hi = 1
		} else {
			pad := math.Abs(lo) * 0.1
			lo, hi = lo-pad, hi+pad
		}
	}
	rng := niceNum(hi-lo, false)
	step := niceNum(rng/float64(n-1), true)
	first := math.Floor(lo/step + 1e-9)
	last := math.Ceil(hi/step - 1e-9)
	var ticks []float64
	p := math.Pow(10, float64(decimalsFor(step)+2))
	for k := first; k <= last; k++ {
		t := math.Round(k*step*p) / p
		if math.Abs(t) < step/1e9 {
			t = 0
		}
		ticks = append(ticks, t)
	}
	if len(ticks) < 2 {
		ticks = append(ticks, ticks[0]+step)
	}
	return ticks, step
}

func niceNum(x float64, round bool) float64 {
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		nf = 1
	case round && f < 3, !round && f <= 2:
		nf = 2
	case round && f < 7, !round && f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, exp)
}

// textWidth estimates the width of text at the chart's font size (DejaVu
// Sans averages about 0.62 em per character).
func textWidth(s string) float64 {
	return float64(utf8.RuneCountInString(s)) * fontSize * 0.62
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// num writes a coordinate with at most two decimals, the same way every time.
func num(v float64) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func dashAttr(dash string) string {
	if dash == "" {
		return ""
	}
	return ` stroke-dasharray="` + dash + `"`
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func xmlText(s string) string { return xmlEscaper.Replace(s) }
