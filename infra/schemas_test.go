package infra

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/mirante/mirante/shared/semantic"
)

// The marts are declared by the models that fill them: each public mart's
// BigQuery DDL (shared/ingest/models/bigquery/ddl_marts_*.sql) gives its
// columns, types, modes, partitioning and clustering, and its DuckDB twin
// (the DuckDB DDL models, which shared/duckdb runs) the same columns.
// tenant_metrics has no BigQuery model, so schema.sql declares its columns.
// The semantic catalog names the columns the API reads and the layout.
//
// Terraform creates the BigQuery tables before any model runs, so a model's
// CREATE TABLE IF NOT EXISTS finds the table and does nothing: a column or
// type that Terraform states differently makes the first write fail. The tests below hold the
// Terraform schema files and table blocks equal to those declarations.

const bigqueryModule = "infra/modules/bigquery"

var (
	bigqueryModels = filepath.Join(repoRoot, "shared", "ingest", "models", "bigquery")
	duckdbModels   = filepath.Join(repoRoot, "shared", "ingest", "models", "duckdb")
	duckdbSchema   = filepath.Join(repoRoot, "shared", "duckdb", "schema.sql")
)

// column is one column of a warehouse table, in BigQuery's terms.
type column struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Mode        string `json:"mode"`
	Description string `json:"description"`
}

// layout is how a BigQuery table is partitioned and clustered. Unit is the
// time partition's granularity (DAY, MONTH, YEAR), or RANGE for an integer
// range partition of Range = start, end, interval.
type layout struct {
	Column  string
	Unit    string
	Range   [3]int64
	Cluster []string
}

// declared is a table as a CREATE TABLE statement declares it.
type declared struct {
	Name    string
	Columns []column
	Layout  layout
}

// tfTable is a google_bigquery_table of the bigquery module.
type tfTable struct {
	Resource string
	TableID  string
	Tenant   bool // in each dataset-mode tenant's own dataset, with no tenant_key
	Schema   string
	Columns  []column
	Layout   layout
}

// duckdbTypes maps the DuckDB types the marts use to the BigQuery type of
// the same values.
var duckdbTypes = map[string]string{
	"VARCHAR": "STRING", "INTEGER": "INT64", "BIGINT": "INT64", "DOUBLE": "FLOAT64", "DATE": "DATE", "BOOLEAN": "BOOL",
}

// ---------------------------------------------------------------------------
// The declarations and the Terraform, parsed.

