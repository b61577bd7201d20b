package semantic_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenSpecs are typical dashboard questions, one per feature of the compiler.
var goldenSpecs = []struct {
	name, spec string
	scope      semantic.TenantScope
}{
	{"api_example", `{"dataset":"comex_monthly","measures":["vl_fob_usd","kg_liquido"],"dimensions":["uf","month"],"filters":[{"field":"flow","op":"eq","value":"export"},{"field":"uf","op":"in","value":["SP","RS"]}],"time":{"from":"2023-01","to":"2023-12","grain":"month"},"order":[{"field":"vl_fob_usd","dir":"desc"}],"limit":100}`, semantic.TenantScope{}},
	{"top_sh4", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["sh4"],"filters":[{"field":"ncm","op":"prefix","value":"12"},{"field":"country","op":"not_in","value":["063"]},{"field":"flow","op":"eq","value":"export"}],"time":{"from":"2024-01","to":"2024-12"},"order":[{"field":"vl_fob_usd","dir":"desc"}],"limit":20}`, semantic.TenantScope{}},
	{"comex_municipal", `{"dataset":"comex_municipal_monthly","measures":["vl_fob_usd","kg_liquido"],"dimensions":["municipio","sh4","quarter"],"filters":[{"field":"flow","op":"eq","value":"export"},{"field":"uf","op":"in","value":["SP","MT"]},{"field":"country","op":"eq","value":"160"}],"time":{"from":"2024-01","to":"2024-12","grain":"quarter"},"order":[{"field":"vl_fob_usd","dir":"desc"}],"limit":50}`, semantic.TenantScope{}},
	{"derived", `{"dataset":"comex_monthly","measures":["vl_fob_usd.share","vl_fob_usd.yoy_pct","vl_fob_usd.rolling_12m"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf","month"],"time":{"from":"2024-01","to":"2024-12"}}`, semantic.TenantScope{}},
	{"quarter_yoy", `{"dataset":"antaq_monthly","measures":["tonnes","teu.yoy_diff"],"dimensions":["port"],"filters":[{"field":"direction","op":"eq","value":"embarque"}],"time":{"from":"2023-01","to":"2024-12","grain":"quarter"}}`, semantic.TenantScope{}},
	{"ipca_year", `{"dataset":"ipca_monthly","measures":["index","mom_pct","yoy_pct"],"dimensions":["year"],"time":{"from":"2015-01","to":"2024-12"}}`, semantic.TenantScope{}},
	{"real_siconfi", `{"dataset":"siconfi_annual","measures":["value_brl"],"dimensions":["uf","year"],"filters":[{"field":"account","op":"eq","value":"RECEITA CORRENTE LÍQUIDA - RCL"},{"field":"coluna","op":"eq","value":"Até o 3º Quadrimestre"}],"time":{"from":"2018","to":"2023"},"real":{"base":"2024-06"}}`, semantic.TenantScope{}},
	{"per_capita", `{"dataset":"caged_monthly","measures":["net","admissions"],"dimensions":["municipio","year"],"filters":[{"field":"uf","op":"in","value":["BA","PE"]}],"time":{"from":"2022-01","to":"2024-06"},"per_capita":true}`, semantic.TenantScope{}},
	{"pib_ratio_real", `{"dataset":"pib_municipal","measures":["pib_per_capita_brl","pib_brl.yoy_pct"],"dimensions":["region","year"],"time":{"from":"2015","to":"2021"},"real":{"base":"2023-12"}}`, semantic.TenantScope{}},
	{"tenant_row", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric","month"],"filters":[{"field":"uf","op":"eq","value":"PE"}],"time":{"from":"2024-01","to":"2024-06"}}`, semantic.TenantScope{OrgID: "9b1f6e2a-8c4d-4e7f-a0b1-c2d3e4f5a6b7"}},
	{"top_per_month", `{"dataset":"comex_monthly","measures":["vl_fob_usd","kg_liquido"],"dimensions":["uf","month"],"filters":[{"field":"flow","op":"eq","value":"import"}],"time":{"from":"2024-01","to":"2024-12"},"top":{"field":"uf","n":5}}`, semantic.TenantScope{}},
	{"top_yoy", `{"dataset":"comex_municipal_monthly","measures":["vl_fob_usd.yoy_pct"],"dimensions":["sh4","flow","quarter"],"time":{"from":"2024-01","to":"2024-12"},"top":{"field":"sh4","n":3}}`, semantic.TenantScope{}},
	{"tenant_dataset", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"],"time":{"from":"2024-01","to":"2024-06"}}`, semantic.TenantScope{OrgID: "4c5d6e7f-8091-4a2b-b3c4-d5e6f7a8b9c0", Dataset: "tenant_banco_regional"}},
}

// TestGoldenSQL keeps the compiled SQL of both dialects in files, so every
// change to it is reviewed. DuckDB's is also planned by DuckDB; BigQuery's is
// parsed offline (BigQuery itself is out of reach here).
func TestGoldenSQL(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.Open(context.Background(), duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.EnsureTenantSchema(context.Background(), "tenant_banco_regional"); err != nil {
		t.Fatal(err)
	}
	var bigqueryFiles []string
	for _, g := range goldenSpecs {
		s, err := semantic.ParseSpec([]byte(g.spec))
		if err != nil {
			t.Fatal(err)
		}
		q, err := cat.Validate(s, allPublic)
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		for _, d := range semantic.Dialects() {
			c, err := q.Compile(d, g.scope)
			if err != nil {
				t.Fatalf("%s/%s: %v", g.name, d, err)
			}
			got := c.SQL + "\n" + paramsComment(c) + "\n"
			path := filepath.Join("testdata", "golden", g.name+"."+d+".sql")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%s: %v (run with -update to create it)", path, err)
			}
			if string(want) != got {
				t.Errorf("%s differs from the compiler's output (run with -update after review):\n%s", path, got)
			}
			if d == semantic.DuckDB {
				explain := c
				explain.SQL = "EXPLAIN " + c.SQL
				explain.Columns = []warehouse.Column{{Name: "key"}, {Name: "value"}}
				if _, err := db.Run(context.Background(), explain, warehouse.RunParams{}); err != nil {
					t.Errorf("%s: DuckDB cannot plan it: %v", path, err)
				}
			} else {
				bigqueryFiles = append(bigqueryFiles, path)
			}
		}
	}
	parseBigQuery(t, bigqueryFiles)
}

func paramsComment(c warehouse.Compiled) string {
	var b strings.Builder
	b.WriteString("-- params:")
	for _, p := range c.Params {
		fmt.Fprintf(&b, " %s=%#v", p.Name, p.Value)
	}
	return b.String()
}

// allowedLiterals are the only string literals the compiler may write.
var allowedLiterals = map[string]bool{"'%Y-%m'": true, "'%Y'": true, "'-Q'": true, "'quarter'": true, "'%Y-Q%Q'": true}

// sqlWords are the SQL words and the compiler's own aliases; with the
// catalog's names, nothing else may appear in compiled SQL.
var sqlWords = strings.Fields(`WITH AS SELECT FROM WHERE AND GROUP BY LEFT JOIN ON ORDER LIMIT CAST SUM MAX
	MAX_BY EXP LN ROUND NULLIF ABS OVER PARTITION RANGE BETWEEN PRECEDING CURRENT ROW EXTRACT YEAR MONTH DATE
	DOUBLE FLOAT64 VARCHAR STRING INTERVAL IN NOT IS NULL ASC DESC NULLS LAST STARTS_WITH LEAST AVG FALSE
	strftime quarter date_trunc FORMAT_DATE DATE_TRUNC QUARTER DATE_ADD DATE_SUB
	facts shaped pop cur prev f p p2 i0 ipca k deflator py t base b latest y CROSS ROW_NUMBER ranked rn`)

var (
	aliasRe  = regexp.MustCompile(`^[cgslm][0-9]+$`)
	paramRe  = regexp.MustCompile(`^[$@]p[0-9]+$`)
	tokenRe  = regexp.MustCompile("'[^']*'|\"[^\"]*\"|`[^`]*`|[$@]?[A-Za-z_][A-Za-z0-9_]*|[0-9]+|<>|>=|<=|\\|\\||[(),.*/+=<>-]|\\s+|.")
	identRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	numberRe = regexp.MustCompile(`^[0-9]+$`)
)

// catalogNames is every name the catalog may put in SQL.
func catalogNames(cat *semantic.Catalog, scope semantic.TenantScope) map[string]bool {
	names := map[string]bool{}
	for _, w := range sqlWords {
		names[w] = true
	}
	if scope.Dataset != "" {
		names[scope.Dataset] = true
	}
	for _, ds := range cat.Datasets() {
		for _, tbl := range ds.Tables {
			a, b, _ := strings.Cut(tbl, ".")
			names[a], names[b] = true, true
		}
		for _, d := range ds.Dimensions {
			names[d.Column] = true
			if d.Label != "" {
				names[d.Label] = true
			}
		}
		for _, m := range ds.Measures {
			if m.Column != "" {
				names[m.Column] = true
			}
		}
		names["tenant_key"], names["population"], names["year"], names["month"], names["index"] = true, true, true, true, true
	}
	return names
}

// foreignText returns the first piece of SQL that did not come from the
// catalog or the compiler, or "".
func foreignText(sql string, names map[string]bool) string {
	for _, tok := range tokenRe.FindAllString(sql, -1) {
		switch {
		case strings.TrimSpace(tok) == "":
		case strings.HasPrefix(tok, "'"):
			if !allowedLiterals[tok] {
				return tok
			}
		case strings.HasPrefix(tok, `"`), strings.HasPrefix(tok, "`"):
			if !names[tok[1:len(tok)-1]] {
				return tok
			}
		case paramRe.MatchString(tok), numberRe.MatchString(tok), aliasRe.MatchString(tok):
		case identRe.MatchString(tok):
			if !names[tok] {
				return tok
			}
		case strings.ContainsAny(tok, "(),.*/+=<>-|"):
		default:
			return tok
		}
	}
	return ""
}

func TestCompiledSQLHoldsOnlyCatalogText(t *testing.T) {
	cat, _ := semantic.LoadCatalog()
	for _, g := range goldenSpecs {
		s, _ := semantic.ParseSpec([]byte(g.spec))
		q, err := cat.Validate(s, allPublic)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range semantic.Dialects() {
			c, _ := q.Compile(d, g.scope)
			if bad := foreignText(c.SQL, catalogNames(cat, g.scope)); bad != "" {
				t.Errorf("%s/%s: %q is not catalog text", g.name, d, bad)
			}
		}
	}
	// The checker itself must catch injected text.
	if foreignText(`SELECT f."uf" FROM marts.comex_monthly AS f WHERE f."uf" = 'SP'`, catalogNames(cat, semantic.TenantScope{})) != "'SP'" {
		t.Fatal("the checker missed a string literal")
	}
	if foreignText(`SELECT pg_sleep(1)`, catalogNames(cat, semantic.TenantScope{})) != "pg_sleep" {
		t.Fatal("the checker missed a foreign function")
	}
}

// FuzzCompile: any bytes as a spec never panic, and whatever compiles holds
// only catalog text, with every value from the spec in a parameter.
func FuzzCompile(f *testing.F) {
	for _, g := range goldenSpecs {
		f.Add([]byte(g.spec))
	}
	f.Add([]byte(`{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"uf","op":"eq","value":"SP' OR 1=1 --"},{"field":"flow","op":"eq","value":"export"}]}`))
	f.Add([]byte(`{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"],"filters":[{"field":"metric","op":"in","value":["a\"b","c` + "`" + `d"]}]}`))
	cat, err := semantic.LoadCatalog()
	if err != nil {
		f.Fatal(err)
	}
	scope := semantic.TenantScope{OrgID: "0b7c1e5a-0000-4000-8000-00000000000a"}
	names := catalogNames(cat, scope)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := semantic.ParseSpec(b)
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("ParseSpec: an error that is not Invalid: %v", err)
			}
			return
		}
		q, err := cat.Validate(s, allPublic)
		if err != nil {
			if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Forbidden && c != apperr.NotFound {
				t.Fatalf("Validate: an error that is not Invalid, Forbidden or NotFound (%s): %v", c, err)
			}
			return
		}
		for _, d := range semantic.Dialects() {
			c, err := q.Compile(d, scope)
			if err != nil {
				t.Fatalf("a validated spec did not compile: %v", err)
			}
			if bad := foreignText(c.SQL, names); bad != "" {
				t.Fatalf("%s: %q is not catalog text in\n%s", d, bad, c.SQL)
			}
		}
	})
}
