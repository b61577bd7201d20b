package ingest

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/ingest/delim"
)

// IPCA arrives in three layouts:
//
//   - sidra_csv_br: SIDRA table 1737 downloaded as "CSV (BR)": latin-1, ';',
//     decimal comma, title lines, then the months as COLUMNS (";dezembro
//     1979;janeiro 1980;...") and one data row per territory ("Brasil;...").
//   - sidra_tsv: the same table as TSV: UTF-8 with BOM, tab, decimal point,
//     months as ROWS ("janeiro 1980\t6.62") after a "Mês" header, then notes.
//   - bcb_sgs_json: BCB SGS series 433 as JSON, [{"data":"01/01/1980","valor":"6.62"}].
//
// Each file carries one variable, told by its "Variável - ..." line: the
// monthly change (mom), the 12-month change (yoy, kept as the published
// reference series) or the index number. The mart's index and 12-month
// change are computed from the monthly changes (models/*/marts_ipca_monthly.sql).

var ptMonths = map[string]time.Month{
	"janeiro": 1, "fevereiro": 2, "marco": 3, "abril": 4, "maio": 5, "junho": 6,
	"julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}

// parsePTMonth parses SIDRA's "março 1980".
func parsePTMonth(s string) (time.Time, bool) {
	f := strings.Fields(strings.TrimSpace(s))
	if len(f) != 2 {
		return time.Time{}, false
	}
	m, ok := ptMonths[delim.Name(f[0])]
	y, err := strconv.Atoi(f[1])
	if !ok || err != nil || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), true
}

// ipcaVariable tells the variable from SIDRA's "Variável - IPCA - Variação mensal (%)".
func ipcaVariable(line string) (string, bool) {
	n := delim.Name(line)
	switch {
	case strings.Contains(n, "acumulada_em_12_meses"):
		return "yoy", true
	case strings.Contains(n, "variacao_mensal"):
		return "mom", true
	case strings.Contains(n, "numero_indice"):
		return "index", true
	}
	return "", false
}

func loadIPCA(j *job) error {
	br := bufio.NewReaderSize(j.in, 64<<10)
	head, _ := br.Peek(4 << 10)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	layout := j.Params.Layout
	if layout == "" {
		switch {
		case bytes.HasPrefix(trimmed, []byte("[")):
			layout = "bcb_sgs_json"
		case bytes.Count(head, []byte("\t")) > bytes.Count(head, []byte(";")):
			layout = "sidra_tsv"
		default:
			layout = "sidra_csv_br"
		}
	}
	j.Layout = layout
	if err := j.runModels("landing_ipca"); err != nil {
		return err
	}
	l, err := j.land("ipca", "variable", "month", "value")
	if err != nil {
		return err
	}
	switch layout {
	case "bcb_sgs_json":
		err = readSGSJSON(j, br, l)
	case "sidra_tsv":
		err = readSIDRA(j, br, l, delim.UTF8, '\t', delim.Point)
	case "sidra_csv_br":
		err = readSIDRA(j, br, l, delim.Latin1, ';', delim.Comma)
	default:
		err = j.contractErr(0, "", "unknown IPCA layout %q", layout)
	}
	if err != nil {
		return err
	}
	if err := l.close(); err != nil {
		return err
	}
	if len(j.periods) == 0 {
		return j.contractErr(0, "", "no month with a value")
	}
	j.finish = func() error {
		if err := j.runModelsWith(map[string]any{"variable": j.Scope}, "staging_ipca", "ddl_core_fact_ipca", "core_fact_ipca"); err != nil {
			return err
		}
		if err := checkIPCAChain(j); err != nil {
			return err
		}
		return j.runModels("ddl_marts_ipca_monthly", "marts_ipca_monthly")
	}
	return nil
}