var (
	createRE    = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+marts\.([a-z0-9_]+)\s*\(`)
	dateTruncRE = regexp.MustCompile(`(?i)PARTITION\s+BY\s+DATE_TRUNC\(\s*([a-z0-9_]+)\s*,\s*([a-z]+)\s*\)`)
	rangeRE     = regexp.MustCompile(`(?i)PARTITION\s+BY\s+RANGE_BUCKET\(\s*([a-z0-9_]+)\s*,\s*GENERATE_ARRAY\(\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*(\d+)\s*\)\s*\)`)
	partitionRE = regexp.MustCompile(`(?i)PARTITION\s+BY`)
	clusterRE   = regexp.MustCompile(`(?i)CLUSTER\s+BY\s+([a-z0-9_]+(?:\s*,\s*[a-z0-9_]+)*)`)
	commentRE   = regexp.MustCompile(`--[^\n]*`)
	identRE     = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	// constraintRE starts what follows a column's type.
	constraintRE = regexp.MustCompile(`(?i)\s(NOT\s+NULL|PRIMARY\s+KEY|DEFAULT|OPTIONS|COLLATE|REFERENCES)\b`)
	notNullRE    = regexp.MustCompile(`\b(NOT\s+NULL|PRIMARY\s+KEY)\b`)
)

// createTables parses every CREATE TABLE IF NOT EXISTS marts.x of src.
// types maps the dialect's type names to BigQuery's; nil means BigQuery.
func createTables(src string, types map[string]string) ([]declared, error) {
	src = commentRE.ReplaceAllString(src, "")
	var out []declared
	for _, loc := range createRE.FindAllStringSubmatchIndex(src, -1) {
		d := declared{Name: src[loc[2]:loc[3]]}
		defs, end := scanTop(src[loc[1]:], func(s string, i int) bool { return s[i] == ')' })
		if end < 0 {
			return nil, fmt.Errorf("marts.%s: no closing parenthesis", d.Name)
		}
		for _, def := range defs {
			name, rest := def, ""
			if i := strings.IndexFunc(def, unicode.IsSpace); i >= 0 {
				name, rest = def[:i], def[i:]
			}
			typ, constraints := rest, ""
			if k := constraintRE.FindStringIndex(rest); k != nil {
				typ, constraints = rest[:k[0]], strings.ToUpper(rest[k[0]:])
			}
			c := column{Name: strings.Trim(name, "`\""), Type: strings.ToUpper(strings.Join(strings.Fields(typ), "")), Mode: "NULLABLE"}
			if c.Type == "" {
				return nil, fmt.Errorf("marts.%s: column %q has no type", d.Name, def)
			}
			if types != nil {
				bq, ok := types[c.Type]
				if !ok {
					return nil, fmt.Errorf("marts.%s.%s: type %s has no BigQuery twin in the test", d.Name, c.Name, c.Type)
				}
				c.Type = bq
			}
			if notNullRE.MatchString(constraints) {
				c.Mode = "REQUIRED"
			}
			if !identRE.MatchString(c.Name) {
				return nil, fmt.Errorf("marts.%s: %q is not a column name", d.Name, c.Name)
			}
			d.Columns = append(d.Columns, c)
		}
		tail := src[loc[1]+end+1:]
		if i := strings.IndexByte(tail, ';'); i >= 0 {
			tail = tail[:i]
		}
		var err error
		if d.Layout, err = ddlLayout(tail); err != nil {
			return nil, fmt.Errorf("marts.%s: %w", d.Name, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// ddlLayout reads the PARTITION BY and CLUSTER BY clauses after a column list.
func ddlLayout(tail string) (layout, error) {
	var l layout
	switch m, r := dateTruncRE.FindStringSubmatch(tail), rangeRE.FindStringSubmatch(tail); {
	case m != nil:
		l.Column, l.Unit = m[1], strings.ToUpper(m[2])
	case r != nil:
		l.Column, l.Unit = r[1], "RANGE"
		for i := range l.Range {
			if _, err := fmt.Sscan(r[2+i], &l.Range[i]); err != nil {
				return l, err
			}
		}
	case partitionRE.MatchString(tail):
		return l, fmt.Errorf("a PARTITION BY the test cannot read: %q", strings.TrimSpace(tail))
	}
	if m := clusterRE.FindStringSubmatch(tail); m != nil {
		for _, k := range strings.Split(m[1], ",") {
			l.Cluster = append(l.Cluster, strings.TrimSpace(k))
		}
	}
	return l, nil
}

// scanTop splits s at the commas outside parentheses and quotes, up to the
// first top-level position i where stop(s, i) holds (stop may be nil). It
// returns the trimmed parts and that position, or -1 when stop never held.
func scanTop(s string, stop func(s string, i int) bool) ([]string, int) {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '`' || c == '"':
			quote = c
			continue
		}
		if depth == 0 && stop != nil && stop(s, i) {
			parts = append(parts, strings.TrimSpace(s[start:i]))
			return parts, i
		}
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if stop == nil {
		return append(parts, strings.TrimSpace(s[start:])), len(s)
	}
	return parts, -1
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// declaredMarts parses the mart DDL of the files matching glob, by table.
func declaredMarts(t *testing.T, types map[string]string, glob string) map[string]declared {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s: %v", glob, err)
	}
	out := map[string]declared{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := createTables(string(src), types)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, d := range ds {
			if _, dup := out[d.Name]; dup {
				t.Fatalf("%s: marts.%s is declared twice", glob, d.Name)
			}
			out[d.Name] = d
		}
	}
	return out
}

// terraformTables reads the bigquery module's tables and their schema files.
func terraformTables(t *testing.T) []tfTable {
	t.Helper()
	m := loadRepo(t).Module(bigqueryModule)
	if m == nil {
		t.Fatalf("no module %s", bigqueryModule)
	}
	schemaRE := regexp.MustCompile(`^file\("\$\{path\.module\}/schemas/([a-z0-9_]+)\.json"\)$`)
	var out []tfTable
	for _, b := range m.Blocks("resource", "google_bigquery_table") {
		tt := tfTable{Resource: b.Pos() + " " + strings.Join(b.Labels, ".")}
		var ok bool
		if tt.TableID, ok = literalString(attrExpr(b.Body.Attributes["table_id"])); !ok {
			t.Fatalf("%s: table_id is not a literal", tt.Resource)
		}
		ds := b.Body.Attributes["dataset_id"]
		switch {
		case ds != nil && traversal(ds.Expr) == `google_bigquery_dataset.layer["marts"].dataset_id`:
		case ds != nil && traversal(ds.Expr) == "each.value.dataset_id" && rootRef(attrExpr(b.Body.Attributes["for_each"])) == "google_bigquery_dataset.tenant":
			tt.Tenant = true
		default:
			t.Fatalf("%s: dataset_id is neither marts nor each tenant dataset", tt.Resource)
		}
		sa := b.Body.Attributes["schema"]
		sm := schemaRE.FindStringSubmatch(text(b.File, attrExpr(sa).Range()))
		if sa == nil || sm == nil {
			t.Fatalf(`%s: schema is not file("${path.module}/schemas/<name>.json")`, tt.Resource)
		}
		tt.Schema = sm[1]
		raw, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(m.Dir), "schemas", tt.Schema+".json"))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&tt.Columns); err != nil {
			t.Fatalf("%s.json: %v", tt.Schema, err)
		}
		for i := range tt.Columns {
			if tt.Columns[i].Mode == "" {
				tt.Columns[i].Mode = "NULLABLE"
			}
		}
		tt.Layout = tfLayout(t, b.Body.Attributes, blocks(b.Body, "time_partitioning"), blocks(b.Body, "range_partitioning"))
		out = append(out, tt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Schema < out[j].Schema })
	return out
}

