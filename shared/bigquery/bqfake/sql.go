package bqfake

import (
	"strings"
)

// The fake reads just enough GoogleSQL to refuse what BigQuery refuses:
// a lexer that keeps names, operators, literals and parameters apart (and
// drops comments), and a few scans over its tokens. It does not parse.

type tokKind int

const (
	tName   tokKind = iota // an identifier or a dotted path of them
	tOp                    // punctuation and operators
	tString                // a string or bytes literal
	tNumber
	tParam // @name, @@name
)

type token struct {
	kind tokKind
	text string // as written (for tName the parts joined by dots, unquoted)
	// parts are a name's dotted parts, lower-cased, backticks removed
	// (a quoted `project.dataset.table` is split at its dots).
	parts  []string
	quoted bool // a name with a backticked part is never a keyword
	// depth is the parenthesis depth: an opening parenthesis has the depth
	// of what encloses it, and so has its closing one.
	depth int
}

// is reports whether t is the keyword kw (upper case).
func (t token) is(kw string) bool {
	return t.kind == tName && !t.quoted && len(t.parts) == 1 && strings.EqualFold(t.text, kw)
}

func (t token) op(ops ...string) bool {
	if t.kind != tOp {
		return false
	}
	for _, o := range ops {
		if t.text == o {
			return true
		}
	}
	return false
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// lex splits GoogleSQL into tokens. Comments (--, #, /* */) are dropped;
// string literals (quoted, triple-quoted, with escapes) are one token each.
func lex(sql string) []token {
	var out []token
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '#' || (c == '-' && i+1 < len(sql) && sql[i+1] == '-'):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				i = len(sql)
			} else {
				i += end + 4
			}
		case c == '\'' || c == '"':
			j := skipString(sql, i)
			out = append(out, token{kind: tString, text: sql[i:j], depth: depth})
			i = j
		case c == '@':
			j := i + 1
			for j < len(sql) && (sql[j] == '@' || isIdentChar(sql[j])) {
				j++
			}
			out = append(out, token{kind: tParam, text: sql[i:j], depth: depth})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(sql) && (isIdentChar(sql[j]) || sql[j] == '.') {
				j++
			}
			out = append(out, token{kind: tNumber, text: sql[i:j], depth: depth})
			i = j
		case isIdentStart(c) || c == '`':
			t, j := lexName(sql, i)
			t.depth = depth
			out = append(out, t)
			i = j
		case c == '(' || c == '[':
			out = append(out, token{kind: tOp, text: string(c), depth: depth})
			depth++
			i++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
			out = append(out, token{kind: tOp, text: string(c), depth: depth})
			i++
		default:
			n := 1
			if i+1 < len(sql) {
				switch sql[i : i+2] {
				case "<=", ">=", "<>", "!=", "||", "<<", ">>":
					n = 2
				}
			}
			out = append(out, token{kind: tOp, text: sql[i : i+n], depth: depth})
			i += n
		}
	}
	return out
}