// checkIPCAChain refuses a chain of monthly changes with a hole or not
// reaching back to December 1993, where the index is anchored (= 100).
func checkIPCAChain(j *job) error {
	var firstN, lastN sql.NullTime
	var n int
	return j.sess.Check(j.ctx, Check{Name: "ipca chain check", Model: "check_ipca_chain", Dest: []any{&firstN, &lastN, &n},
		Refuse: func() error { return ipcaChain(j, firstN, lastN, n) }})
}

// ipcaChain refuses the chain of n monthly changes from firstN to lastN
// unless it is whole and anchored.
func ipcaChain(j *job, firstN, lastN sql.NullTime, n int) error {
	if !firstN.Valid || !lastN.Valid {
		// Another variable (e.g. the 12-month change) loaded first.
		return j.contractErr(0, "", "no monthly changes (Variação mensal) are loaded: the index (Dec 1993 = 100) needs them; load the monthly series first")
	}
	first, last := firstN.Time, lastN.Time
	want := (last.Year()-first.Year())*12 + int(last.Month()-first.Month()) + 1
	if n != want {
		return j.contractErr(0, "", "the monthly changes from %s to %s miss %d months: the index chain needs every month", first.Format("2006-01"), last.Format("2006-01"), want-n)
	}
	if first.After(time.Date(1993, 12, 1, 0, 0, 0, 0, time.UTC)) {
		return j.contractErr(0, "", "the monthly changes start in %s: the index (Dec 1993 = 100) needs them from Dec 1993 or earlier; load the full series first", first.Format("2006-01"))
	}
	return nil
}

// readSIDRA reads SIDRA's CSV(BR) (months as columns) or TSV (months as rows).
func readSIDRA(j *job, r io.Reader, l *lander, enc delim.Encoding, comma byte, mark delim.DecimalMark) error {
	text, _, err := delim.Decode(r, enc)
	if err != nil {
		return err
	}
	rd := delim.NewReader(text, comma)
	var months []time.Time // the CSV's header of months
	inRows := false        // the TSV's month rows have started
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return j.contractErr(rd.Line(), "", "%v", err)
		}
		first := strings.TrimSpace(rec[0])
		nonEmpty := 0
		for _, f := range rec {
			if strings.TrimSpace(f) != "" {
				nonEmpty++
			}
		}
		switch {
		case j.Scope == "" && strings.HasPrefix(delim.Name(first), "variavel"):
			v, ok := ipcaVariable(first)
			if !ok {
				return j.contractErr(rd.Line(), "Variável", "not an IPCA variable of table 1737: %q", first)
			}
			j.Scope = v
		case delim.Name(first) == "mes" && comma == '\t':
			inRows = true
		case first == "" && len(rec) > 1 && delim.Name(rec[1]) == "mes":
			// CSV: the ";Mês;;;" line above the months.
		case first == "" && len(rec) > 1 && months == nil:
			if months, err = sidraMonths(j, rec, rd.Line()); err != nil {
				return err
			}
		case months != nil && first != "" && nonEmpty > 1:
			if err := sidraRow(j, l, rec, rd.Line(), months, mark); err != nil {
				return err
			}
		case inRows:
			m, ok := parsePTMonth(first)
			if !ok {
				continue // the notes and legend after the rows
			}
			if len(rec) < 2 {
				return j.contractErr(rd.Line(), first, "no value")
			}
			j.Report.RowsRead++
			if err := j.ipcaValue(l, rd.Line(), m, rec[1], mark); err != nil {
				return err
			}
		}
	}
	if j.Scope == "" {
		return j.contractErr(0, "Variável", "no \"Variável - ...\" line naming the variable")
	}
	if months == nil && !inRows && comma == ';' {
		return j.contractErr(0, "Mês", "no header of months")
	}
	return nil
}

// sidraMonths reads the CSV's header of months ("janeiro 1980", ...), up
// to its first empty column.
func sidraMonths(j *job, rec []string, line int) ([]time.Time, error) {
	var months []time.Time
	for i, f := range rec[1:] {
		f = strings.TrimSpace(f)
		if f == "" && i > 0 {
			break
		}
		m, ok := parsePTMonth(f)
		if !ok {
			return nil, j.contractErr(line, "Mês", "column %d is not a month (\"janeiro 1980\"): %q", i+2, f)
		}
		months = append(months, m)
	}
	return months, nil
}

