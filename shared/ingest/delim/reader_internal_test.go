package delim

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// The one-copy split of plain quoted records gives the fields the general
// path gives, and declines every record it cannot split that way.
func FuzzQuotedInLineMatchesTheGeneralPath(f *testing.F) {
	for _, s := range []string{
		`2024;"09";"84713019";"11";"063";"SP";"07";"1017500";42;13;608`,
		`"a";"b"`, `"a";`, `;"a"`, `""`, `"";""`, `"a""b";c`, `"ab"cd;e`, `"open;x`, `x"y;"z"`,
		"\"\rSP\";\"\r01\"", `"a;b";c`, `"é";"ç"`, `;;"";`,
	} {
		f.Add(s, byte(';'))
	}
	f.Add(`"a",b,"c"`, byte(','))
	f.Fuzz(func(t *testing.T, line string, comma byte) {
		if comma != ';' && comma != ',' && comma != '\t' {
			return
		}
		if strings.ContainsAny(line, "\n") || !strings.Contains(line, `"`) {
			return // Read hands readQuoted one line holding a quote
		}
		fast := &Reader{comma: comma}
		if !fast.quotedInLine([]byte(line)) {
			return
		}
		got := slices.Clone(fast.fields)
		general := NewReader(bytes.NewReader(nil), comma)
		want, err := general.readQuotedCopy([]byte(line))
		if err != nil {
			t.Fatalf("%q: the general path fails (%v) where the one-copy split gave %q", line, err, got)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: one-copy split %q, general path %q", line, got, want)
		}
	})
}

// The single-byte decoders give charmap's UTF-8 whatever the size of the
// reads they serve: ASCII runs, expansions of up to three bytes (cp1252's
// 0x80-0x9F) and what spills over a full buffer.
func FuzzByteDecoderMatchesCharmap(f *testing.F) {
	f.Add([]byte("2024;\"SP\";Jo\xe3o;\x80\x93\x94 caf\xe9\r\n"), uint8(7), false)
	f.Add(bytes.Repeat([]byte{0x80}, 300), uint8(1), true)
	f.Add(append(bytes.Repeat([]byte{0x93}, 40), bytes.Repeat([]byte("abcdefgh"), 20)...), uint8(16), true)
	f.Fuzz(func(t *testing.T, in []byte, size uint8, latin1 bool) {
		enc, cm := Windows1252, charmap.Windows1252
		if latin1 {
			enc, cm = Latin1, charmap.ISO8859_1
		}
		want, err := cm.NewDecoder().Bytes(in)
		if err != nil {
			t.Skip()
		}
		r, _, err := Decode(bytes.NewReader(in), enc)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1+int(size)%64)
		var got []byte
		for {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("decoded %q, charmap gives %q", got, want)
		}
	})
}
