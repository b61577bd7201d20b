package render

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// svgTexts parses an SVG and returns its <text> contents, its title and
// its description; it fails the test when the SVG is not well-formed.
func svgTexts(t *testing.T, svg []byte) (texts []string, title, desc string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var cur string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			cur = x.Name.Local
		case xml.CharData:
			s := strings.TrimSpace(string(x))
			if s == "" {
				continue
			}
			switch cur {
			case "text":
				texts = append(texts, s)
			case "title":
				title = s
			case "desc":
				desc = s
			}
		case xml.EndElement:
			cur = ""
		}
	}
	return texts, title, desc
}

func TestChartSVG(t *testing.T) {
	t.Parallel()
	doc := standardDoc(t, "pt-BR")
	cases := []struct {
		chart  int
		loc    Locale
		want   []string
		desc   string
		reject []string
	}{
		{0, PtBR, []string{"Exportações", "Importações", "jan.\u00a02024", "US$ 2,5 bi", "US$ 1,0 bi"}, "Gráfico de linhas", []string{"Jan\u00a02024"}},
		{0, En, []string{"Jan\u00a02024", "US$ 2.5B", "US$ 1.0B"}, "Line chart", []string{"jan.\u00a02024"}},
		{1, PtBR, []string{"SP", "GO", "US$ 10 bi", "0", "2023", "2024"}, "Gráfico de barras", nil},
		{2, PtBR, []string{"toneladas", "800 mi", "Granel sólido", "Carga geral"}, "Gráfico de barras empilhadas", nil},
		{2, En, []string{"tonnes", "800M"}, "Stacked bar chart", nil},
	}
	for _, tc := range cases {
		c := doc.Charts[tc.chart]
		svg, err := ChartSVG(c, tc.loc)
		if err != nil {
			t.Fatal(err)
		}
		texts, title, desc := svgTexts(t, svg)
		joined := "\n" + strings.Join(texts, "\n") + "\n"
		for _, w := range tc.want {
			if !strings.Contains(joined, "\n"+w+"\n") {
				t.Errorf("%s/%s: no <text> %q among %q", c.ID, tc.loc, w, texts)
			}
		}
		for _, r := range tc.reject {
			if strings.Contains(joined, r) {
				t.Errorf("%s/%s: unexpected text %q", c.ID, tc.loc, r)
			}
		}
		if title != c.Caption {
			t.Errorf("%s: <title> = %q, want the caption %q", c.ID, title, c.Caption)
		}
		if !strings.HasPrefix(desc, tc.desc) {
			t.Errorf("%s/%s: <desc> = %q, want it to start with %q", c.ID, tc.loc, desc, tc.desc)
		}
		if !bytes.Contains(svg, []byte(`viewBox="0 0 720 360"`)) {
			t.Errorf("%s: no viewBox, the chart would not scale", c.ID)
		}
	}
}

func TestChartSVGDeterministic(t *testing.T) {
	t.Parallel()
	for _, c := range standardDoc(t, "pt-BR").Charts {
		a, err := ChartSVG(c, PtBR)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			// A fresh document each time: nothing may depend on map order,
			// time or pointers.
			b, err := ChartSVG(standardDoc(t, "pt-BR").chart(c.ID), PtBR)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("chart %s: two renders differ", c.ID)
			}
		}
		en, err := ChartSVG(c, En)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a, en) {
			t.Errorf("chart %s: pt-BR and en renders are identical", c.ID)
		}
	}
}

func (d *Document) chart(id string) Chart {
	for _, c := range d.Charts {
		if c.ID == id {
			return c
		}
	}
	return Chart{}
}

func TestChartSVGEmpty(t *testing.T) {
	t.Parallel()
	c := standardDoc(t, "pt-BR").Charts[0]
	for _, rows := range [][][]any{nil, {{"2024-01-01", nil, nil}}} {
		c.Rows = rows
		for loc, msg := range map[Locale]string{PtBR: "Sem dados para o período", En: "No data for the period"} {
			svg, err := ChartSVG(c, loc)
			if err != nil {
				t.Fatal(err)
			}
			texts, _, _ := svgTexts(t, svg)
			if len(texts) != 1 || texts[0] != msg {
				t.Errorf("empty chart (%d rows, %s) texts = %q, want only %q", len(rows), loc, texts, msg)
			}
		}
	}
}