// sidraRow lands a CSV data row: a territory and one value per month.
// The mart holds Brasil only; another territory is noted, not read.
func sidraRow(j *job, l *lander, rec []string, line int, months []time.Time, mark delim.DecimalMark) error {
	first := strings.TrimSpace(rec[0])
	if delim.Name(first) != "brasil" {
		j.note("territory %q ignored: the mart holds Brasil only", first)
		return nil
	}
	j.Report.RowsRead++
	for i, m := range months {
		cell := ""
		if i+1 < len(rec) {
			cell = rec[i+1]
		}
		if err := j.ipcaValue(l, line, m, cell, mark); err != nil {
			return err
		}
	}
	return nil
}

func (j *job) ipcaValue(l *lander, line int, m time.Time, cell string, mark delim.DecimalMark) error {
	v, ok, err := delim.ParseSIDRA(cell, mark)
	if err != nil {
		return j.contractErr(line, m.Format("2006-01"), "not a SIDRA value: %q", cell)
	}
	var val any
	if ok {
		val = v
		j.addPeriod(m.Format("2006-01"))
	} else {
		j.skipLanded(1, `months with no value (a SIDRA symbol: "-", "..", "...", "X"; landed, nothing to publish)`)
	}
	return l.add(line, j.Scope, m, val)
}

// readSGSJSON streams the BCB SGS JSON array element by element. Errors
// name the physical line of the observation (SGS serves one line, but a
// pretty-printed file has one per observation) and its ordinal.
func readSGSJSON(j *job, r io.Reader, l *lander) error {
	j.Scope = "mom" // series 433 is the monthly change
	lines := &lineTracker{r: r}
	dec := json.NewDecoder(lines)
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return j.contractErr(1, "", "not a JSON array of SGS observations")
	}
	n := 0
	for dec.More() {
		n++
		var obs map[string]any
		err := dec.Decode(&obs)
		line := lines.lineAt(dec.InputOffset())
		if err != nil {
			return j.contractErr(line, "", "observation %d: %v", n, err)
		}
		data, ok1 := obs["data"].(string)
		valor, ok2 := obs["valor"].(string)
		if !ok1 {
			return j.contractErr(line, "data", "observation %d has no \"data\" string", n)
		}
		if !ok2 {
			return j.contractErr(line, "valor", "observation %d has no \"valor\" string", n)
		}
		t, err := time.Parse("02/01/2006", data)
		if err != nil || t.Day() != 1 {
			return j.contractErr(line, "data", "observation %d: %q is not a month (dd/mm/aaaa, day 01)", n, data)
		}
		v, err := delim.ParseDecimal(valor, delim.Point)
		if err != nil {
			return j.contractErr(line, "valor", "observation %d: %q is not a number", n, valor)
		}
		j.Report.RowsRead++
		j.addPeriod(t.Format("2006-01"))
		if err := l.add(n, "mom", t, v); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return j.contractErr(lines.lineAt(dec.InputOffset()), "", "the JSON array does not close: %v", err)
	}
	return nil
}

// lineTracker counts the newlines a JSON decoder reads, keeping only those
// the decoder's buffer has not passed yet, so memory stays bounded by that
// buffer.
type lineTracker struct {
	r       io.Reader
	off     int64   // bytes read so far
	passed  int     // newlines before the last offset asked about
	pending []int64 // offsets of newlines read but not yet passed
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			t.pending = append(t.pending, t.off+int64(i))
		}
	}
	t.off += int64(n)
	return n, err
}

// lineAt is the 1-based line of the byte at offset; offsets must not go
// backwards between calls.
func (t *lineTracker) lineAt(offset int64) int {
	i := 0
	for i < len(t.pending) && t.pending[i] < offset {
		i++
	}
	t.passed += i
	t.pending = t.pending[i:]
	return t.passed + 1
}