// tfLayout reads a table's partitioning blocks and clustering list.
func tfLayout(t *testing.T, attrs map[string]*hclsyntax.Attribute, timeP, rangeP []*hclsyntax.Body) layout {
	t.Helper()
	var l layout
	str := func(body *hclsyntax.Body, name string) string {
		s, _ := literalString(attrExpr(body.Attributes[name]))
		return s
	}
	switch {
	case len(timeP) == 1 && len(rangeP) == 0:
		l.Column, l.Unit = str(timeP[0], "field"), str(timeP[0], "type")
	case len(rangeP) == 1 && len(timeP) == 0:
		l.Column, l.Unit = str(rangeP[0], "field"), "RANGE"
		rs := blocks(rangeP[0], "range")
		if len(rs) != 1 {
			t.Fatalf("range_partitioning of %s has no range block", l.Column)
		}
		for i, name := range []string{"start", "end", "interval"} {
			v, ok := literal(attrExpr(rs[0].Attributes[name]))
			if !ok || v.Type() != cty.Number {
				t.Fatalf("range_partitioning of %s: %s is not a number", l.Column, name)
			}
			l.Range[i], _ = v.AsBigFloat().Int64()
		}
	case len(timeP)+len(rangeP) > 0:
		t.Fatalf("a table with %d time and %d range partitionings", len(timeP), len(rangeP))
	}
	if a := attrs["clustering"]; a != nil {
		v, ok := literal(a.Expr)
		if !ok || !v.CanIterateElements() {
			t.Fatalf("clustering is not a literal list")
		}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.Type() != cty.String {
				t.Fatalf("clustering holds a %s", e.Type().FriendlyName())
			}
			l.Cluster = append(l.Cluster, e.AsString())
		}
	}
	return l
}

// catalogDataset is the catalog's dataset a Terraform table serves.
func catalogDataset(t *testing.T, cat *semantic.Catalog, tt tfTable) *semantic.Dataset {
	t.Helper()
	for _, d := range cat.Datasets() {
		if d.Tables["bigquery"] == "marts."+tt.TableID {
			if tt.Tenant && d.Scope != semantic.Tenant {
				t.Fatalf("%s: a tenant dataset's table serves public dataset %s", tt.Resource, d.ID)
			}
			return d
		}
	}
	t.Fatalf("%s: no catalog dataset reads marts.%s", tt.Resource, tt.TableID)
	return nil
}

