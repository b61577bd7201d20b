package uploads

import (
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
)

func TestParseAcceptsTheFormatsAnalystsSend(t *testing.T) {
	cases := map[string]string{
		"semicolon, decimal comma, BOM": "\xef\xbb\xbfmonth;municipio;metric;value\r\n2024-01;3550308;teu;1.234,5\r\n2024-02;3550308;teu;10\r\n",
		"comma, dot, uf only":           "month,uf,metric,value\n2024-01,SP,teu,1234.5\n2024-02,sp,teu,10\n",
		"latin-1 header spaces":         "month ; municipio ; uf ; metric ; value\n2024-01;3550308;SP;TEU;1234,5\n2024-02;3550308;SP;teu;10\n",
	}
	for name, in := range cases {
		f, err := Parse([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(f.Rows) != 2 || f.Rows[0].Value != 1234.5 || f.Rows[1].Metric != "teu" || f.PeriodFrom != "2024-01" || f.PeriodTo != "2024-02" {
			t.Errorf("%s: %+v", name, f)
		}
	}
	latin := []byte("month;uf;metric;value\n2024-01;SP;teu;1\n")
	latin = append(latin, []byte("2024-02;SP;producao_caf\xe9;2\n")...) // é in Latin-1: refused as a metric name, read as text
	_, err := Parse(latin)
	if e, ok := apperr.As(err); !ok || e.Fields[0].Field != "line 3: metric" {
		t.Fatalf("latin-1 metric: %v", err)
	}
}

func TestParseNamesEveryBadRow(t *testing.T) {
	in := strings.Join([]string{
		"month;municipio;metric;value",
		"2024-13;3550308;teu;1",
		"2024-01;355030;teu;1",
		"2024-01;3550308;TEU sum;1",
		"2024-01;3550308;teu;abc",
		"2024-01;3550308;teu;1",
		"2024-01;3550308;teu;2",
		"2024-01;3550308;teu",
	}, "\n")
	_, err := Parse([]byte(in))
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid {
		t.Fatalf("err = %v", err)
	}
	want := []string{"line 2: month", "line 3: municipio", "line 4: metric", "line 5: value", "line 7: row", "line 8: row"}
	if len(e.Fields) != len(want) {
		t.Fatalf("fields = %+v", e.Fields)
	}
	for i, w := range want {
		if e.Fields[i].Field != w {
			t.Errorf("error %d names %q, want %q", i, e.Fields[i].Field, w)
		}
	}
}

func TestParseRefusesBadHeaders(t *testing.T) {
	for _, in := range []string{"", "month;metric;value\n", "month;uf;metric;value;secret\n2024-01;SP;a;1\n", "mes;uf;metric;value\n", "month;uf;uf;metric;value\n", "month;uf;metric;value\n"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("month;municipio;metric;value\n2024-01;3550308;teu;1,5\n"))
	f.Add([]byte("month,uf,metric,value\n2024-01,SP,teu,\"1,5\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(b)
		if err != nil {
			if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
				t.Fatalf("an error that is neither Invalid nor TooLarge (%s): %v", c, err)
			}
			return
		}
		for _, r := range file.Rows {
			if !monthRe.MatchString(r.Month) || !metricRe.MatchString(r.Metric) || (r.Municipio == "" && r.UF == "") {
				t.Fatalf("an invalid row passed: %+v", r)
			}
		}
	})
}