// skipString returns the index just past the literal starting at i.
func skipString(sql string, i int) int {
	q := sql[i]
	if strings.HasPrefix(sql[i:], strings.Repeat(string(q), 3)) {
		end := strings.Index(sql[i+3:], strings.Repeat(string(q), 3))
		if end < 0 {
			return len(sql)
		}
		return i + 3 + end + 3
	}
	for j := i + 1; j < len(sql); j++ {
		switch sql[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(sql)
}

// lexName reads a dotted name whose parts are identifiers or backticked.
func lexName(sql string, i int) (token, int) {
	t := token{kind: tName}
	var text []string
	for {
		if i < len(sql) && sql[i] == '`' {
			end := strings.IndexByte(sql[i+1:], '`')
			if end < 0 {
				end = len(sql) - i - 1
			}
			for _, p := range strings.Split(sql[i+1:i+1+end], ".") {
				t.parts = append(t.parts, strings.ToLower(p))
				text = append(text, p)
			}
			t.quoted = true
			i += end + 2
		} else {
			j := i
			for j < len(sql) && isIdentChar(sql[j]) {
				j++
			}
			t.parts = append(t.parts, strings.ToLower(sql[i:j]))
			text = append(text, sql[i:j])
			i = j
		}
		if i+1 < len(sql) && sql[i] == '.' && (isIdentStart(sql[i+1]) || sql[i+1] == '`') {
			i++
			continue
		}
		break
	}
	t.text = strings.Join(text, ".")
	return t, min(i, len(sql))
}

// tableOf names the table a name token refers to as dataset.table,
// dropping the fake's project; "" when it has fewer than two parts.
func tableOf(t token) string {
	p := t.parts
	if len(p) == 3 && p[0] == strings.ToLower(Project) {
		p = p[1:]
	}
	if len(p) != 2 {
		return ""
	}
	return p[0] + "." + p[1]
}

// firstDataset is the dataset of the first table the SQL names after
// FROM, JOIN, INTO, UPDATE, MERGE, TABLE or EXISTS ("" when none).
func firstDataset(toks []token) string {
	for i := 1; i < len(toks); i++ {
		p := toks[i-1]
		if !(p.is("FROM") || p.is("JOIN") || p.is("INTO") || p.is("UPDATE") || p.is("MERGE") || p.is("TABLE") || p.is("EXISTS")) {
			continue
		}
		if name := tableOf(toks[i]); name != "" {
			ds, _, _ := strings.Cut(name, ".")
			return ds
		}
	}
	return ""
}

// clauseEnd are the keywords that end a WHERE clause (or a block, while
// its WHERE is looked for) at the block's own depth.
var clauseEnd = map[string]bool{
	"GROUP": true, "HAVING": true, "QUALIFY": true, "WINDOW": true, "ORDER": true, "LIMIT": true,
	"UNION": true, "EXCEPT": true, "INTERSECT": true,
}

// joinEnd are the keywords that end a JOIN's ON condition.
var joinEnd = map[string]bool{
	"JOIN": true, "LEFT": true, "RIGHT": true, "INNER": true, "FULL": true, "CROSS": true, "WHERE": true,
}

// notAlias are the keywords that may follow a table name where an alias
// could be.
var notAlias = map[string]bool{
	"WHERE": true, "JOIN": true, "LEFT": true, "RIGHT": true, "INNER": true, "FULL": true, "CROSS": true,
	"ON": true, "USING": true, "SET": true, "FOR": true, "TABLESAMPLE": true, "WHEN": true, "UNNEST": true,
	"GROUP": true, "HAVING": true, "QUALIFY": true, "WINDOW": true, "ORDER": true, "LIMIT": true,
	"UNION": true, "EXCEPT": true, "INTERSECT": true,
}

// span is tokens [from, to) at base depth depth.
type span struct{ from, to, depth int }

// missingPartitionFilter returns the first table of filters (dataset.table
// -> partition column) that the SQL reads without a predicate on its
// partition column that BigQuery could use for partition elimination, or
// "" when every such read has one.
//
// This is a heuristic, not BigQuery's planner. A read is the table named
// after FROM, JOIN, a comma of a FROM list, UPDATE, DELETE or MERGE [INTO];
// the table an INSERT writes or a CREATE names is not one. A read counts
// as filtered when a clause that belongs to it holds, at the clause's own
// parenthesis depth and with no OR at that depth, the partition column
// (bare, or qualified by the table's alias or name) compared with =, <, >,
// <=, >=, BETWEEN or IN to a constant: literals, parameters, function
// calls and type keywords, but no other column and no subquery. The
// clauses of a read are the WHERE of its own query block (UPDATE and
// DELETE included), the ON of its JOIN, and for a MERGE target the ON and
// each WHEN condition. So `month IS NOT NULL`, `EXTRACT(YEAR FROM month) =
// 2024`, `f.month = other.month` and a filter written only in an outer
// query over a subquery all fail, which is stricter than BigQuery in the
// last case and as strict in the others; a predicate nested in
// parentheses is not seen, which is stricter too.
func missingPartitionFilter(sql string, filters map[string]string) (table, column string) {
	if len(filters) == 0 {
		return "", ""
	}
	toks := lex(sql)
	for i, t := range toks {
		if t.kind != tName {
			continue
		}
		name := tableOf(t)
		col, ok := filters[name]
		if !ok {
			continue
		}
		role := readRole(toks, i)
		if role == "" {
			continue
		}
		quals := map[string]bool{t.parts[len(t.parts)-1]: true}
		if a := aliasAfter(toks, i); a != "" {
			quals[a] = true
		}
		var clauses []span
		if role == "merge" {
			clauses = mergeClauses(toks, i)
		} else {
			clauses = readClauses(toks, i, role == "join")
		}
		found := false
		for _, c := range clauses {
			if filtered(toks, c, col, name, quals) {
				found = true
				break
			}
		}
		if !found {
			return name, col
		}
	}
	return "", ""
}

// readRole says how the name at i is used: "read" (FROM, a FROM list,
// UPDATE, DELETE), "join", "merge" (a MERGE target) or "" (written,
// created, or not a table at all).
func readRole(toks []token, i int) string {
	if i == 0 {
		return ""
	}
	p := toks[i-1]
	switch {
	case p.is("FROM"), p.is("UPDATE"), p.is("DELETE"):
		return "read"
	case p.op(","):
		// A comma reads only inside a FROM list: FROM comes first at the
		// comma's depth, before any keyword of another clause.
		for j := i - 2; j >= 0 && toks[j].depth >= p.depth; j-- {
			switch t := toks[j]; {
			case t.depth != p.depth:
			case t.is("FROM"):
				return "read"
			case t.is("SELECT"), t.is("WHERE"), t.is("BY"), t.is("SET"), t.op(";"):
				return ""
			}
		}
		return ""
	case p.is("JOIN"):
		return "join"
	case p.is("MERGE"):
		return "merge"
	case p.is("INTO") && i >= 2 && toks[i-2].is("MERGE"):
		return "merge"
	}
	return ""
}

// aliasAfter returns the alias given to the table at i, lower-cased.
func aliasAfter(toks []token, i int) string {
	j := i + 1
	if j < len(toks) && toks[j].is("AS") {
		j++
	}
	if j >= len(toks) || toks[j].kind != tName || len(toks[j].parts) != 1 {
		return ""
	}
	if !toks[j].quoted && notAlias[strings.ToUpper(toks[j].text)] {
		return ""
	}
	return toks[j].parts[0]
}

// readClauses finds the WHERE of the query block the table at i belongs to
// and, for a joined table, its ON.
func readClauses(toks []token, i int, join bool) []span {
	d := toks[i].depth
	var out []span
	for j := i + 1; j < len(toks); j++ {
		t := toks[j]
		if t.depth < d {
			break
		}
		if t.depth > d {
			continue
		}
		if t.op(";") || (t.kind == tName && !t.quoted && clauseEnd[strings.ToUpper(t.text)]) {
			break
		}
		if join && t.is("ON") && len(out) == 0 {
			out = append(out, span{j + 1, endOf(toks, j+1, d, joinEnd), d})
			continue
		}
		if t.is("WHERE") {
			out = append(out, span{j + 1, endOf(toks, j+1, d, clauseEnd), d})
			break
		}
	}
	return out
}

// mergeClauses finds a MERGE's ON condition and the conditions of its WHEN
// clauses.
func mergeClauses(toks []token, i int) []span {
	d := toks[i].depth
	var out []span
	on := -1
	for j := i + 1; j < len(toks); j++ {
		t := toks[j]
		if t.depth < d || (t.depth == d && t.op(";")) {
			break
		}
		if t.depth != d {
			continue
		}
		switch {
		case t.is("ON") && on < 0:
			on = j
		case t.is("WHEN"):
			if on >= 0 && len(out) == 0 {
				out = append(out, span{on + 1, j, d})
			}
			end := j + 1
			for end < len(toks) && !(toks[end].depth == d && (toks[end].is("THEN") || toks[end].op(";"))) && toks[end].depth >= d {
				end++
			}
			out = append(out, span{j + 1, end, d})
		}
	}
	return out
}

// endOf returns where a clause starting at from ends: a keyword of stop, a
// comma or a semicolon at depth d, or the end of its parentheses.
func endOf(toks []token, from, d int, stop map[string]bool) int {
	for j := from; j < len(toks); j++ {
		t := toks[j]
		if t.depth < d {
			return j
		}
		if t.depth == d && (t.op(";", ",") || (t.kind == tName && !t.quoted && stop[strings.ToUpper(t.text)])) {
			return j
		}
	}
	return len(toks)
}

// comparisons are the operators a partition predicate may use.
var comparisons = map[string]bool{"=": true, "<": true, ">": true, "<=": true, ">=": true}

// filtered reports whether the clause compares the partition column with a
// constant at its own depth, and has no OR there.
func filtered(toks []token, c span, col, table string, quals map[string]bool) bool {
	for j := c.from; j < c.to; j++ {
		if toks[j].depth == c.depth && toks[j].is("OR") {
			return false
		}
	}
	for j := c.from; j < c.to; j++ {
		t := toks[j]
		if t.depth != c.depth || t.kind != tName || !refersTo(t, col, table, quals) {
			continue
		}
		if j+1 < c.to {
			n := toks[j+1]
			switch {
			case n.kind == tOp && comparisons[n.text], n.is("IN"):
				if constant(toks, j+2, operandEnd(toks, j+2, c, false)) {
					return true
				}
			case n.is("BETWEEN"):
				if constant(toks, j+2, operandEnd(toks, j+2, c, true)) {
					return true
				}
			}
		}
		if j-1 >= c.from && toks[j-1].kind == tOp && comparisons[toks[j-1].text] {
			if constant(toks, operandStart(toks, j-2, c), j-1) {
				return true
			}
		}
	}
	return false
}

// refersTo reports whether a name token is the partition column of the
// table: bare, or qualified by its alias, its name or its full name.
func refersTo(t token, col, table string, quals map[string]bool) bool {
	p := t.parts
	if p[len(p)-1] != col {
		return false
	}
	switch len(p) {
	case 1:
		return true
	case 2:
		return quals[p[0]]
	}
	q := token{parts: p[:len(p)-1]}
	return tableOf(q) == table
}

// operandEnd is where the operand starting at from ends: AND (the second
// one after BETWEEN), OR, THEN, a clause keyword or a comma at the clause's
// depth, or the clause's end.
func operandEnd(toks []token, from int, c span, between bool) int {
	ands := 0
	for j := from; j < c.to; j++ {
		t := toks[j]
		if t.depth != c.depth {
			continue
		}
		if t.is("AND") {
			if between && ands == 0 {
				ands++
				continue
			}
			return j
		}
		if t.is("OR") || t.is("THEN") || t.op(",", ";") {
			return j
		}
	}
	return c.to
}

// operandStart is where the operand ending at to (inclusive) starts.
func operandStart(toks []token, to int, c span) int {
	j := to
	for ; j >= c.from; j-- {
		t := toks[j]
		if t.depth == c.depth && (t.is("AND") || t.is("OR") || t.is("WHEN") || t.is("NOT") || t.op(",")) {
			break
		}
	}
	return j + 1
}

// constantWords are the keywords a constant operand may hold besides
// literals, parameters and function names.
var constantWords = map[string]bool{
	"DATE": true, "DATETIME": true, "TIMESTAMP": true, "TIME": true, "INTERVAL": true, "AS": true,
	"DAY": true, "WEEK": true, "MONTH": true, "QUARTER": true, "YEAR": true, "HOUR": true, "MINUTE": true, "SECOND": true,
	"INT64": true, "STRING": true, "FLOAT64": true, "NUMERIC": true, "BIGNUMERIC": true, "BOOL": true,
	"TRUE": true, "FALSE": true, "NULL": true, "AND": true,
}

// constant reports whether tokens [from, to) are a non-empty constant
// expression: no column (a name that is neither a function called nor a
// constant keyword) and no subquery.
func constant(toks []token, from, to int) bool {
	if from >= to {
		return false
	}
	for j := from; j < to; j++ {
		t := toks[j]
		if t.kind != tName {
			continue
		}
		if t.is("SELECT") {
			return false
		}
		if j+1 < to && toks[j+1].op("(") {
			continue // a function call
		}
		if t.quoted || len(t.parts) != 1 || !constantWords[strings.ToUpper(t.text)] {
			return false
		}
	}
	return true
}

// Column is a column of a table the fake knows, typed as GoogleSQL names
// types (STRING, INT64, FLOAT64, BOOL, DATE, TIMESTAMP, NUMERIC).
type Column struct {
	Name     string
	Type     string
	Required bool
}

// createdTables reads the permanent tables a script's CREATE TABLE
// statements declare with a column list.
func createdTables(sql string) map[string][]Column {
	toks := lex(sql)
	out := map[string][]Column{}
	for i := 0; i < len(toks); i++ {
		if !toks[i].is("CREATE") {
			continue
		}
		j := i + 1
		if j+1 < len(toks) && toks[j].is("OR") && toks[j+1].is("REPLACE") {
			j += 2
		}
		if j < len(toks) && (toks[j].is("TEMP") || toks[j].is("TEMPORARY")) {
			continue
		}
		if j >= len(toks) || !toks[j].is("TABLE") {
			continue
		}
		j++
		if j+2 < len(toks) && toks[j].is("IF") && toks[j+1].is("NOT") && toks[j+2].is("EXISTS") {
			j += 3
		}
		if j+1 >= len(toks) || toks[j].kind != tName || !toks[j+1].op("(") {
			continue
		}
		name := tableOf(toks[j])
		if name == "" {
			continue
		}
		d := toks[j+1].depth + 1
		var cols []Column
		var elem []token
		flush := func() {
			if len(elem) >= 2 && elem[0].kind == tName && len(elem[0].parts) == 1 &&
				!elem[0].is("PRIMARY") && !elem[0].is("FOREIGN") && !elem[0].is("CONSTRAINT") {
				c := Column{Name: elem[0].parts[0], Type: canonicalType(elem[1].text)}
				for k := 2; k+1 < len(elem); k++ {
					if elem[k].is("NOT") && elem[k+1].is("NULL") {
						c.Required = true
					}
				}
				cols = append(cols, c)
			}
			elem = elem[:0]
		}
		k := j + 2
		for ; k < len(toks) && toks[k].depth >= d; k++ {
			if toks[k].depth == d && toks[k].op(",") {
				flush()
				continue
			}
			if toks[k].depth == d {
				elem = append(elem, toks[k])
			}
		}
		flush()
		out[name] = cols
		i = k
	}
	return out
}

// canonicalType names a type as GoogleSQL does (a load schema uses the
// legacy names).
func canonicalType(t string) string {
	switch t = strings.ToUpper(t); t {
	case "INTEGER":
		return "INT64"
	case "FLOAT":
		return "FLOAT64"
	case "BOOLEAN":
		return "BOOL"
	}
	return t
}