// catalogColumns are the columns the API reads from a dataset's table: the
// dimensions and their labels, the measures, the partition and cluster keys,
// and, for a row-mode tenant table, tenant_key.
func catalogColumns(d *semantic.Dataset, tenantDataset bool) []string {
	var cols []string
	for _, dim := range d.Dimensions {
		cols = append(cols, dim.Column)
		if dim.Label != "" {
			cols = append(cols, dim.Label)
		}
	}
	for _, m := range d.Measures {
		if m.Column != "" {
			cols = append(cols, m.Column)
		}
	}
	cols = append(cols, d.Partition.Column)
	cols = append(cols, d.Cluster...)
	if d.Scope == semantic.Tenant {
		cols = append(cols, "tenant_key")
	}
	if tenantDataset {
		cols = slices.DeleteFunc(cols, func(c string) bool { return c == "tenant_key" })
	}
	slices.Sort(cols)
	return slices.Compact(cols)
}

// ---------------------------------------------------------------------------
// Checks, as functions of what was parsed.

// compareColumns lists how got differs from want: missing and extra columns,
// other types or modes, another order.
func compareColumns(want, got []column) []string {
	var out []string
	byName := func(cs []column) map[string]column {
		m := map[string]column{}
		for _, c := range cs {
			m[c.Name] = c
		}
		return m
	}
	w, g := byName(want), byName(got)
	for _, c := range want {
		h, ok := g[c.Name]
		if !ok {
			out = append(out, fmt.Sprintf("no column %s %s %s", c.Name, c.Type, c.Mode))
			continue
		}
		if h.Type != c.Type {
			out = append(out, fmt.Sprintf("%s is %s, want %s", c.Name, h.Type, c.Type))
		}
		if h.Mode != c.Mode {
			out = append(out, fmt.Sprintf("%s is %s, want %s", c.Name, h.Mode, c.Mode))
		}
	}
	for _, c := range got {
		if _, ok := w[c.Name]; !ok {
			out = append(out, fmt.Sprintf("column %s is declared by no model", c.Name))
		}
	}
	if out == nil {
		names := func(cs []column) []string {
			var s []string
			for _, c := range cs {
				s = append(s, c.Name)
			}
			return s
		}
		if !slices.Equal(names(want), names(got)) {
			out = append(out, fmt.Sprintf("columns in order %v, want %v", names(got), names(want)))
		}
	}
	return out
}

// checkLayout lists how a Terraform table's layout breaks the rules BigQuery
// and the catalog set: the partition column exists with a type its
// partitioning takes, the catalog's partition and cluster keys are used,
// and cluster columns exist with a type BigQuery clusters by.
func checkLayout(tt tfTable, d *semantic.Dataset) []string {
	var out []string
	types := map[string]string{}
	for _, c := range tt.Columns {
		types[c.Name] = c.Type
	}
	l := tt.Layout
	switch typ := types[l.Column]; {
	case l.Column == "":
		out = append(out, "not partitioned")
	case typ == "":
		out = append(out, fmt.Sprintf("partitioned by %s, which is no column", l.Column))
	case l.Unit == "RANGE" && typ != "INT64":
		out = append(out, fmt.Sprintf("range-partitioned by %s of type %s, want INT64", l.Column, typ))
	case l.Unit != "RANGE" && typ != "DATE" && typ != "TIMESTAMP" && typ != "DATETIME":
		out = append(out, fmt.Sprintf("time-partitioned by %s of type %s", l.Column, typ))
	}
	if l.Column != d.Partition.Column {
		out = append(out, fmt.Sprintf("partitioned by %s, the catalog says %s", l.Column, d.Partition.Column))
	}
	switch {
	case l.Unit == "RANGE" && (d.Partition.By != "year" || l.Range[2] != 1):
		out = append(out, fmt.Sprintf("range partitions of %d %s, the catalog says by %s", l.Range[2], l.Column, d.Partition.By))
	case l.Unit != "RANGE" && l.Unit != strings.ToUpper(d.Partition.By):
		out = append(out, fmt.Sprintf("partitioned by %s, the catalog says by %s", l.Unit, d.Partition.By))
	}
	want := slices.Clone(d.Cluster)
	if tt.Tenant {
		want = slices.DeleteFunc(want, func(c string) bool { return c == "tenant_key" })
	}
	if !slices.Equal(l.Cluster, want) {
		out = append(out, fmt.Sprintf("clustered by %v, the catalog says %v", l.Cluster, want))
	}
	if len(l.Cluster) > 4 {
		out = append(out, "more than four cluster columns")
	}
	for _, c := range l.Cluster {
		switch types[c] {
		case "":
			out = append(out, fmt.Sprintf("clustered by %s, which is no column", c))
		case "FLOAT64", "JSON", "RECORD", "STRUCT":
			out = append(out, fmt.Sprintf("clustered by %s of type %s, which BigQuery cannot cluster by", c, types[c]))
		}
	}
	return out
}

