package render

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestPreprocess(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"_hello.qmd":      {Data: []byte("Olá, {{< meta who >}}.\n")},
		"_nested.qmd":     {Data: []byte("antes\n\n{{< include parts/_deep.qmd >}}\n")},
		"parts/_deep.qmd": {Data: []byte("fundo {{< var org >}}\n")},
		"_cycle_a.qmd":    {Data: []byte("{{< include _cycle_b.qmd >}}\n")},
		"_cycle_b.qmd":    {Data: []byte("{{< include _cycle_a.qmd >}}\n")},
		"_front.qmd":      {Data: []byte("---\nignored: true\n---\nsem front matter\n")},
		"figures/a.svg":   {Data: []byte("<svg/>")},
		"figures/b.svg":   {Data: []byte("<svg/>")},
		"tables/t.md":     {Data: []byte("| A |\n|:--|\n| 1 |\n\n: Tabela de teste {#tbl-t}\n")},
		"tables/other.md": {Data: []byte("| B |\n|:--|\n| 2 |\n\n: Outra {#tbl-other}\n")},
	}
	meta := map[string]any{
		"who":     "Mundo",
		"a":       map[string]any{"b": "profundo"},
		"flag":    true,
		"off":     false,
		"list":    []any{"x"},
		"mirante": map[string]any{"synthetic": true, "no_data": false},
	}
	cases := []struct {
		name    string
		in      string
		format  Format
		loc     Locale
		want    []string
		reject  []string
		exact   string
		wantErr string
	}{
		{name: "meta", in: "Olá {{< meta who >}}!", exact: "Olá Mundo!\n"},
		{name: "dotted meta", in: "{{< meta a.b >}} e {{< meta mirante.synthetic >}}", exact: "profundo e true\n"},
		{name: "var", in: "{{< var org >}} / {{< var nested.k >}}", exact: "Mirante / v\n"},
		{name: "param escapes markdown", in: "{{< param narrative >}}", exact: `Dados \*importantes\* \{\{\< meta who \>\}\}` + "\n"},
		{name: "param paragraphs", in: "{{< param multi >}}", exact: "um\n\ndois\n"},
		{name: "escaped shortcode", in: "literal {{{< meta who >}}}", exact: "literal {{< meta who >}}\n"},
		{name: "code blocks untouched", in: "```\n{{< meta who >}} @fig-a {{< include ../x >}}\n```", exact: "```\n{{< meta who >}} @fig-a {{< include ../x >}}\n```\n"},
		{name: "missing meta key", in: "{{< meta nope >}}", wantErr: "no such key"},
		{name: "meta not scalar", in: "{{< meta a >}}", wantErr: "not a scalar"},
		{name: "unknown shortcode", in: "{{< video x >}}", wantErr: "unsupported shortcode"},
		{name: "include", in: "A\n\n{{< include _hello.qmd >}}\n\nB", exact: "A\n\nOlá, Mundo.\n\nB\n"},
		{name: "include nested in folder", in: "{{< include _nested.qmd >}}", exact: "antes\n\nfundo Mirante\n"},
		{name: "include strips front matter", in: "{{< include _front.qmd >}}", exact: "sem front matter\n"},
		{name: "include escaping the folder", in: "{{< include ../secret.qmd >}}", wantErr: "inside the template folder"},
		{name: "include escaping through a subfolder", in: "{{< include parts/../../secret.qmd >}}", wantErr: "inside the template folder"},
		{name: "include absolute", in: "{{< include /etc/passwd >}}", wantErr: "inside the template folder"},
		{name: "include missing", in: "{{< include _nope.qmd >}}", wantErr: "_nope.qmd"},
		{name: "include cycle", in: "{{< include _cycle_a.qmd >}}", wantErr: "cycle"},
		{
			name: "callout with title attribute",
			in:   "::: {.callout-note title=\"Atenção\"}\nCorpo da nota.\n:::",
			want: []string{"{.callout .callout-note}", "{.callout-title}\nAtenção\n", "{.callout-body}\nCorpo da nota.\n"},
		},
		{
			name:   "callout with heading title",
			in:     "::: {.callout-warning}\n## Cuidado aqui\n\nTexto.\n:::",
			want:   []string{".callout-warning", "{.callout-title}\nCuidado aqui\n", "Texto."},
			reject: []string{"## Cuidado"},
		},
		{name: "callout default title pt-BR", in: "::: {.callout-tip}\nX\n:::", want: []string{"{.callout-title}\nDica\n"}},
		{name: "callout default title en", in: "::: {.callout-important}\nX\n:::", loc: En, want: []string{"{.callout-title}\nImportant\n"}},
		{name: "callout bare class", in: "::: callout-caution\nX\n:::", want: []string{".callout-caution", "Cuidado"}},
		{
			name:   "callout in docx is a block quote",
			in:     "::: {.callout-warning title=\"Aviso sério\"}\nLinha 1\n\nLinha 2\n:::",
			format: DOCX,
			exact:  "> **Aviso sério**\n>\n> Linha 1\n>\n> Linha 2\n",
		},
		{name: "callout unclosed", in: "::: {.callout-note}\nX", wantErr: "never closed"},
		{name: "plain div kept", in: "::: {.mirante-context}\nX\n:::", exact: "::: {.mirante-context}\nX\n:::\n"},
		{
			name:   "content-visible when-meta",
			in:     "::: {.content-visible when-meta=\"mirante.synthetic\"}\nSIM\n:::\n\n::: {.content-visible when-meta=\"mirante.no_data\"}\nNAO\n:::\n\n::: {.content-visible when-meta=\"absent.key\"}\nAUSENTE\n:::",
			want:   []string{"SIM"},
			reject: []string{"NAO", "AUSENTE", "content-visible"},
		},
		{
			name:   "content-hidden and unless-meta",
			in:     "::: {.content-hidden when-meta=\"flag\"}\nESCONDIDO\n:::\n\n::: {.content-visible unless-meta=\"off\"}\nVISIVEL\n:::",
			want:   []string{"VISIVEL"},
			reject: []string{"ESCONDIDO"},
		},
		{
			name:   "when-format",
			in:     "::: {.content-visible when-format=\"html\"}\nSO-HTML\n:::\n\n::: {.content-visible when-format=\"docx\"}\nSO-DOCX\n:::",
			format: DOCX,
			want:   []string{"SO-DOCX"},
			reject: []string{"SO-HTML"},
		},
		{
			name:   "hidden content is not numbered",
			in:     "::: {.content-visible when-meta=\"off\"}\n![Oculta](figures/b.svg){#fig-b}\n:::\n\n![Visível](figures/a.svg){#fig-a}\n\nVer @fig-a.",
			want:   []string{"![Figura 1: Visível](figures/a.svg)", "[Figura 1](#fig-a)"},
			reject: []string{"Oculta"},
		},
		{
			name: "figure and table numbering pt-BR",
			in:   "Veja @fig-a, @fig-b, @tbl-t e [-@tbl-other].\n\n![Primeira](figures/a.svg){#fig-a}\n\n![Segunda](figures/b.svg){#fig-b width=\"80%\"}\n\n{{< include tables/t.md >}}\n\n{{< include tables/other.md >}}",
			want: []string{
				"[Figura 1](#fig-a), [Figura 2](#fig-b), [Tabela 1](#tbl-t) e [2](#tbl-other).",
				"::: {#fig-a .mirante-figure}\n![Figura 1: Primeira](figures/a.svg)\n:::",
				"::: {#fig-b .mirante-figure}\n![Figura 2: Segunda](figures/b.svg){width=\"80%\"}\n:::",
				": Tabela 1: Tabela de teste []{#tbl-t}",
				": Tabela 2: Outra []{#tbl-other}",
			},
		},
		{
			name: "numbering en",
			in:   "@Fig-a and @tbl-t.\n\n![First](figures/a.svg){#fig-a}\n\n{{< include tables/t.md >}}",
			loc:  En,
			want: []string{"[Figure 1](#fig-a) and [Table 1](#tbl-t).", "![Figure 1: First]", ": Table 1: Tabela de teste"},
		},
		{name: "unknown reference", in: "Veja @fig-zzz.", wantErr: "unknown cross-reference @fig-zzz"},
		{name: "duplicate figure id", in: "![A](figures/a.svg){#fig-a}\n\n![B](figures/b.svg){#fig-a}", wantErr: "used twice"},
		{name: "escaped and e-mail references untouched", in: `\@fig-a e contato@fig-a.com.br`, exact: `\@fig-a e contato@fig-a.com.br` + "\n"},
		{name: "pagebreak html", in: "A\n\n{{< pagebreak >}}\n\nB", want: []string{"```{=html}\n<div class=\"page-break\"></div>\n```"}},
		{name: "pagebreak docx", in: "A\n\n{{< pagebreak >}}\n\nB", format: DOCX, want: []string{"```{=openxml}\n<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n```"}},
		{name: "missing image", in: "![X](figures/zzz.svg){#fig-z}", wantErr: "figures/zzz.svg"},
		{name: "image escaping the folder", in: "![X](../figures/a.svg)", wantErr: "inside the template folder"},
		{name: "docx images point at png", in: "![A](figures/a.svg){#fig-a}", format: DOCX, want: []string{"![Figura 1: A](figures/a.png)"}, reject: []string{"a.svg"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			format, loc := tc.format, tc.loc
			if format == "" {
				format = HTML
			}
			if loc == "" {
				loc = PtBR
			}
			p := &preprocessor{
				root:   files,
				meta:   meta,
				vars:   map[string]any{"org": "Mirante", "nested": map[string]any{"k": "v"}},
				params: map[string]any{"narrative": "Dados *importantes* {{< meta who >}}", "multi": "um\n\ndois"},
				format: format,
				loc:    loc,
			}
			got, err := p.run(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q (output %q)", err, tc.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.exact != "" && got != tc.exact {
				t.Errorf("got\n%q\nwant\n%q", got, tc.exact)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, r := range tc.reject {
				if strings.Contains(got, r) {
					t.Errorf("output has %q:\n%s", r, got)
				}
			}
		})
	}
}

func TestSplitFrontMatter(t *testing.T) {
	t.Parallel()
	front, body, err := splitFrontMatter("---\ntitle: \"T\"\nparams:\n  a: 1\n---\n\nCorpo\n")
	if err != nil {
		t.Fatal(err)
	}
	if front["title"] != "T" || body != "\nCorpo\n" {
		t.Errorf("front %v body %q", front, body)
	}
	if v, ok := lookup(front, "params.a"); !ok || v != 1 {
		t.Errorf("params.a = %v %v", v, ok)
	}
	if _, _, err := splitFrontMatter("---\ntitle: x\nCorpo\n"); err == nil {
		t.Error("unclosed front matter accepted")
	}
	if _, _, err := splitFrontMatter("---\ntitle: [x\n---\n"); err == nil {
		t.Error("invalid YAML accepted")
	}
	front, body, err = splitFrontMatter("Sem front matter\n")
	if err != nil || len(front) != 0 || body != "Sem front matter\n" {
		t.Errorf("front %v body %q err %v", front, body, err)
	}
}