func TestChartSVGInvalid(t *testing.T) {
	t.Parallel()
	base := standardDoc(t, "pt-BR").Charts[0]
	cases := map[string]func(c *Chart){
		"unknown type":   func(c *Chart) { c.Type = "pie" },
		"unknown x":      func(c *Chart) { c.X = "nope" },
		"unknown series": func(c *Chart) { c.Series = []string{"nope"} },
		"no series":      func(c *Chart) { c.Series = nil },
		"short row":      func(c *Chart) { c.Rows = [][]any{{"2024-01-01"}} },
	}
	for name, mutate := range cases {
		c := base
		c.Rows = append([][]any(nil), base.Rows...)
		mutate(&c)
		if _, err := ChartSVG(c, PtBR); err == nil {
			t.Errorf("%s: ChartSVG succeeded, want an error", name)
		}
	}
}

func TestChartSVGEscapesText(t *testing.T) {
	t.Parallel()
	c := Chart{
		ID: "x", Caption: `A <b>"caption"</b> & more`, Type: Bar,
		Columns: []Column{{Name: "k", Format: "text"}, {Name: "v", Title: "<script>", Format: "number"}},
		X:       "k", Series: []string{"v"},
		Rows: [][]any{{"a&b", 1.0}, {"c<d", -2.0}},
	}
	svg, err := ChartSVG(c, PtBR)
	if err != nil {
		t.Fatal(err)
	}
	texts, title, _ := svgTexts(t, svg)
	if title != c.Caption {
		t.Errorf("title = %q", title)
	}
	joined := strings.Join(texts, "|")
	for _, w := range []string{"<script>", "a&b", "c<d", "-2"} {
		if !strings.Contains(joined, w) {
			t.Errorf("texts %q lack %q", texts, w)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lo, hi     float64
		first, end float64
		step       float64
	}{
		{0, 9.5e9, 0, 1e10, 2e9},
		{0.8e9, 2.42e9, 0.5e9, 2.5e9, 0.5e9},
		{-3, 7, -4, 8, 2},
		{5, 5, 4.4, 5.6, 0.2},
		{0, 0, 0, 1, 0.2},
		{0.12, 0.97, 0, 1, 0.2},
	}
	for _, tc := range cases {
		ticks, step := niceTicks(tc.lo, tc.hi, 5)
		if !near(step, tc.step) || !near(ticks[0], tc.first) || !near(ticks[len(ticks)-1], tc.end) {
			t.Errorf("niceTicks(%g, %g) = %v step %g; want %g..%g step %g", tc.lo, tc.hi, ticks, step, tc.first, tc.end, tc.step)
		}
		if ticks[0] > tc.lo || ticks[len(ticks)-1] < tc.hi {
			t.Errorf("niceTicks(%g, %g) = %v does not cover the data", tc.lo, tc.hi, ticks)
		}
	}
}

func near(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-9*max(1, b, -b)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Bars are lengths: their value axis starts at zero even when every value is
// far from it (a line's may not).
func TestBarValueAxisStartsAtZero(t *testing.T) {
	t.Parallel()
	cols := []Column{{Name: "uf", Format: "text"}, {Name: "v", Format: "number"}}
	rows := [][]any{{"SP", 9800.0}, {"RJ", 9900.0}, {"MG", 10000.0}}
	for _, typ := range []ChartType{Bar, StackedBar} {
		d := newChartData(Chart{ID: "c", Type: typ, Columns: cols, X: "uf", Series: []string{"v"}, Rows: rows}, PtBR)
		if lo, hi := d.valueRange(); lo != 0 || hi != 10000 {
			t.Errorf("%s: value axis %v..%v, want 0..10000", typ, lo, hi)
		}
	}
	d := newChartData(Chart{ID: "c", Type: Line, Columns: cols, X: "uf", Series: []string{"v"}, Rows: rows}, PtBR)
	if lo, _ := d.valueRange(); lo != 9800 {
		t.Errorf("line: value axis from %v, want the data's 9800", lo)
	}
}