// martAccess is what one model does to one mart.
type martAccess struct {
	Table  string
	Verb   string   // MERGE, UPDATE, INSERT, DELETE, or FROM/JOIN for a read
	Insert []string // the columns an INSERT lists
	Set    []string // the columns an UPDATE sets
	Refs   []string // alias.column references to the mart
}

var (
	martRefRE = regexp.MustCompile(`(?i)\b(MERGE(?:\s+INTO)?|UPDATE|INSERT\s+INTO|DELETE\s+FROM|FROM|JOIN)\s+marts\.([a-z0-9_]+)(\s+AS\s+([a-z_][a-z0-9_]*))?`)
	insertRE  = regexp.MustCompile(`(?i)\bINSERT\s*(?:INTO\s+marts\.[a-z0-9_]+\s*)?\(([^)]*)\)`)
	setRE     = regexp.MustCompile(`(?i)\bSET\s`)
	stopRE    = regexp.MustCompile(`(?i)^(FROM|WHERE)\b`)
)

// martAccesses parses what one model (one statement) reads and writes in
// the marts. A model that writes a mart names it with an alias, so that its
// column references can be told from the source's.
func martAccesses(src string) ([]martAccess, error) {
	src = commentRE.ReplaceAllString(src, "")
	var out []martAccess
	writes := 0
	for _, m := range martRefRE.FindAllStringSubmatch(src, -1) {
		a := martAccess{Table: m[2], Verb: strings.ToUpper(strings.Fields(m[1])[0])}
		if a.Verb != "FROM" && a.Verb != "JOIN" {
			writes++
		}
		alias := m[4]
		if alias == "" && (a.Verb == "MERGE" || a.Verb == "UPDATE") {
			return nil, fmt.Errorf("%s marts.%s has no alias", a.Verb, a.Table)
		}
		switch a.Verb {
		case "MERGE", "INSERT":
			if im := insertRE.FindStringSubmatch(src); im != nil {
				for _, c := range strings.Split(im[1], ",") {
					a.Insert = append(a.Insert, strings.Trim(strings.TrimSpace(c), "`"))
				}
			} else if a.Verb == "INSERT" {
				return nil, fmt.Errorf("INSERT INTO marts.%s lists no columns", a.Table)
			}
		case "UPDATE":
			loc := setRE.FindStringIndex(src)
			if loc == nil {
				return nil, fmt.Errorf("UPDATE marts.%s has no SET", a.Table)
			}
			sets, _ := scanTop(src[loc[1]:], func(s string, i int) bool {
				return (i == 0 || !isIdentByte(s[i-1])) && stopRE.MatchString(s[i:])
			})
			for _, s := range sets {
				lhs, _, ok := strings.Cut(s, "=")
				if !ok {
					return nil, fmt.Errorf("UPDATE marts.%s: %q is no assignment", a.Table, s)
				}
				lhs = strings.TrimSpace(lhs)
				lhs = strings.TrimPrefix(lhs, alias+".")
				a.Set = append(a.Set, strings.Trim(lhs, "`"))
			}
		}
		if alias != "" {
			for _, r := range regexp.MustCompile(`\b`+alias+`\.`+"`?"+`([a-z_][a-z0-9_]*)`).FindAllStringSubmatch(src, -1) {
				a.Refs = append(a.Refs, r[1])
			}
		}
		out = append(out, a)
	}
	if writes > 1 {
		return nil, fmt.Errorf("%d mart writes in one model; the test reads one", writes)
	}
	return out, nil
}

