package reports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"golang.org/x/net/html"
)

// How the manifest travels inside each format of a report's file (besides
// the visible appendix that the template prints in all of them): the
// renderer writes it there and ReadManifest reads it back.
const (
	// ManifestHTMLScriptID is the id of the HTML head's
	// <script type="application/json"> that holds it.
	ManifestHTMLScriptID = "mirante-manifest"
	// ManifestPDFKey is the PDF document information dictionary's entry
	// that holds it as a UTF-16 text string, in the file's last update.
	ManifestPDFKey = "/MiranteManifest"
	// ManifestDOCXProperty is the DOCX custom document property that holds
	// it, in the part ManifestDOCXPart.
	ManifestDOCXProperty = "MiranteManifest"
	ManifestDOCXPart     = "docProps/custom.xml"
)

// manifestChunk is how much ReadManifest reads at a time.
const manifestChunk = 64 << 10

// ReadManifest reads back the manifest embedded in a report's PDF, DOCX or
// HTML file of size bytes (recognised by content, not by name): the JSON is
// equal in value to the manifest the renderer was given, in compact form. It
// reads only the parts that can hold the manifest (an HTML file's head, a
// PDF's last update, a DOCX's directory and custom properties), in bounded
// pieces, so what it holds in memory is the manifest's size, not the file's.
func ReadManifest(r io.ReaderAt, size int64) (json.RawMessage, error) {
	head := make([]byte, min(size, 5))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	var (
		m   []byte
		err error
	)
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		m, err = readPDFManifest(r, size)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		m, err = readDOCXManifest(r, size)
	default:
		m, err = readHTMLManifest(bufio.NewReaderSize(io.NewSectionReader(r, 0, size), manifestChunk))
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(m) {
		return nil, errors.New("embedded manifest is not valid JSON")
	}
	return json.RawMessage(m), nil
}

func readHTMLManifest(r io.Reader) ([]byte, error) {
	z := html.NewTokenizer(r)
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return nil, errors.New("no manifest script in the html")
			}
			return nil, z.Err()
		case html.StartTagToken:
			if !isManifestScript(z) {
				continue
			}
			if z.Next() != html.TextToken {
				return nil, errors.New("manifest script is empty")
			}
			return bytes.Clone(z.Text()), nil
		}
	}
}

// isManifestScript reports whether the start tag z is at is the manifest's
// script element.
func isManifestScript(z *html.Tokenizer) bool {
	name, hasAttr := z.TagName()
	if string(name) != "script" || !hasAttr {
		return false
	}
	found := false
	for {
		k, v, more := z.TagAttr()
		if string(k) == "id" && string(v) == ManifestHTMLScriptID {
			found = true
		}
		if !more {
			return found
		}
	}
}

// readPDFManifest finds the last ManifestPDFKey entry, reading the file from
// its end in chunks that overlap by the key's length, then decodes the hex
// string that follows it.
func readPDFManifest(r io.ReaderAt, size int64) ([]byte, error) {
	key := []byte(ManifestPDFKey)
	at := int64(-1)
	buf := make([]byte, manifestChunk+len(key))
	for end := size; end > 0 && at < 0; end -= manifestChunk {
		start := max(0, end-manifestChunk)
		b := buf[:min(size, end+int64(len(key)))-start]
		if _, err := r.ReadAt(b, start); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if i := bytes.LastIndex(b, key); i >= 0 {
			at = start + int64(i)
		}
	}
	if at < 0 {
		return nil, errors.New("pdf has no " + ManifestPDFKey + " entry")
	}
	hexString, err := readPDFHexString(r, size, at+int64(len(key)), buf[:manifestChunk])
	if err != nil {
		return nil, err
	}
	return decodePDFText(hexString)
}

// readPDFHexString reads the <...> hex string that starts, after white
// space, at off; buf is scratch space.
func readPDFHexString(r io.ReaderAt, size, off int64, buf []byte) ([]byte, error) {
	var rest []byte
	for ; ; off += int64(len(buf)) {
		if off >= size {
			return nil, errors.New("pdf manifest string is not closed")
		}
		b := buf[:min(int64(len(buf)), size-off)]
		if _, err := r.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		rest = append(rest, b...)
		if trimmed := bytes.TrimLeft(rest, " \r\n\t"); len(trimmed) > 0 {
			if trimmed[0] != '<' {
				return nil, errors.New("pdf manifest is not a hex string")
			}
			if end := bytes.IndexByte(trimmed, '>'); end >= 0 {
				return trimmed[1:end], nil
			}
		}
	}
}

// decodePDFText decodes a PDF text string written in hex as UTF-16BE with a
// byte order mark.
func decodePDFText(hexString []byte) ([]byte, error) {
	raw, err := hex.DecodeString(strings.Join(strings.Fields(string(hexString)), ""))
	if err != nil {
		return nil, fmt.Errorf("pdf manifest: %w", err)
	}
	if len(raw) < 2 || raw[0] != 0xFE || raw[1] != 0xFF || len(raw)%2 != 0 {
		return nil, errors.New("pdf manifest is not UTF-16BE text")
	}
	u := make([]uint16, 0, len(raw)/2-1)
	for j := 2; j < len(raw); j += 2 {
		u = append(u, uint16(raw[j])<<8|uint16(raw[j+1]))
	}
	return []byte(string(utf16.Decode(u))), nil
}

// maxDOCXPart bounds the custom properties part read from a DOCX.
const maxDOCXPart = 64 << 20

func readDOCXManifest(r io.ReaderAt, size int64) ([]byte, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name != ManifestDOCXPart {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		// Read to the end, so that the zip's checksum is checked.
		b, err := io.ReadAll(io.LimitReader(rc, maxDOCXPart))
		rc.Close()
		if err != nil {
			return nil, err
		}
		var props struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"lpwstr"`
			} `xml:"property"`
		}
		if err := xml.Unmarshal(b, &props); err != nil {
			return nil, fmt.Errorf("docx custom properties: %w", err)
		}
		for _, p := range props.Properties {
			if p.Name == ManifestDOCXProperty {
				return []byte(p.Value), nil
			}
		}
	}
	return nil, errors.New("docx has no " + ManifestDOCXProperty + " property")
}
