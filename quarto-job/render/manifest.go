package render

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/mirante/mirante/shared/reports"
)

// Where the manifest travels inside each format is reports' (its reader is
// reports.ReadManifest): in the HTML head, in the PDF's information
// dictionary, added as an incremental update (the bytes Chromium wrote are
// kept), and in a DOCX custom document property.
const (
	manifestScriptID = reports.ManifestHTMLScriptID
	manifestPDFKey   = reports.ManifestPDFKey
	manifestDOCXProp = reports.ManifestDOCXProperty
)

// compactManifest is the manifest without insignificant space.
func compactManifest(m json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return b.Bytes(), nil
}

// embedManifest adds the manifest to a produced file's bytes.
func embedManifest(format Format, data []byte, m json.RawMessage) ([]byte, error) {
	c, err := compactManifest(m)
	if err != nil {
		return nil, err
	}
	switch format {
	case HTML:
		return embedHTML(data, c)
	case PDF:
		return embedPDF(data, c)
	case DOCX:
		return embedDOCX(data, c)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// ExtractManifest reads back the manifest embedded in a produced PDF, DOCX or
// HTML file (recognised by content, not by name). The JSON is equal in value
// to the Document's manifest, in compact form.
func ExtractManifest(path string) (json.RawMessage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	m, err := reports.ReadManifest(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("reading manifest from %s: %w", path, err)
	}
	return m, nil
}

// --- HTML -----------------------------------------------------------------------

func embedHTML(data, m []byte) ([]byte, error) {
	lower := bytes.ToLower(data)
	i := bytes.Index(lower, []byte("</head>"))
	if i < 0 {
		return nil, errors.New("html output has no </head>")
	}
	// HTMLEscape turns <, > and & into \u003c..., so the JSON can never close
	// the script element, and it still decodes to the same value.
	var esc bytes.Buffer
	json.HTMLEscape(&esc, m)
	var out bytes.Buffer
	out.Grow(len(data) + esc.Len() + 80)
	out.Write(data[:i])
	fmt.Fprintf(&out, "<script type=\"application/json\" id=\"%s\">%s</script>\n", manifestScriptID, esc.Bytes())
	out.Write(data[i:])
	return out.Bytes(), nil
}

// --- PDF ------------------------------------------------------------------------

var (
	pdfSizeRe = regexp.MustCompile(`/Size\s+(\d+)`)
	pdfRootRe = regexp.MustCompile(`/Root\s+(\d+\s+\d+\s+R)`)
	pdfInfoRe = regexp.MustCompile(`/Info\s+(\d+)\s+(\d+)\s+R`)
	pdfIDRe   = regexp.MustCompile(`/ID\s*\[[^\]]*\]`)
)

// embedPDF appends an incremental update whose information dictionary keeps
// the old entries (Title, Producer...) and adds /MiranteManifest as a UTF-16
// text string. Classic cross-reference tables (Chromium) and cross-reference
// streams (newer writers) are both handled.
func embedPDF(data, m []byte) ([]byte, error) {
	sx := bytes.LastIndex(data, []byte("startxref"))
	if sx < 0 {
		return nil, errors.New("pdf has no startxref")
	}
	fields := strings.Fields(string(data[sx+len("startxref"):]))
	if len(fields) == 0 {
		return nil, errors.New("pdf startxref has no offset")
	}
	prev, err := strconv.Atoi(fields[0])
	if err != nil || prev <= 0 || prev >= sx {
		return nil, fmt.Errorf("pdf startxref offset %q is not usable", fields[0])
	}
	var dict []byte
	classic := bytes.HasPrefix(data[prev:], []byte("xref"))
	if classic {
		t := bytes.Index(data[prev:sx], []byte("trailer"))
		if t < 0 {
			return nil, errors.New("pdf has no trailer")
		}
		dict = data[prev+t : sx]
	} else {
		s := bytes.Index(data[prev:sx], []byte("stream"))
		if s < 0 || !bytes.Contains(data[prev:prev+s], []byte("/XRef")) {
			return nil, errors.New("pdf cross-reference section is neither a table nor a stream")
		}
		dict = data[prev : prev+s]
	}
	sizeM := pdfSizeRe.FindSubmatch(dict)
	rootM := pdfRootRe.FindSubmatch(dict)
	if sizeM == nil || rootM == nil {
		return nil, errors.New("pdf trailer lacks /Size or /Root")
	}
	size, _ := strconv.Atoi(string(sizeM[1]))
	id := pdfIDRe.Find(dict)

	entries := ""
	if infoM := pdfInfoRe.FindSubmatch(dict); infoM != nil {
		entries = oldInfoEntries(data[:sx], string(infoM[1]), string(infoM[2]))
	}
	entries += " " + manifestPDFKey + " " + pdfTextString(m)

	var out bytes.Buffer
	out.Grow(len(data) + 4*len(m) + 512)
	out.Write(data)
	if !bytes.HasSuffix(data, []byte("\n")) {
		out.WriteByte('\n')
	}
	infoNum := size
	infoOff := out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n<<%s >>\nendobj\n", infoNum, entries)
	xrefOff := out.Len()
	if classic {
		fmt.Fprintf(&out, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d %s >>\nstartxref\n%d\n%%%%EOF\n",
			infoNum, infoOff, size+1, rootM[1], infoNum, prev, id, xrefOff)
		return out.Bytes(), nil
	}
	// A cross-reference stream for the new Info object and for itself:
	// type 1 entries, 4-byte offsets, 2-byte generation.
	row := func(off int) []byte {
		return []byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0}
	}
	stream := append(row(infoOff), row(xrefOff)...)
	fmt.Fprintf(&out, "%d 0 obj\n<< /Type /XRef /Size %d /Index [%d 2] /W [1 4 2] /Root %s /Info %d 0 R /Prev %d %s /Length %d >>\nstream\n",
		infoNum+1, size+2, infoNum, rootM[1], infoNum, prev, id, len(stream))
	out.Write(stream)
	fmt.Fprintf(&out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return out.Bytes(), nil
}

// oldInfoEntries returns the body of the current information dictionary
// when it is a plain object in the file (not in an object stream), so the
// update keeps Title, Producer and dates.
func oldInfoEntries(data []byte, num, gen string) string {
	marker := []byte(num + " " + gen + " obj")
	i := len(data)
	for {
		i = bytes.LastIndex(data[:i], marker)
		if i < 0 {
			return ""
		}
		if i == 0 || data[i-1] == '\n' || data[i-1] == '\r' || data[i-1] == ' ' {
			break
		}
	}
	start := bytes.Index(data[i:], []byte("<<"))
	if start < 0 || start > len(marker)+4 {
		return ""
	}
	start += i
	end := dictEnd(data, start)
	if end < 0 {
		return ""
	}
	body := string(data[start+2 : end])
	if strings.Contains(body, manifestPDFKey) || strings.Contains(body, "<<") {
		return ""
	}
	return " " + strings.TrimSpace(body)
}

// dictEnd finds the >> that closes the dictionary opening at start, skipping
// strings.
func dictEnd(b []byte, start int) int {
	depth := 0
	for i := start; i < len(b)-1; i++ {
		switch b[i] {
		case '(':
			// Literal string: balanced parentheses, backslash escapes.
			n := 1
			for i++; i < len(b) && n > 0; i++ {
				switch b[i] {
				case '\\':
					i++
				case '(':
					n++
				case ')':
					n--
				}
			}
			i--
		case '<':
			if b[i+1] == '<' {
				depth++
				i++
			} else if j := bytes.IndexByte(b[i:], '>'); j > 0 {
				i += j
			}
		case '>':
			if b[i+1] == '>' {
				depth--
				if depth == 0 {
					return i
				}
				i++
			}
		}
	}
	return -1
}

// pdfTextString encodes text as a PDF hex string in UTF-16BE with a BOM.
func pdfTextString(s []byte) string {
	u := utf16.Encode([]rune(string(s)))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xFE, 0xFF
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

// --- DOCX -----------------------------------------------------------------------

const (
	customPropsPath = reports.ManifestDOCXPart
	customPropsType = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
	customPropsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
	propsFmtID      = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
)

type customProperties struct {
	XMLName    xml.Name         `xml:"Properties"`
	Properties []customProperty `xml:"property"`
}

type customProperty struct {
	Name  string `xml:"name,attr"`
	Inner string `xml:",innerxml"`
}

// embedDOCX rewrites docProps/custom.xml with the manifest property (keeping
// any other properties) and makes sure the package declares that part.
func embedDOCX(data, m []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("docx is not a zip: %w", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	if files["word/document.xml"] == nil {
		return nil, errors.New("docx has no word/document.xml")
	}
	keep, err := otherCustomProperties(files[customPropsPath])
	if err != nil {
		return nil, err
	}
	custom, err := customPropertiesXML(keep, m)
	if err != nil {
		return nil, err
	}
	replace := map[string][]byte{customPropsPath: custom}
	if err := declarePart(files, replace, "[Content_Types].xml", "/"+customPropsPath, "</Types>",
		`<Override PartName="/`+customPropsPath+`" ContentType="`+customPropsType+`"/>`); err != nil {
		return nil, err
	}
	if err := declarePart(files, replace, "_rels/.rels", customPropsRel, "</Relationships>",
		`<Relationship Id="rIdMiranteCustom" Type="`+customPropsRel+`" Target="`+customPropsPath+`"/>`); err != nil {
		return nil, err
	}
	return rewriteZip(zr, replace)
}

// otherCustomProperties is every custom property of the part f (nil when
// the package has none) but the manifest.
func otherCustomProperties(f *zip.File) ([]customProperty, error) {
	if f == nil {
		return nil, nil
	}
	b, err := readZipFile(f)
	if err != nil {
		return nil, err
	}
	var props customProperties
	if err := xml.Unmarshal(b, &props); err != nil {
		return nil, fmt.Errorf("docx custom properties: %w", err)
	}
	var keep []customProperty
	for _, p := range props.Properties {
		if p.Name != manifestDOCXProp {
			keep = append(keep, p)
		}
	}
	return keep, nil
}

// customPropertiesXML writes the custom properties part: the kept
// properties renumbered from pid 2 (the first one OOXML allows), then the
// manifest.
func customPropertiesXML(keep []customProperty, m []byte) ([]byte, error) {
	var custom bytes.Buffer
	custom.WriteString(xml.Header)
	custom.WriteString(`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">`)
	pid := 2
	for _, p := range keep {
		fmt.Fprintf(&custom, `<property fmtid="%s" pid="%d" name="`, propsFmtID, pid)
		_ = xml.EscapeText(&custom, []byte(p.Name))
		fmt.Fprintf(&custom, `">%s</property>`, p.Inner)
		pid++
	}
	fmt.Fprintf(&custom, `<property fmtid="%s" pid="%d" name="%s"><vt:lpwstr>`, propsFmtID, pid, manifestDOCXProp)
	if err := xml.EscapeText(&custom, m); err != nil {
		return nil, err
	}
	custom.WriteString(`</vt:lpwstr></property></Properties>`)
	return custom.Bytes(), nil
}

// declarePart adds entry before the closing tag of the package part name,
// into replace, unless the part already mentions marker. A package
// without that part is left as it is.
func declarePart(files map[string]*zip.File, replace map[string][]byte, name, marker, closing, entry string) error {
	f := files[name]
	if f == nil {
		return nil
	}
	b, err := readZipFile(f)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(marker)) {
		replace[name] = bytes.Replace(b, []byte(closing), []byte(entry+closing), 1)
	}
	return nil
}

// rewriteZip copies the package with the parts in replace rewritten (the
// first entry of each name) and the custom properties part appended when
// the package had none. It empties replace.
func rewriteZip(zr *zip.Reader, replace map[string][]byte) ([]byte, error) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		b, ok := replace[f.Name]
		if !ok {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		delete(replace, f.Name)
		h := f.FileHeader
		h.Method = zip.Deflate
		if err := writeZipEntry(zw, &h, b); err != nil {
			return nil, err
		}
	}
	if b, ok := replace[customPropsPath]; ok {
		if err := writeZipEntry(zw, &zip.FileHeader{Name: customPropsPath, Method: zip.Deflate}, b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writeZipEntry adds one entry with header h and content b.
func writeZipEntry(zw *zip.Writer, h *zip.FileHeader, b []byte) error {
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20))
}