// checkAccess lists the columns an access names that the mart lacks, and,
// for an insert, the mart's columns it leaves unfilled.
func checkAccess(a martAccess, cols []column) []string {
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name] = true
	}
	var out []string
	for kind, names := range map[string][]string{"inserts": a.Insert, "sets": a.Set, "reads": a.Refs} {
		for _, n := range names {
			if !have[n] {
				out = append(out, fmt.Sprintf("%s %s %s, which the mart lacks", a.Verb, kind, n))
			}
		}
	}
	if a.Insert != nil {
		for _, c := range cols {
			if !slices.Contains(a.Insert, c.Name) {
				out = append(out, fmt.Sprintf("%s leaves %s unfilled", a.Verb, c.Name))
			}
		}
	}
	sort.Strings(out)
	return out
}

// ---------------------------------------------------------------------------
// The tests.

// Each Terraform schema file has the columns, types, modes and order of the
// mart's DDL in both dialects, and a description for every column.
func TestMartSchemasMatchTheModels(t *testing.T) {
	tables := terraformTables(t)
	bq := declaredMarts(t, nil, filepath.Join(bigqueryModels, "ddl_marts_*.sql"))
	duckModels := declaredMarts(t, duckdbTypes, filepath.Join(duckdbModels, "ddl_marts_*.sql"))
	duckSchema := declaredMarts(t, duckdbTypes, duckdbSchema)
	if len(bq) < 6 || len(duckModels) < 7 || len(duckSchema) < 1 {
		t.Fatalf("parsed %d BigQuery and %d DuckDB marts; the models declare more", len(bq), len(duckModels))
	}

	files, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(bigqueryModule), "schemas", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var used []string
	inMarts := map[string]bool{}
	for _, tt := range tables {
		used = append(used, tt.Schema+".json")
		if !tt.Tenant {
			inMarts[tt.TableID] = true
		}
	}
	var present []string
	for _, f := range files {
		present = append(present, filepath.Base(f))
	}
	sort.Strings(used)
	if diff := cmp.Diff(present, used); diff != "" {
		t.Errorf("schema files and the tables using them differ (-files +used):\n%s", diff)
	}
	for _, decls := range []map[string]declared{bq, duckModels, duckSchema} {
		for name := range decls {
			if !inMarts[name] {
				t.Errorf("marts.%s is declared by a model but Terraform creates no such table", name)
			}
		}
	}

	for _, tt := range tables {
		t.Run(tt.Schema, func(t *testing.T) {
			type source struct {
				name string
				decl declared
			}
			var sources []source
			if d, ok := bq[tt.TableID]; ok && !tt.Tenant {
				sources = append(sources, source{"BigQuery DDL model", d})
			}
			if d, ok := duckModels[tt.TableID]; ok {
				sources = append(sources, source{"DuckDB DDL model", d})
			}
			if d, ok := duckSchema[tt.TableID]; ok {
				sources = append(sources, source{"shared/duckdb/schema.sql", d})
			}
			if len(sources) == 0 {
				t.Fatalf("no model declares marts.%s", tt.TableID)
			}
			for _, src := range sources {
				d := src.decl
				want := d.Columns
				if tt.Tenant {
					want = slices.DeleteFunc(slices.Clone(want), func(c column) bool { return c.Name == "tenant_key" })
				}
				for _, p := range compareColumns(want, tt.Columns) {
					t.Errorf("%s.json against the %s: %s", tt.Schema, src.name, p)
				}
			}
			for _, c := range tt.Columns {
				if len(strings.TrimSpace(c.Description)) < 10 {
					t.Errorf("%s.json: %s has no description", tt.Schema, c.Name)
				}
			}
		})
	}
}

