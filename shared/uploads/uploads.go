// Package uploads is each org's own data: CSV files of monthly metrics by
// municipality or state that land in the tenant mart, in the org's row or
// dataset mode, and nowhere else.
package uploads

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/mirante/mirante/shared/apperr"
)

// Limits of one upload.
const (
	MaxBytes     = 10 << 20
	MaxRows      = 200_000
	MaxRowErrors = 50
	MaxMetrics   = 200
)

// Status is where an upload is.
type Status string

// An upload is received (stored raw), then loaded into the tenant mart or failed.
const (
	Received Status = "received"
	Loaded   Status = "loaded"
	Failed   Status = "failed"
)

// Upload is one file an org sent.
type Upload struct {
	ID         string     `json:"id"`
	FileName   string     `json:"file_name"`
	SHA256     string     `json:"sha256"`
	Bytes      int64      `json:"bytes"`
	Rows       int64      `json:"rows"`
	Metrics    []string   `json:"metrics"`
	PeriodFrom string     `json:"period_from"`
	PeriodTo   string     `json:"period_to"`
	Status     Status     `json:"status"`
	Error      string     `json:"error,omitempty"`
	UploadedBy string     `json:"uploaded_by,omitempty"`
	ObjectName string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LoadedAt   *time.Time `json:"loaded_at,omitempty"`
}

// Row is one validated line of an upload.
type Row struct {
	Month     string // YYYY-MM
	Municipio string // 7-digit IBGE code, or ""
	UF        string // two letters (with or without a municipality)
	Metric    string
	Value     float64
}

// File is a parsed upload.
type File struct {
	Rows       []Row
	Metrics    []string
	PeriodFrom string
	PeriodTo   string
}

var (
	monthRe  = regexp.MustCompile(`^[12][0-9]{3}-(0[1-9]|1[0-2])$`)
	muniRe   = regexp.MustCompile(`^[1-5][0-9]{6}$`)
	metricRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// columns of the upload format; municipio and uf may each be absent, but not both.
var known = map[string]bool{"month": true, "municipio": true, "uf": true, "metric": true, "value": true}

// Parse reads an upload: a header naming month, municipio and/or uf, metric
// and value (";" or "," separated, UTF-8 with or without BOM, or Latin-1),
// then one row per metric, month and territory. Every row is checked; the
// error (Invalid) names each bad row, up to MaxRowErrors.
func Parse(data []byte) (*File, error) {
	data, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csvReader(data)
	h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	p := &parser{h: h, f: &File{}, metrics: map[string]bool{}, seen: map[string]int{}}
	if err := p.readRows(r); err != nil {
		return nil, err
	}
	return p.file()
}

// decodeText returns the file as UTF-8 text without a BOM, decoding it
// as Latin-1 when it is not UTF-8.
func decodeText(data []byte) ([]byte, error) {
	if len(data) > MaxBytes {
		return nil, apperr.Errorf(apperr.TooLarge, "the file is larger than %d bytes", MaxBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
		if err != nil {
			return nil, apperr.Invalidf("file", "not UTF-8 or Latin-1 text")
		}
		data = dec
	}
	return data, nil
}

// csvReader reads data with the separator its first line uses most: ";"
// or ",".
func csvReader(data []byte) *csv.Reader {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	r := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return r
}

// header is where the file's columns sit.
type header struct {
	idx            map[string]int
	width          int
	hasMuni, hasUF bool
}

// readHeader reads the first record: known columns only, each once, with
// month, metric, value and a territory.
func readHeader(r *csv.Reader) (header, error) {
	names, err := r.Read()
	if err != nil {
		return header{}, apperr.Invalidf("file", "empty, or not CSV")
	}
	h := header{idx: map[string]int{}, width: len(names)}
	for i, raw := range names {
		name := strings.ToLower(strings.TrimSpace(raw))
		if !known[name] {
			return header{}, apperr.Invalidf("header", "unknown column %q (expected month, municipio and/or uf, metric, value)", clip(raw))
		}
		if _, dup := h.idx[name]; dup {
			return header{}, apperr.Invalidf("header", "column %q twice", name)
		}
		h.idx[name] = i
	}
	for _, need := range []string{"month", "metric", "value"} {
		if _, ok := h.idx[need]; !ok {
			return header{}, apperr.Invalidf("header", "missing column %q", need)
		}
	}
	_, h.hasMuni = h.idx["municipio"]
	_, h.hasUF = h.idx["uf"]
	if !h.hasMuni && !h.hasUF {
		return header{}, apperr.Invalidf("header", "needs a municipio or a uf column")
	}
	return h, nil
}

// parser gathers a file's valid rows and names its bad ones.
type parser struct {
	h       header
	f       *File
	errs    []apperr.FieldError
	metrics map[string]bool
	// seen is the line of each month, territory and metric.
	seen map[string]int
}

// bad records a bad row, up to MaxRowErrors.
func (p *parser) bad(line int, col, reason string) {
	if len(p.errs) < MaxRowErrors {
		p.errs = append(p.errs, apperr.FieldError{Field: fmt.Sprintf("line %d: %s", line, col), Reason: reason})
	}
}

// readRows reads every record after the header. Bad rows are recorded and
// skipped; an error means the whole file is refused now.
func (p *parser) readRows(r *csv.Reader) error {
	line := 1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.bad(pe.Line, "row", "malformed CSV: "+pe.Err.Error())
				return nil
			}
			return apperr.Invalidf("file", "unreadable")
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != p.h.width {
			p.bad(line, "row", fmt.Sprintf("%d fields, the header has %d", len(rec), p.h.width))
			continue
		}
		if len(p.f.Rows) >= MaxRows {
			return apperr.Errorf(apperr.TooLarge, "more than %d rows", MaxRows)
		}
		row, ok := p.check(line, rec)
		if !ok {
			continue
		}
		if err := p.add(line, row); err != nil {
			return err
		}
	}
}

