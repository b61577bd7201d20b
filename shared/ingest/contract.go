package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mirante/mirante/shared/ingest/delim"
)

// Kind is the type a contract expects of a column's values.
type Kind int

// The column kinds. Codes are text made of digits (leading zeros kept,
// short ones padded to Width); Ints and Decimals are numbers, Decimals in
// the contract's decimal mark.
const (
	Text Kind = iota
	Code
	Int
	Decimal
)

func (k Kind) String() string {
	return [...]string{"text", "code", "integer", "decimal"}[k]
}

// Column is one expected column of a layout.
type Column struct {
	Name     string // as the file writes it; matched after delim.Name
	Kind     Kind
	Width    int  // Code: digits after left-padding with zeros; 0 for any
	Optional bool // newer or older editions may lack it
	Nullable bool // may be empty
}

// optional lists columns a layout may have and the loader never reads:
// known by name, so that the contract can refuse unknown ones.
func optional(names ...string) []Column {
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{Name: n, Optional: true}
	}
	return out
}

// Contract is a layout's schema: the columns expected by name, their
// types, and whether other columns are tolerated.
type Contract struct {
	Source  string
	Layout  string
	Columns []Column
	// Extra tolerates columns the contract does not know (read by name,
	// ignored); without it an unknown column is a schema break.
	Extra bool
	Mark  delim.DecimalMark
}

// Names returns the contract's column names.
func (c *Contract) Names() []string {
	out := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		out[i] = col.Name
	}
	return out
}

// matches reports whether a header holds every required column, for
// telling layouts apart.
func (c *Contract) matches(header []string) bool {
	have := map[string]bool{}
	for _, h := range header {
		have[delim.Name(h)] = true
	}
	for _, col := range c.Columns {
		if !col.Optional && !have[delim.Name(col.Name)] {
			return false
		}
	}
	return true
}

// binding maps a contract's columns to a file's header positions.
type binding struct {
	c     *Contract
	file  string
	idx   []int // per contract column; -1 when an optional one is absent
	width int   // fields in the header
}

// bind checks a header against the contract: every required column
// present, no duplicate, and no unknown one unless Extra.
func (c *Contract) bind(file string, line int, header []string) (*binding, error) {
	b := &binding{c: c, file: file, idx: make([]int, len(c.Columns)), width: len(header)}
	pos := map[string]int{}
	for i, h := range header {
		n := delim.Name(h)
		if n == "" && i == len(header)-1 && i > 0 {
			b.width = i // a trailing separator
			continue
		}
		if _, dup := pos[n]; dup {
			return nil, &ContractError{Source: c.Source, File: file, Line: line, Column: strings.TrimSpace(h), Reason: "appears twice in the header"}
		}
		pos[n] = i
	}
	known := map[string]bool{}
	for i, col := range c.Columns {
		n := delim.Name(col.Name)
		known[n] = true
		j, ok := pos[n]
		if !ok {
			if col.Optional {
				b.idx[i] = -1
				continue
			}
			return nil, &ContractError{Source: c.Source, File: file, Line: line, Column: col.Name,
				Reason: fmt.Sprintf("missing from the header (%s layout)", c.Layout)}
		}
		b.idx[i] = j
	}
	if !c.Extra {
		for i, h := range header[:b.width] {
			if !known[delim.Name(h)] {
				return nil, &ContractError{Source: c.Source, File: file, Line: line, Column: strings.TrimSpace(header[i]),
					Reason: fmt.Sprintf("is not a column of the %s layout", c.Layout)}
			}
		}
	}
	return b, nil
}

// row reads one record through a binding, collecting the first contract
// violation; callers check err() once per record.
type row struct {
	b    *binding
	rec  []string
	line int
	bad  *ContractError
}

// reset points r at the next record, checking its width against the
// header's (a trailing empty field is a trailing separator).
func (r *row) reset(rec []string, line int) {
	r.rec, r.line, r.bad = rec, line, nil
	if len(rec) != r.b.width && !(len(rec) == r.b.width+1 && rec[r.b.width] == "") {
		r.bad = &ContractError{Source: r.b.c.Source, File: r.b.file, Line: line,
			Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), r.b.width)}
	}
}

