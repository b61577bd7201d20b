// Package delim reads the official delimited text files (CSV, TSV, the
// Comex Stat web exports) as a stream of records, in constant memory: it
// detects or takes the character encoding, drops a byte-order mark, accepts
// CRLF and LF, finds the separator, handles quoted fields with their quirks,
// and parses Brazilian numbers, SIDRA's symbols and IBGE codes.
package delim

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is a file's character encoding.
type Encoding int

// The encodings of the official files. Auto looks at the first bytes.
const (
	Auto Encoding = iota
	UTF8
	Latin1      // ISO-8859-1
	Windows1252 // cp1252: latin-1 plus printable characters in 0x80-0x9F
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "utf-8"
	case Latin1:
		return "iso-8859-1"
	case Windows1252:
		return "windows-1252"
	}
	return "auto"
}

// sniffSize is how much of a file Auto looks at. It is enough for the
// header and the first rows, where every official file shows its accents.
const sniffSize = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ErrEncoding reports bytes that are not valid in the declared or detected
// encoding (a UTF-8 file with a latin-1 byte further down, for example).
var ErrEncoding = errors.New("invalid UTF-8")

// Decode returns a reader of UTF-8 text from r in the given encoding, with
// any UTF-8 byte-order mark removed, and the encoding it used. With Auto, a
// BOM or valid UTF-8 in the first 64 KiB means UTF-8; otherwise bytes in
// 0x80-0x9F (printable only in cp1252) mean Windows-1252, and the rest
// ISO-8859-1. Declare the encoding where a layout fixes it: a file whose
// first 64 KiB are ASCII is taken for UTF-8, and a later latin-1 byte then
// fails with ErrEncoding instead of being misread.
func Decode(r io.Reader, enc Encoding) (io.Reader, Encoding, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, enc, err
	}
	if bytes.HasPrefix(head, utf8BOM) {
		if enc == Auto || enc == UTF8 {
			br.Discard(len(utf8BOM))
			return &utf8Checker{r: br}, UTF8, nil
		}
	}
	if enc == Auto {
		enc = sniff(head, err == nil)
	}
	switch enc {
	case UTF8:
		return &utf8Checker{r: br}, UTF8, nil
	case Latin1:
		return newByteDecoder(br, charmap.ISO8859_1), Latin1, nil
	case Windows1252:
		return newByteDecoder(br, charmap.Windows1252), Windows1252, nil
	}
	return nil, enc, fmt.Errorf("unknown encoding %d", enc)
}

// sniff guesses the encoding of a file's first bytes; truncated says the
// window may end inside a UTF-8 sequence.
func sniff(head []byte, truncated bool) Encoding {
	valid := head
	if truncated {
		// Drop an incomplete sequence cut by the window's end.
		for i := 0; i < utf8.UTFMax && len(valid) > 0; i++ {
			if utf8.Valid(valid) {
				break
			}
			valid = valid[:len(valid)-1]
		}
	}
	if utf8.Valid(valid) {
		return UTF8
	}
	for _, b := range head {
		if b >= 0x80 && b <= 0x9F {
			return Windows1252
		}
	}
	return Latin1
}

// byteDecoder turns a single-byte encoding into UTF-8 through a 256-entry
// table built from charmap, passing ASCII runs through untouched (the bulk
// of every official file).
type byteDecoder struct {
	r     *bufio.Reader
	table [256][]byte
	in    []byte
	out   []byte
}

// spill keeps src, decoded, for the next reads: what did not fit in p.
func (d *byteDecoder) spill(src []byte) {
	d.out = d.out[:0]
	for _, c := range src {
		if c < 0x80 {
			d.out = append(d.out, c)
		} else {
			d.out = append(d.out, d.table[c]...)
		}
	}
}

func newByteDecoder(r *bufio.Reader, cm *charmap.Charmap) *byteDecoder {
	d := &byteDecoder{r: r, in: make([]byte, 32<<10)}
	for b := 0; b < 256; b++ {
		d.table[b] = []byte(string(cm.DecodeByte(byte(b))))
	}
	return d
}

func (d *byteDecoder) Read(p []byte) (int, error) {
	if len(d.out) > 0 {
		n := copy(p, d.out)
		d.out = d.out[n:]
		return n, nil
	}
	// Read at most len(p)/2 bytes so that every byte fits once expanded
	// (a single-byte character becomes at most 3 UTF-8 bytes; the rare
	// overflow goes to d.out).
	want := len(p) / 2
	if want == 0 {
		want = 1
	}
	if want > len(d.in) {
		want = len(d.in)
	}
	n, err := d.r.Read(d.in[:want])
	src := d.in[:n]
	w := 0
	for i := 0; i < len(src); {
		// An ASCII run goes through in one copy, found 8 bytes at a time.
		j := i
		for j+8 <= len(src) && binary.LittleEndian.Uint64(src[j:])&0x8080808080808080 == 0 {
			j += 8
		}
		for j < len(src) && src[j] < 0x80 {
			j++
		}
		if j > i {
			if w+j-i > len(p) {
				d.spill(src[i:])
				return w, nil
			}
			w += copy(p[w:], src[i:j])
			i = j
			continue
		}
		enc := d.table[src[i]]
		if w+len(enc) > len(p) {
			d.spill(src[i:])
			return w, nil
		}
		w += copy(p[w:], enc)
		i++
	}
	if w == 0 && err == nil {
		return d.Read(p)
	}
	return w, err
}

// utf8Checker passes UTF-8 through and fails on an invalid sequence.
type utf8Checker struct {
	r    *bufio.Reader
	tail []byte // an incomplete sequence held back from the last read
	line int
}

func (c *utf8Checker) Read(p []byte) (int, error) {
	if len(p) <= utf8.UTFMax {
		return 0, io.ErrShortBuffer
	}
	k := copy(p, c.tail)
	c.tail = c.tail[:0]
	n, err := c.r.Read(p[k:])
	n += k
	buf := p[:n]
	// Hold back a trailing incomplete sequence unless the stream ended.
	if err == nil {
		for i := 1; i <= utf8.UTFMax-1 && i <= len(buf); i++ {
			b := buf[len(buf)-i]
			if b < 0x80 {
				break
			}
			if utf8.RuneStart(b) {
				if !utf8.FullRune(buf[len(buf)-i:]) {
					c.tail = append(c.tail, buf[len(buf)-i:]...)
					buf = buf[:len(buf)-i]
				}
				break
			}
		}
	}
	if !isASCII(buf) && !utf8.Valid(buf) {
		lines := bytes.Count(buf[:firstInvalid(buf)], []byte{'\n'})
		return 0, fmt.Errorf("%w near line %d", ErrEncoding, c.line+lines+1)
	}
	c.line += bytes.Count(buf, []byte{'\n'})
	return len(buf), err
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