// Each Terraform table is partitioned and clustered as its BigQuery DDL
// model and the catalog say, on columns whose types allow it.
func TestMartLayoutsMatchTheModels(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	bq := declaredMarts(t, nil, filepath.Join(bigqueryModels, "ddl_marts_*.sql"))
	for _, tt := range terraformTables(t) {
		t.Run(tt.Schema, func(t *testing.T) {
			for _, p := range checkLayout(tt, catalogDataset(t, cat, tt)) {
				t.Errorf("%s: %s", tt.Resource, p)
			}
			if d, ok := bq[tt.TableID]; ok && !tt.Tenant {
				if diff := cmp.Diff(d.Layout, tt.Layout); diff != "" {
					t.Errorf("%s: layout differs from ddl_marts_%s.sql (-model +terraform):\n%s", tt.Resource, tt.TableID, diff)
				}
			}
		})
	}
}

// Every column the catalog reads exists in each table that serves it, and a
// dataset-mode tenant's own table has no tenant_key.
func TestMartSchemasHoldTheCatalog(t *testing.T) {
	cat, err := semantic.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]int{}
	for _, tt := range terraformTables(t) {
		d := catalogDataset(t, cat, tt)
		served[d.ID]++
		have := map[string]bool{}
		for _, c := range tt.Columns {
			have[c.Name] = true
		}
		for _, c := range catalogColumns(d, tt.Tenant) {
			if !have[c] {
				t.Errorf("%s.json: no column %s, which catalog %s reads", tt.Schema, c, d.ID)
			}
		}
		if tt.Tenant && have["tenant_key"] {
			t.Errorf("%s.json: a dataset-mode tenant's own table must not carry tenant_key", tt.Schema)
		}
	}
	for _, d := range cat.Datasets() {
		want := 1
		if d.Scope == semantic.Tenant {
			want = 2 // the shared row-mode table and each dataset-mode tenant's own
		}
		if served[d.ID] != want {
			t.Errorf("catalog %s is served by %d Terraform tables, want %d", d.ID, served[d.ID], want)
		}
	}
}