// eachRecord is the record loop of every delimited layout: it reads the
// records after the header through b, one row reused for all of them, and
// counts each in the report before fn checks and lands it. A record the
// reader cannot split is a contract error at its line. With skipBlank, a
// line with one empty field is no record (FINBRA's blank lines).
func (j *job) eachRecord(rd *delim.Reader, b *binding, skipBlank bool, fn func(r *row) error) error {
	r := &row{b: b}
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &ContractError{Source: j.Source.ID, File: b.file, Line: rd.Line(), Reason: err.Error()}
		}
		if skipBlank && len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		r.reset(rec, rd.Line())
		j.Report.RowsRead++
		if err := fn(r); err != nil {
			return err
		}
	}
}

func (r *row) err() error {
	if r.bad == nil {
		return nil
	}
	return r.bad
}

func (r *row) fail(i int, format string, args ...any) {
	if r.bad == nil {
		r.bad = &ContractError{Source: r.b.c.Source, File: r.b.file, Line: r.line, Column: r.b.c.Columns[i].Name, Reason: fmt.Sprintf(format, args...)}
	}
}

// present reports whether the optional column i is in the file.
func (r *row) present(i int) bool { return r.b.idx[i] >= 0 }

func (r *row) raw(i int) string {
	j := r.b.idx[i]
	if j < 0 || j >= len(r.rec) {
		return ""
	}
	return r.rec[j]
}

// text returns column i trimmed of spaces.
func (r *row) text(i int) string {
	s := strings.TrimSpace(r.raw(i))
	if s == "" && !r.b.c.Columns[i].Nullable && r.present(i) {
		r.fail(i, "is empty")
	}
	return s
}

// code returns column i as a code of digits, zero-padded to its width.
func (r *row) code(i int) string {
	col := r.b.c.Columns[i]
	s := strings.TrimSpace(r.raw(i))
	if s == "" {
		if !col.Nullable && r.present(i) {
			r.fail(i, "is empty")
		}
		return ""
	}
	if col.Width == 0 {
		if !delim.Digits(s) {
			r.fail(i, "is not a code of digits: %q", s)
		}
		return s
	}
	c, ok := delim.Code(s, col.Width)
	if !ok {
		r.fail(i, "is not a code of at most %d digits: %q", col.Width, s)
	}
	return c
}

// codeInt returns column i, a code of the contract's width (which must be
// set), as a number (see delim.CodeNum), or ok false when it is empty and
// may be. Anything else is refused by code, with code's reasons.
func (r *row) codeInt(i int) (n int64, ok bool) {
	if n, ok := delim.CodeNum(r.raw(i), r.b.c.Columns[i].Width); ok {
		return n, true
	}
	r.code(i)
	return 0, false
}

// int returns column i as an integer.
func (r *row) int(i int) int64 {
	s := r.raw(i)
	v, err := delim.ParseInt(s)
	if err != nil {
		r.fail(i, "is not an integer: %q", s)
	}
	return v
}

// decimal returns column i as a number in the contract's decimal mark.
func (r *row) decimal(i int) float64 {
	s := r.raw(i)
	v, err := delim.ParseDecimal(s, r.b.c.Mark)
	if err != nil {
		r.fail(i, "is not a decimal number (mark %q): %q", rune(r.b.c.Mark), s)
	}
	return v
}

// openDelimited decodes a delimited file and reads its header line.
func (j *job) openDelimited(r io.Reader, enc delim.Encoding, comma byte) (*delim.Reader, []string, error) {
	text, _, err := delim.Decode(r, enc)
	if err != nil {
		return nil, nil, err
	}
	rd := delim.NewReader(text, comma)
	header, err := rd.Read()
	if err != nil {
		return nil, nil, j.contractErr(1, "", "no header line: %v", err)
	}
	return rd, header, nil
}

// landEach is eachRecord for a loop whose records go to one landing
// table: the lander is closed once every record was read.
func (j *job) landEach(rd *delim.Reader, b *binding, l *lander, fn func(r *row) error) error {
	if err := j.eachRecord(rd, b, false, fn); err != nil {
		return err
	}
	return l.close()
}
