package bigquery

import (
	"bufio"
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cloud.google.com/go/bigquery"
)

// spool is one landing table's rows as newline-delimited JSON in a
// temporary file, the form its load job uploads: memory stays constant
// whatever the file's size.
type spool struct {
	s      spine
	t      RemoteTable
	types  []string // per row column, BigQuery type
	prefix []byte   // the constant columns, written in every row
	f      *os.File
	w      *bufio.Writer
	buf    []byte
	rows   int64
}

var _ RemoteLanding = (*spool)(nil)

// Land opens a landing table's spool file. Every column, per row or
// constant, must be in the table's schema.
func (s spine) Land(t RemoteTable) (RemoteLanding, error) {
	types := map[string]string{}
	for _, c := range t.Schema {
		types[c.Name] = c.Type
	}
	sp := &spool{s: s, t: t}
	for _, c := range t.Columns {
		typ, ok := types[c]
		if !ok {
			return nil, fmt.Errorf("%s.%s has no column %s", t.Dataset, t.Table, c)
		}
		sp.types = append(sp.types, typ)
	}
	sp.prefix = append(sp.prefix, '{')
	for i, c := range t.Consts {
		typ, ok := types[c.Column]
		if !ok {
			return nil, fmt.Errorf("%s.%s has no column %s", t.Dataset, t.Table, c.Column)
		}
		if i > 0 {
			sp.prefix = append(sp.prefix, ',')
		}
		sp.prefix = appendJSONString(sp.prefix, c.Column)
		sp.prefix = append(sp.prefix, ':')
		var err error
		if sp.prefix, err = appendJSONValue(sp.prefix, c.Value, typ); err != nil {
			return nil, fmt.Errorf("%s.%s.%s: %w", t.Dataset, t.Table, c.Column, err)
		}
	}
	f, err := os.CreateTemp("", "mirante-landing-*.ndjson")
	if err != nil {
		return nil, err
	}
	sp.f, sp.w = f, bufio.NewWriterSize(f, 256<<10)
	return sp, nil
}

func (sp *spool) AppendRow(vals ...driver.Value) error {
	if len(vals) != len(sp.t.Columns) {
		return fmt.Errorf("appending %d values to %d columns", len(vals), len(sp.t.Columns))
	}
	b := append(sp.buf[:0], sp.prefix...)
	var err error
	for i, v := range vals {
		if v == nil {
			continue // absent is NULL
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = appendJSONString(b, sp.t.Columns[i])
		b = append(b, ':')
		if b, err = appendJSONValue(b, v, sp.types[i]); err != nil {
			return fmt.Errorf("%s.%s.%s: %w", sp.t.Dataset, sp.t.Table, sp.t.Columns[i], err)
		}
	}
	b = append(b, '}', '\n')
	sp.buf = b
	sp.rows++
	_, err = sp.w.Write(b)
	return err
}

func (sp *spool) Close() error { return sp.w.Flush() }

// Rows is the number of rows appended.
func (sp *spool) Rows() int64 { return sp.rows }

// Discard removes the spool file.
func (sp *spool) Discard() {
	sp.f.Close()
	os.Remove(sp.f.Name())
}

// Send loads the spool into its table (created by the load's setup script
// from its model), appending, with the model's schema.
func (sp *spool) Send(ctx context.Context) error {
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	schema := make(bigquery.Schema, 0, len(sp.t.Schema))
	for _, c := range sp.t.Schema {
		schema = append(schema, &bigquery.FieldSchema{Name: c.Name, Type: bigquery.FieldType(fieldType(c.Type)), Required: c.Required})
	}
	src := bigquery.NewReaderSource(bufio.NewReaderSize(sp.f, 1<<20))
	src.SourceFormat = bigquery.JSON
	src.Schema = schema
	w := sp.s.w
	loader := w.client.DatasetInProject(w.cfg.Project, sp.t.Dataset).Table(sp.t.Table).LoaderFrom(src)
	loader.CreateDisposition = bigquery.CreateNever
	return w.loadIngest(ctx, loader, ingestLabels(sp.t.Source))
}

// appendJSONValue writes a landing value as BigQuery's JSON load format
// reads it for the column's type.
func appendJSONValue(b []byte, v any, typ string) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, fmt.Errorf("%v is not a number BigQuery stores", x)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case time.Time:
		if typ == "DATE" {
			return appendJSONString(b, x.Format("2006-01-02")), nil
		}
		return appendJSONString(b, x.UTC().Format(time.RFC3339Nano)), nil
	}
	return b, fmt.Errorf("a %T cannot be landed", v)
}

// appendJSONString writes s as a JSON string (invalid UTF-8 becomes U+FFFD).
func appendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