// Every column a BigQuery model reads or writes in a mart exists there, and
// each mart's MERGE fills every column it has.
func TestModelsWriteTheMartSchemas(t *testing.T) {
	cols := map[string][]column{}
	for _, tt := range terraformTables(t) {
		if !tt.Tenant {
			cols[tt.TableID] = tt.Columns
		}
	}
	files, err := filepath.Glob(filepath.Join(bigqueryModels, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	filled := map[string]bool{}
	accesses := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		as, err := martAccesses(string(src))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, a := range as {
			accesses++
			c, ok := cols[a.Table]
			if !ok {
				t.Errorf("%s: %s marts.%s, which Terraform does not create", filepath.Base(f), a.Verb, a.Table)
				continue
			}
			if a.Insert != nil {
				filled[a.Table] = true
			}
			for _, p := range checkAccess(a, c) {
				t.Errorf("%s: marts.%s: %s", filepath.Base(f), a.Table, p)
			}
		}
	}
	bq := declaredMarts(t, nil, filepath.Join(bigqueryModels, "ddl_marts_*.sql"))
	for name := range bq {
		if !filled[name] {
			t.Errorf("no BigQuery model inserts into marts.%s", name)
		}
	}
	if accesses < 11 {
		t.Fatalf("found %d mart reads and writes in the BigQuery models; they have more", accesses)
	}
}

// The parsers and checks above find what they are for.
func TestMartSchemaChecksCatch(t *testing.T) {
	ddl := "-- a mart\nCREATE TABLE IF NOT EXISTS marts.m (\n  month DATE NOT NULL, -- first day, of the month\n" +
		"  `index` FLOAT64,\n  amount NUMERIC(20, 2) NOT NULL\n)\nPARTITION BY DATE_TRUNC(month, MONTH)\nCLUSTER BY a, b;\n"
	ds, err := createTables(ddl, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []declared{{
		Name: "m",
		Columns: []column{
			{Name: "month", Type: "DATE", Mode: "REQUIRED"},
			{Name: "index", Type: "FLOAT64", Mode: "NULLABLE"},
			{Name: "amount", Type: "NUMERIC(20,2)", Mode: "REQUIRED"},
		},
		Layout: layout{Column: "month", Unit: "MONTH", Cluster: []string{"a", "b"}},
	}}
	if diff := cmp.Diff(want, ds); diff != "" {
		t.Errorf("createTables (-want +got):\n%s", diff)
	}

	update := "UPDATE marts.x AS m SET\n  a = (SELECT ANY_VALUE(d.a) FROM core.d d WHERE d.k = m.k),\n  m.b = IF(m.c > 0, 1, 2)\n" +
		"FROM core.y AS y WHERE y.k = m.k AND m.year >= 1990;"
	as, err := martAccesses(update)
	if err != nil {
		t.Fatal(err)
	}
	wantAs := []martAccess{{Table: "x", Verb: "UPDATE", Set: []string{"a", "b"}, Refs: []string{"k", "b", "c", "k", "year"}}}
	if diff := cmp.Diff(wantAs, as); diff != "" {
		t.Errorf("martAccesses (-want +got):\n%s", diff)
	}
	if _, err := martAccesses("UPDATE marts.x SET a = 1 WHERE TRUE"); err == nil {
		t.Error("an UPDATE of a mart without an alias was accepted")
	}

	mart := []column{{Name: "month", Type: "DATE", Mode: "REQUIRED"}, {Name: "a", Type: "STRING", Mode: "NULLABLE"}, {Name: "v", Type: "FLOAT64", Mode: "REQUIRED"}}
	merge := "MERGE marts.x AS t USING (SELECT 1) AS s ON FALSE WHEN NOT MATCHED BY SOURCE AND t.month >= DATE '1990-01-01' THEN DELETE " +
		"WHEN NOT MATCHED THEN INSERT (month, a, w) VALUES (s.month, s.a, s.w)"
	as, err = martAccesses(merge)
	if err != nil || len(as) != 1 {
		t.Fatalf("martAccesses(merge) = %v, %v", as, err)
	}
	if got, want := checkAccess(as[0], mart), []string{"MERGE inserts w, which the mart lacks", "MERGE leaves v unfilled"}; !slices.Equal(got, want) {
		t.Errorf("checkAccess = %q, want %q", got, want)
	}

	mutations := []struct {
		name   string
		mutate func([]column) []column
	}{
		{"missing", func(cs []column) []column { return cs[:2] }},
		{"extra", func(cs []column) []column { return append(cs, column{Name: "x", Type: "STRING", Mode: "NULLABLE"}) }},
		{"type", func(cs []column) []column { cs[2].Type = "NUMERIC"; return cs }},
		{"mode", func(cs []column) []column { cs[1].Mode = "REQUIRED"; return cs }},
		{"order", func(cs []column) []column { cs[0], cs[1] = cs[1], cs[0]; return cs }},
	}
	for _, m := range mutations {
		if got := compareColumns(mart, m.mutate(slices.Clone(mart))); len(got) != 1 {
			t.Errorf("compareColumns after a %s mutation = %q, want one difference", m.name, got)
		}
	}

	d := &semantic.Dataset{Partition: semantic.Partition{Column: "month", By: "month"}, Cluster: []string{"a"}}
	layouts := []struct {
		name string
		l    layout
		cols []column
	}{
		{"unpartitioned", layout{Cluster: []string{"a"}}, mart},
		{"partition not a column", layout{Column: "day", Unit: "MONTH", Cluster: []string{"a"}}, mart},
		{"partition not a date", layout{Column: "month", Unit: "MONTH", Cluster: []string{"a"}}, []column{{Name: "month", Type: "STRING"}, mart[1]}},
		{"another unit", layout{Column: "month", Unit: "YEAR", Cluster: []string{"a"}}, mart},
		{"another cluster", layout{Column: "month", Unit: "MONTH", Cluster: []string{"month", "a"}}, mart},
		{"cluster on a float", layout{Column: "month", Unit: "MONTH", Cluster: []string{"a"}}, []column{mart[0], {Name: "a", Type: "FLOAT64"}}},
	}
	if got := checkLayout(tfTable{Columns: mart, Layout: layout{Column: "month", Unit: "MONTH", Cluster: []string{"a"}}}, d); got != nil {
		t.Errorf("checkLayout of a good table = %q", got)
	}
	for _, l := range layouts {
		if got := checkLayout(tfTable{Columns: l.cols, Layout: l.l}, d); len(got) == 0 {
			t.Errorf("checkLayout did not catch %s", l.name)
		}
	}
}
