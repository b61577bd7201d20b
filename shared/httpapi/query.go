package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/query"
	"github.com/mirante/mirante/shared/semantic"
)

// QueryService answers dashboard questions for the tenant in ctx.
type QueryService interface {
	Answer(ctx context.Context, spec *semantic.Spec) (*query.Answer, string, error)
	Page(ctx context.Context, key string, offset, n int, datasets []string) (*query.Answer, error)
	Datasets(ctx context.Context) ([]query.DatasetInfo, error)
	Values(ctx context.Context, datasetID, field, search string, limit int) (*query.Result, error)
}

// Query pages.
const (
	DefaultPageSize = 500
	MaxPageSize     = 5000
)

// queryKey is a position in a cached result, for query cursors.
type queryKey struct {
	Key    string `json:"k"`
	Offset int    `json:"o"`
	Size   int    `json:"n"`
	// Datasets the result read, each checked for entitlement on every page.
	Datasets []string `json:"d,omitempty"`
}

func (s *Server) handleListDatasets(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Query.Datasets(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	items := make([]any, len(ds))
	for i, d := range ds {
		items[i] = d
	}
	writeList(w, r, items, nil, "")
}

type valueRow struct {
	Value any `json:"value"`
	Label any `json:"label"`
}

type valuesResponse struct {
	Data []valueRow `json:"data"`
	Meta query.Meta `json:"meta"`
}

func (s *Server) handleValues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			Error(w, r, apperr.Invalidf("limit", "must be an integer"))
			return
		}
		limit = n
	}
	res, err := s.Query.Values(r.Context(), r.PathValue("id"), q.Get("field"), q.Get("q"), limit)
	if err != nil {
		Error(w, r, err)
		return
	}
	out := valuesResponse{Data: make([]valueRow, 0, len(res.Rows)), Meta: res.Meta}
	for _, row := range res.Rows {
		out.Data = append(out.Data, valueRow{Value: row[0], Label: row[1]})
	}
	dataHeaders(w, res.Meta)
	JSON(w, http.StatusOK, out)
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	size, err := pageSize(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		Error(w, r, apperr.Errorf(apperr.Unsupported, "the body must be application/json"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody()))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			Error(w, r, apperr.Errorf(apperr.TooLarge, "the body is larger than %d bytes", s.maxBody()))
			return
		}
		Error(w, r, apperr.Invalidf("body", "could not be read"))
		return
	}
	spec, summary, err := s.specs.parse(body)
	if err != nil {
		Error(w, r, err)
		return
	}
	noteAudit(r.Context(), summary)
	res, key, err := s.Query.Answer(r.Context(), spec)
	if err != nil {
		Error(w, r, err)
		return
	}
	s.writeQuery(w, r, res, key, 0, size)
}

func (s *Server) handleQueryPage(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("cursor")
	if tok == "" {
		Error(w, r, apperr.Invalidf("cursor", "required: the next_cursor of a query's answer"))
		return
	}
	var k queryKey
	if err := s.Cursors.Decode(tok, s.scope(r, "query", ""), &k); err != nil {
		Error(w, r, err)
		return
	}
	res, err := s.Query.Page(r.Context(), k.Key, k.Offset, k.Size, k.Datasets)
	if err != nil {
		Error(w, r, err)
		return
	}
	s.writeQuery(w, r, res, k.Key, k.Offset, k.Size)
}

