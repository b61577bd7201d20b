package delim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrQuote reports a quoted field that never closes.
var ErrQuote = errors.New("unterminated quoted field")

// Reader reads delimited records from UTF-8 text, one at a time, reusing
// its buffers: memory does not grow with the file. Fields may be quoted
// with '"' (a doubled quote inside is one quote); a quoted field may hold
// the separator and line breaks. A carriage return right after an opening
// quote (the Comex Stat web exports write one before every dimension
// value) is dropped, and so is the CR of a CRLF line end.
type Reader struct {
	r      *bufio.Reader
	comma  byte
	line   int // physical lines consumed so far
	start  int // line where the last record started
	fields []string
	rec    []byte
	bounds []int
}

// NewReader reads records separated by comma (';', ',' or '\t'); a comma
// of 0 is detected from the first record (see DetectComma).
func NewReader(r io.Reader, comma byte) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 256<<10), comma: comma}
}

// Comma returns the separator, once known.
func (r *Reader) Comma() byte { return r.comma }

// Line returns the 1-based line number where the last record read starts.
func (r *Reader) Line() int { return r.start }

// DetectComma picks the separator of a header line: the most frequent of
// ';', tab and ',' outside quotes.
func DetectComma(line string) byte {
	counts := map[byte]int{}
	quoted := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ';' || c == '\t' || c == ','):
			counts[c]++
		}
	}
	best := byte(';')
	for _, c := range []byte{';', '\t', ','} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// readLine returns the next physical line without its line end; the slice
// is valid until the next call.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	r.line++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if err == io.EOF {
		err = nil
	}
	return line, err
}

// Read returns the next record. The slice and its strings stay valid until
// the next call only for the slice; the strings themselves are immutable
// and may be kept. It returns io.EOF after the last record.
func (r *Reader) Read() ([]string, error) {
	line, err := r.readLine()
	if err != nil {
		return nil, err
	}
	r.start = r.line
	if r.comma == 0 {
		r.comma = DetectComma(string(line))
	}
	if bytes.IndexByte(line, '"') < 0 {
		// Fast path: one string per record, fields are substrings of it.
		s := string(line)
		r.fields = r.fields[:0]
		for {
			i := strings.IndexByte(s, r.comma)
			if i < 0 {
				r.fields = append(r.fields, s)
				break
			}
			r.fields = append(r.fields, s[:i])
			s = s[i+1:]
		}
		return r.fields, nil
	}
	return r.readQuoted(line)
}

// readQuoted parses a record with quotes, reading more lines while a quoted
// field is open.
func (r *Reader) readQuoted(line []byte) ([]string, error) {
	if r.quotedInLine(line) {
		return r.fields, nil
	}
	return r.readQuotedCopy(line)
}

// readQuotedCopy is readQuoted for any record: it copies the fields out,
// unquoting them, and reads on while a quoted field is open.
func (r *Reader) readQuotedCopy(line []byte) ([]string, error) {
	r.rec = r.rec[:0]
	r.bounds = r.bounds[:0]
	pos := 0
	for {
		// Start of a field at line[pos:].
		if pos < len(line) && line[pos] == '"' {
			pos++
			if pos < len(line) && line[pos] == '\r' {
				pos++ // the web exports' stray CR after the opening quote
			}
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The field goes on in the next line.
					r.rec = append(r.rec, line[pos:]...)
					r.rec = append(r.rec, '\n')
					next, err := r.readLine()
					if err != nil {
						if err == io.EOF {
							return nil, fmt.Errorf("line %d: %w", r.start, ErrQuote)
						}
						return nil, err
					}
					line, pos = next, 0
					continue
				}
				r.rec = append(r.rec, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					r.rec = append(r.rec, '"')
					pos++
					continue
				}
				break
			}
			// Anything between the closing quote and the separator is kept
			// as written (lenient, like LazyQuotes): the field ends as an
			// unquoted one does.
		}
		j := bytes.IndexByte(line[pos:], r.comma)
		if j < 0 {
			r.rec = append(r.rec, line[pos:]...)
			r.bounds = append(r.bounds, len(r.rec))
			break
		}
		r.rec = append(r.rec, line[pos:pos+j]...)
		r.bounds = append(r.bounds, len(r.rec))
		pos += j + 1
	}
	s := string(r.rec)
	r.fields = r.fields[:0]
	prev := 0
	for _, b := range r.bounds {
		r.fields = append(r.fields, s[prev:b])
		prev = b
	}
	return r.fields, nil
}

// quotedInLine splits a record whose quoted fields are plain: each closes
// on its line, holds no doubled quote and is followed by the separator or
// the line end (every record of the official files). The fields are then
// substrings of one copy of the line, where the general path copies them
// field by field, so the loaders' hottest loop (BenchmarkReadComexRecords)
// copies each line once. It reports false, its fields to be discarded, for
// any other record.
func (r *Reader) quotedInLine(line []byte) bool {
	s := string(line)
	r.fields = r.fields[:0]
	pos := 0
	for {
		if pos < len(s) && s[pos] == '"' {
			start := pos + 1
			if start < len(s) && s[start] == '\r' {
				start++ // the web exports' stray CR after the opening quote
			}
			end := start
			for end < len(s) && s[end] != '"' {
				end++
			}
			pos = end + 1
			if end == len(s) || (pos < len(s) && s[pos] != r.comma) {
				return false // open at the line end, a doubled quote or text after the closing one
			}
			r.fields = append(r.fields, s[start:end])
		} else {
			start := pos
			for pos < len(s) && s[pos] != r.comma {
				pos++
			}
			r.fields = append(r.fields, s[start:pos])
		}
		if pos >= len(s) {
			return true
		}
		pos++
	}
}
