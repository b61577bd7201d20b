package bigquery_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeAPI is a wire-level stand-in for the BigQuery REST API (v2): it
// answers the calls cloud.google.com/go/bigquery makes for Query.Read
// (jobs.query, then jobs.getQueryResults page by page), Job.Status
// (jobs.get) and a dry run (jobs.insert), records every request as sent,
// and serves a result in f/v rows split into pages.
type fakeAPI struct {
	t        *testing.T
	URL      string
	project  string
	location string

	// What to answer; set before the first call.
	schema  []field
	pages   [][][]any // pages[i] is served for the page token "page-{i+1}"
	bytes   int64     // totalBytesProcessed of the job
	pending bool      // jobs.query answers before the job completed
	// queryErr and resultsErr make jobs.query or getQueryResults answer
	// 400 with this reason.
	queryErr, resultsErr string
	// block makes jobs.query wait until the client gives up; arrived then
	// receives once the request is in.
	block   bool
	arrived chan struct{}
	release chan struct{}

	mu    sync.Mutex
	calls []call
}

type field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// call is one request as it arrived.
type call struct {
	Method string
	Path   string
	Query  url.Values
	Body   map[string]any
}

const jobID = "job-1"

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{
		t:        t,
		project:  "mirante-test",
		location: "southamerica-east1",
		arrived:  make(chan struct{}, 1),
		release:  make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /projects/{project}/queries", f.jobsQuery)
	mux.HandleFunc("GET /projects/{project}/queries/{job}", f.getQueryResults)
	mux.HandleFunc("GET /projects/{project}/jobs/{job}", f.jobsGet)
	mux.HandleFunc("POST /projects/{project}/jobs", f.jobsInsert)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the client called %s %s, which the fake does not know", r.Method, r.URL)
		writeError(w, http.StatusNotFound, "notFound", "no such method")
	})
	srv := httptest.NewServer(f.record(mux))
	t.Cleanup(srv.Close)
	// Runs before srv.Close (cleanups run last first), so a blocked
	// handler never holds Close up.
	t.Cleanup(func() { close(f.release) })
	f.URL = srv.URL
	return f
}

func (f *fakeAPI) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			f.t.Errorf("reading the request body: %v", err)
		}
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &c.Body); err != nil {
				f.t.Errorf("%s %s: the body is not JSON: %v", r.Method, r.URL.Path, err)
			}
		}
		f.mu.Lock()
		f.calls = append(f.calls, c)
		f.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// requests returns the calls made so far.
func (f *fakeAPI) requests() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// lastBody is the body of the request being answered (the fake serves one
// client call at a time).
func (f *fakeAPI) lastBody() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[len(f.calls)-1].Body
}

// only returns the calls to one method and path, failing unless there are n.
func (f *fakeAPI) only(method, path string, n int) []call {
	f.t.Helper()
	var out []call
	for _, c := range f.requests() {
		if c.Method == method && c.Path == path {
			out = append(out, c)
		}
	}
	if len(out) != n {
		f.t.Fatalf("%d calls to %s %s, want %d; all calls: %s", len(out), method, path, n, f.summary())
	}
	return out
}

func (f *fakeAPI) summary() string {
	var b strings.Builder
	for _, c := range f.requests() {
		fmt.Fprintf(&b, "\n  %s %s?%s", c.Method, c.Path, c.Query.Encode())
	}
	return b.String()
}

func (f *fakeAPI) jobRef(withID bool) map[string]any {
	ref := map[string]any{"projectId": f.project, "location": f.location}
	if withID {
		ref["jobId"] = jobID
	}
	return ref
}

func (f *fakeAPI) totalRows() string {
	n := 0
	for _, p := range f.pages {
		n += len(p)
	}
	return strconv.Itoa(n)
}

func (f *fakeAPI) jobsQuery(w http.ResponseWriter, r *http.Request) {
	if f.block {
		select {
		case f.arrived <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	}
	if f.queryErr != "" {
		// Real messages can quote the query; the adapter must not pass
		// them on.
		sql, _ := f.lastBody()["query"].(string)
		writeError(w, http.StatusBadRequest, f.queryErr, "Query exceeded limit for bytes billed: 104857600. 209715200 or higher required. Query: "+sql)
		return
	}
	resp := map[string]any{
		"kind":         "bigquery#queryResponse",
		"jobReference": f.jobRef(true),
		"jobComplete":  !f.pending,
	}
	if !f.pending {
		resp["schema"] = map[string]any{"fields": f.schema}
		resp["totalRows"] = f.totalRows()
		resp["totalBytesProcessed"] = strconv.FormatInt(f.bytes, 10)
		resp["rows"] = fv(f.pages[0])
		if len(f.pages) > 1 {
			resp["pageToken"] = "page-2"
		}
	}
	writeJSON(w, resp)
}

func (f *fakeAPI) getQueryResults(w http.ResponseWriter, r *http.Request) {
	if f.resultsErr != "" {
		writeError(w, http.StatusBadRequest, f.resultsErr, "Query exceeded limit for bytes billed")
		return
	}
	q := r.URL.Query()
	resp := map[string]any{
		"kind":         "bigquery#getQueryResultsResponse",
		"jobReference": f.jobRef(true),
		"jobComplete":  true,
		"schema":       map[string]any{"fields": f.schema},
		"totalRows":    f.totalRows(),
	}
	if q.Get("maxResults") == "0" { // the client waiting for the job
		writeJSON(w, resp)
		return
	}
	page := 0
	if tok := q.Get("pageToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		if err != nil || n < 1 || n > len(f.pages) {
			writeError(w, http.StatusBadRequest, "invalid", "bad page token")
			return
		}
		page = n - 1
	}
	resp["rows"] = fv(f.pages[page])
	if page+1 < len(f.pages) {
		resp["pageToken"] = fmt.Sprintf("page-%d", page+2)
	}
	writeJSON(w, resp)
}

func (f *fakeAPI) jobsGet(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("job") != jobID {
		writeError(w, http.StatusNotFound, "notFound", "Not found: Job")
		return
	}
	n := strconv.FormatInt(f.bytes, 10)
	writeJSON(w, map[string]any{
		"jobReference": f.jobRef(true),
		"status":       map[string]any{"state": "DONE"},
		"statistics": map[string]any{
			"totalBytesProcessed": n,
			"query":               map[string]any{"totalBytesProcessed": n, "totalBytesBilled": n, "statementType": "SELECT"},
		},
	})
}

func (f *fakeAPI) jobsInsert(w http.ResponseWriter, r *http.Request) {
	body := f.lastBody()
	n := strconv.FormatInt(f.bytes, 10)
	// A dry run answers at once, with no job id.
	writeJSON(w, map[string]any{
		"kind":          "bigquery#job",
		"jobReference":  f.jobRef(false),
		"configuration": body["configuration"],
		"status":        map[string]any{"state": "DONE"},
		"statistics": map[string]any{
			"totalBytesProcessed": n,
			"query":               map[string]any{"totalBytesProcessed": n, "totalBytesProcessedAccuracy": "PRECISE", "statementType": "SELECT"},
		},
	})
}

// fv writes rows in the REST form: every value a string or null.
func fv(rows [][]any) []map[string]any {
	out := []map[string]any{}
	for _, row := range rows {
		cells := make([]map[string]any, len(row))
		for i, v := range row {
			cells[i] = map[string]any{"v": v}
		}
		out = append(out, map[string]any{"f": cells})
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, reason, message string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code":    status,
		"message": message,
		"errors":  []map[string]any{{"message": message, "domain": "global", "reason": reason}},
		"status":  "INVALID_ARGUMENT",
	}})
}