// writeQuery renders rows [offset, offset+size) of res, or res's rows when it
// holds only that window already (a page read back from the cache). The
// rows are already JSON: the response is written around them, so a cached
// answer goes out without a value being decoded, encoded or copied.
func (s *Server) writeQuery(w http.ResponseWriter, r *http.Request, res *query.Answer, key string, offset, size int) {
	total := res.Meta.Rows
	n := res.Rows()
	var next *string
	// Later pages come from the cache; with no cache the whole answer is sent.
	if offset+min(n, size) < total && res.Meta.Cache != "off" {
		if offset == 0 && n > size {
			res.Window(0, size)
			n = size
		}
		tok, err := s.Cursors.Encode(s.scope(r, "query", ""), queryKey{Key: key, Offset: offset + n, Size: size, Datasets: res.Datasets})
		if err != nil {
			Error(w, r, err)
			return
		}
		next = &tok
	}
	columns, err := res.ColumnsJSON()
	if err != nil {
		Error(w, r, err)
		return
	}
	meta, err := json.Marshal(res.Meta)
	if err != nil {
		Error(w, r, err)
		return
	}
	cursor := []byte("null")
	if next != nil {
		cursor, _ = json.Marshal(*next)
	}
	head := []byte(`{"data":[`)
	tail := make([]byte, 0, len(columns)+len(meta)+len(cursor)+48)
	tail = append(tail, `],"columns":`...)
	tail = append(tail, columns...)
	tail = append(tail, `,"next_cursor":`...)
	tail = append(tail, cursor...)
	tail = append(tail, `,"meta":`...)
	tail = append(tail, meta...)
	tail = append(tail, "}\n"...)
	data := res.Data()
	length := len(head) + len(data) + len(tail)
	dataHeaders(w, res.Meta)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(length))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if length > bodyPoolMax {
		for _, b := range [][]byte{head, data, tail} {
			if _, err := w.Write(b); err != nil {
				return // the client went away; the access log records it
			}
		}
		return
	}
	// One Write of the whole body: net/http then sends the headers and the
	// body in two write calls, where three parts cost three (the small tail
	// waits in a buffer for a flush of its own). Copying 30 KB is cheaper
	// than a system call; larger answers are written in parts.
	bp := bodyPool.Get().(*[]byte)
	body := append(append(append((*bp)[:0], head...), data...), tail...)
	_, _ = w.Write(body) // an error means the client went away; the access log records it
	*bp = body
	bodyPool.Put(bp)
}

// bodyPool holds the buffers answers are assembled in; bodies over
// bodyPoolMax are written in parts instead.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

const bodyPoolMax = 1 << 20

func dataHeaders(w http.ResponseWriter, m query.Meta) {
	if m.Watermark != "" {
		w.Header().Set("X-Data-Watermark", m.Watermark)
	}
	w.Header().Set("X-Indicator-Version", m.IndicatorVersion)
}

func pageSize(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page_size")
	if v == "" {
		return DefaultPageSize, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, apperr.Invalidf("page_size", "must be an integer from 1 to %d", MaxPageSize)
	}
	return n, nil
}

// specMemo remembers the specs parsed from recent bodies, with their audit
// summaries. Dashboards send the same bodies again and again; a body that
// passed the shape check and parsed does so every time, and the same spec
// lets the query service find the plan it made for it. Specs are never
// modified once parsed, so a summary made once stays the spec's.
type specMemo struct {
	mu    sync.Mutex
	specs map[string]parsedSpec
}

type parsedSpec struct {
	spec    *semantic.Spec
	summary audit.Summarised
}

const (
	specMemoSize  = 4096
	specMemoBytes = 4 << 10 // larger bodies are parsed every time
)

// parse returns the body's spec and what the audit log records of it.
func (m *specMemo) parse(body []byte) (*semantic.Spec, any, error) {
	m.mu.Lock()
	p, ok := m.specs[string(body)]
	m.mu.Unlock()
	if ok {
		return p.spec, p.summary, nil
	}
	if err := checkJSONShape(body); err != nil {
		return nil, nil, err
	}
	spec, err := semantic.ParseSpec(body)
	if err != nil {
		return nil, nil, err
	}
	if len(body) > specMemoBytes {
		return spec, spec, nil
	}
	p = parsedSpec{spec: spec, summary: audit.Presummarise(spec)}
	m.mu.Lock()
	if m.specs == nil || len(m.specs) >= specMemoSize {
		m.specs = map[string]parsedSpec{}
	}
	m.specs[string(body)] = p
	m.mu.Unlock()
	return spec, p.summary, nil
}