// check reads one record as a row and records each of its bad fields.
func (p *parser) check(line int, rec []string) (Row, bool) {
	get := func(c string) string { return strings.TrimSpace(rec[p.h.idx[c]]) }
	row := Row{Month: get("month"), Metric: strings.ToLower(get("metric"))}
	ok := true
	if !monthRe.MatchString(row.Month) {
		p.bad(line, "month", "must be YYYY-MM")
		ok = false
	}
	if p.h.hasMuni {
		row.Municipio = get("municipio")
	}
	if p.h.hasUF {
		row.UF = strings.ToUpper(get("uf"))
	}
	switch {
	case row.Municipio == "" && row.UF == "":
		p.bad(line, "municipio", "give a municipality code or a UF")
		ok = false
	case row.Municipio != "" && !muniRe.MatchString(row.Municipio):
		p.bad(line, "municipio", "must be a 7-digit IBGE code")
		ok = false
	case row.UF != "" && !isUF(row.UF):
		p.bad(line, "uf", "not a UF")
		ok = false
	}
	if !metricRe.MatchString(row.Metric) {
		p.bad(line, "metric", "lowercase letters, digits and _ , starting with a letter, at most 64")
		ok = false
	}
	v, err := parseNumber(get("value"))
	if err != nil {
		p.bad(line, "value", err.Error())
		ok = false
	}
	row.Value = v
	return row, ok
}

// add keeps a valid row unless it repeats an earlier one, and widens the
// file's period. Too many metrics refuse the file.
func (p *parser) add(line int, row Row) error {
	key := row.Month + "|" + row.Municipio + "|" + row.UF + "|" + row.Metric
	if prev, dup := p.seen[key]; dup {
		p.bad(line, "row", fmt.Sprintf("repeats line %d (same month, territory and metric)", prev))
		return nil
	}
	p.seen[key] = line
	p.metrics[row.Metric] = true
	if len(p.metrics) > MaxMetrics {
		return apperr.Invalidf("metric", "more than %d metrics in one file", MaxMetrics)
	}
	if p.f.PeriodFrom == "" || row.Month < p.f.PeriodFrom {
		p.f.PeriodFrom = row.Month
	}
	if row.Month > p.f.PeriodTo {
		p.f.PeriodTo = row.Month
	}
	p.f.Rows = append(p.f.Rows, row)
	return nil
}

// file is the parsed file, or the error that names every bad row.
func (p *parser) file() (*File, error) {
	if len(p.errs) > 0 {
		return nil, &apperr.Error{Code: apperr.Invalid, Message: fmt.Sprintf("%d or more rows are invalid; nothing was stored", len(p.errs)), Fields: p.errs}
	}
	if len(p.f.Rows) == 0 {
		return nil, apperr.Invalidf("file", "no data rows")
	}
	for m := range p.metrics {
		p.f.Metrics = append(p.f.Metrics, m)
	}
	sort.Strings(p.f.Metrics)
	return p.f, nil
}

// parseNumber reads 1234.5, 1234,5, 1.234,5 and 1,234.5.
func parseNumber(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("required")
	}
	lastComma, lastDot := strings.LastIndex(s, ","), strings.LastIndex(s, ".")
	switch {
	case lastComma >= 0 && lastDot >= 0 && lastComma > lastDot:
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case lastComma >= 0 && lastDot >= 0:
		s = strings.ReplaceAll(s, ",", "")
	case lastComma >= 0:
		if strings.Count(s, ",") > 1 {
			return 0, errors.New("not a number")
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1e15 || v < -1e15 {
		return 0, errors.New("not a number")
	}
	return v, nil
}

func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// Key is a position in the list of uploads (newest first).
type Key struct {
	CreatedAt time.Time `json:"c"`
	ID        string    `json:"i"`
}

// Filter pages a list of uploads.
type Filter struct {
	After *Key
	Limit int
}

// Service records the uploads of the tenant in ctx.
type Service interface {
	// CheckUploadQuota refuses (RateLimited) when the org may upload no more
	// files today, unless it already holds the one of this sha256 (which is
	// free). It charges nothing: CreateUpload does.
	CheckUploadQuota(ctx context.Context, sha256 string) error
	// CreateUpload records a parsed file and charges it to the org's daily
	// quota (plans.uploads_per_day), atomically: past the quota it is
	// refused (RateLimited) and nothing is recorded. The same file (by
	// sha256) again returns the upload it made, uncharged, and created is
	// false.
	CreateUpload(ctx context.Context, u *Upload) (created bool, err error)
	FindUploadByID(ctx context.Context, id string) (*Upload, error)
	FindUploads(ctx context.Context, f Filter) ([]*Upload, error)
}

// ObjectName is an upload's raw file name: under its org.
func ObjectName(orgID, sha string) string {
	return "orgs/" + orgID + "/uploads/" + sha + ".csv"
}
