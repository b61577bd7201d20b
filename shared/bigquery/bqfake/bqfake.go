// Package bqfake is a wire-level stand-in for the BigQuery REST API (v2)
// for tests of the data spine's BigQuery path: it answers the calls
// cloud.google.com/go/bigquery makes for Query.Read (jobs.query), Query.Run
// and Job.Wait (jobs.insert, jobs.getQueryResults, jobs.get) and a load
// job's upload, multipart or resumable (the client's protocol: a session
// started with the job's metadata, then chunks with Content-Range, each
// acknowledged with the 308 override header until the last), and records
// every request as sent. Only tests import it.
package bqfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Project is the project the fake serves.
const Project = "mirante-test"

// Field is a column of an answer's schema (type as the REST API names it:
// STRING, INTEGER, FLOAT, DATE, TIMESTAMP, BOOLEAN).
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Answer is what a query returns: a schema and rows of REST values (a
// string or nil per cell), or an error with a reason (notFound answers
// 404).
type Answer struct {
	Schema []Field
	Rows   [][]any
	Reason string
}

// Call is one request as it arrived.
type Call struct {
	Method string
	Path   string
	Query  url.Values
	Body   map[string]any
	// Media is a load job's uploaded data.
	Media []byte
	// Chunks is how many requests carried a resumable upload's media (0 for
	// a multipart upload).
	Chunks int
}

// Server is the fake.
type Server struct {
	t   *testing.T
	URL string

	// Answer answers jobs.query (a read); nil answers no rows.
	Answer func(sql string, params []any) Answer
	// Fail makes a script job (jobs.insert) fail with this message when
	// it returns one.
	Fail func(sql string) string

	mu       sync.Mutex
	calls    []Call
	failed   map[string]string // job id -> error message
	sessions map[string]*Call  // resumable uploads in progress, by id
	started  int               // resumable uploads started, the next id
}

// New starts the fake; it stops when the test ends.
func New(t *testing.T) *Server {
	t.Helper()
	s := &Server{t: t, failed: map[string]string{}, sessions: map[string]*Call{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /projects/{project}/queries", s.jobsQuery)
	mux.HandleFunc("POST /projects/{project}/jobs", s.jobsInsert)
	mux.HandleFunc("POST /upload/bigquery/v2/projects/{project}/jobs", s.upload)
	mux.HandleFunc("POST /upload/session/{id}", s.chunk)
	mux.HandleFunc("GET /projects/{project}/queries/{job}", s.getQueryResults)
	mux.HandleFunc("GET /projects/{project}/jobs/{job}", s.jobsGet)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the client called %s %s, which the fake does not know", r.Method, r.URL)
		writeError(w, http.StatusNotFound, "notFound", "no such method")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Calls returns the requests so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Queries are the jobs.query requests (reads), in order.
func (s *Server) Queries() []Call { return s.filter("POST", "/queries") }

// Jobs are the jobs.insert requests without media (scripts), in order.
func (s *Server) Jobs() []Call { return s.filter("POST", "/jobs") }

// Loads are the load jobs' uploads, in order.
func (s *Server) Loads() []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == "POST" && strings.HasPrefix(c.Path, "/upload/") {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) filter(method, suffix string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) && !strings.HasPrefix(c.Path, "/upload/") {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

func (s *Server) readJSON(r *http.Request) map[string]any {
	var body map[string]any
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.t.Errorf("reading the request body: %v", err)
		return nil
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		s.t.Errorf("%s %s: the body is not JSON: %v", r.Method, r.URL.Path, err)
	}
	return body
}

func (s *Server) jobsQuery(w http.ResponseWriter, r *http.Request) {
	body := s.readJSON(r)
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
	sql, _ := body["query"].(string)
	params, _ := body["queryParameters"].([]any)
	var a Answer
	if s.Answer != nil {
		a = s.Answer(sql, params)
	}
	if a.Reason == "notFound" {
		writeError(w, http.StatusNotFound, "notFound", "Not found: Table "+Project+":landing.ingest_files was not found in location southamerica-east1")
		return
	}
	if a.Reason != "" {
		writeError(w, http.StatusBadRequest, a.Reason, "the fake refused the query")
		return
	}
	if a.Schema == nil {
		a.Schema = []Field{}
	}
	writeJSON(w, map[string]any{
		"kind":         "bigquery#queryResponse",
		"jobReference": map[string]any{"projectId": Project, "jobId": "read-" + strconv.Itoa(len(s.Queries())), "location": body["location"]},
		"jobComplete":  true,
		"schema":       map[string]any{"fields": a.Schema},
		"totalRows":    strconv.Itoa(len(a.Rows)),
		"rows":         fv(a.Rows),
	})
}

func (s *Server) jobsInsert(w http.ResponseWriter, r *http.Request) {
	body := s.readJSON(r)
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
	s.answerJob(w, body, querySQL(body))
}

func querySQL(body map[string]any) string {
	cfg, _ := body["configuration"].(map[string]any)
	q, _ := cfg["query"].(map[string]any)
	sql, _ := q["query"].(string)
	return sql
}

// answerJob registers an inserted job (failed when Fail says so) and
// answers it as running: the client then waits for it.
func (s *Server) answerJob(w http.ResponseWriter, body map[string]any, sql string) {
	ref, _ := body["jobReference"].(map[string]any)
	id, _ := ref["jobId"].(string)
	if id == "" {
		s.t.Errorf("a job was inserted without a job id: %v", body)
	}
	if s.Fail != nil && sql != "" {
		if msg := s.Fail(sql); msg != "" {
			s.mu.Lock()
			s.failed[id] = msg
			s.mu.Unlock()
		}
	}
	writeJSON(w, map[string]any{
		"kind":          "bigquery#job",
		"jobReference":  ref,
		"configuration": body["configuration"],
		"status":        map[string]any{"state": "RUNNING"},
	})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	if c.Query.Get("uploadType") == "resumable" {
		// The session: the job's metadata now, its media in chunks after.
		if err := json.NewDecoder(r.Body).Decode(&c.Body); err != nil {
			s.t.Errorf("a resumable upload's metadata is not JSON: %v", err)
			writeError(w, http.StatusBadRequest, "invalid", "metadata")
			return
		}
		s.mu.Lock()
		s.started++
		id := strconv.Itoa(s.started)
		s.sessions[id] = &c
		s.mu.Unlock()
		w.Header().Set("Location", s.URL+"/upload/session/"+id)
		w.WriteHeader(http.StatusOK)
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		s.t.Errorf("a load job's upload is %q, want multipart or resumable: %v", r.Header.Get("Content-Type"), err)
		writeError(w, http.StatusBadRequest, "invalid", "not multipart")
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.t.Errorf("reading the upload: %v", err)
			return
		}
		raw, err := io.ReadAll(part)
		if err != nil {
			s.t.Errorf("reading the upload: %v", err)
			return
		}
		if i == 0 {
			if err := json.Unmarshal(raw, &c.Body); err != nil {
				s.t.Errorf("the upload's metadata is not JSON: %v", err)
			}
		} else {
			c.Media = raw
		}
	}
	s.record(c)
	s.answerJob(w, c.Body, "")
}

// chunk takes a resumable upload's chunk: "bytes first-last/*" while more
// follow (acknowledged with the 308 override the client asks for), and
// "bytes first-last/total" or "bytes */total" for the last, which starts
// the job. A chunk that does not start where the media ends is refused.
func (s *Server) chunk(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.sessions[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		s.t.Errorf("a chunk for unknown upload session %s", r.PathValue("id"))
		writeError(w, http.StatusNotFound, "notFound", "no such upload")
		return
	}
	var first, last, total int64 = 0, -1, -1
	cr := strings.TrimPrefix(r.Header.Get("Content-Range"), "bytes ")
	span, size, _ := strings.Cut(cr, "/")
	if span != "*" {
		a, b, _ := strings.Cut(span, "-")
		var err1, err2 error
		first, err1 = strconv.ParseInt(a, 10, 64)
		last, err2 = strconv.ParseInt(b, 10, 64)
		if err1 != nil || err2 != nil || last < first {
			s.t.Errorf("chunk Content-Range %q", r.Header.Get("Content-Range"))
			writeError(w, http.StatusBadRequest, "invalid", "Content-Range")
			return
		}
	}
	if size != "*" {
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			s.t.Errorf("chunk Content-Range %q", r.Header.Get("Content-Range"))
			writeError(w, http.StatusBadRequest, "invalid", "Content-Range")
			return
		}
		total = n
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.t.Errorf("reading a chunk: %v", err)
		return
	}
	s.mu.Lock()
	if span != "*" && (first != int64(len(c.Media)) || int64(len(body)) != last-first+1) {
		s.mu.Unlock()
		s.t.Errorf("chunk %q of %d bytes after %d uploaded", r.Header.Get("Content-Range"), len(body), len(c.Media))
		writeError(w, http.StatusBadRequest, "invalid", "chunk out of order")
		return
	}
	c.Media = append(c.Media, body...)
	c.Chunks++
	done := total >= 0
	if done {
		delete(s.sessions, r.PathValue("id"))
	}
	s.mu.Unlock()
	if !done {
		w.Header().Set("X-Http-Status-Code-Override", "308")
		w.WriteHeader(http.StatusOK)
		return
	}
	if int64(len(c.Media)) != total {
		s.t.Errorf("resumable upload of %d bytes, the last chunk says %d", len(c.Media), total)
	}
	s.record(*c)
	s.answerJob(w, c.Body, "")
}

func (s *Server) failure(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed[id]
}

func (s *Server) getQueryResults(w http.ResponseWriter, r *http.Request) {
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	if msg := s.failure(r.PathValue("job")); msg != "" {
		writeError(w, http.StatusBadRequest, "invalidQuery", msg)
		return
	}
	writeJSON(w, map[string]any{
		"kind":         "bigquery#getQueryResultsResponse",
		"jobReference": map[string]any{"projectId": Project, "jobId": r.PathValue("job"), "location": r.URL.Query().Get("location")},
		"jobComplete":  true,
		"schema":       map[string]any{"fields": []Field{}},
		"totalRows":    "0",
	})
}

func (s *Server) jobsGet(w http.ResponseWriter, r *http.Request) {
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	status := map[string]any{"state": "DONE"}
	if msg := s.failure(r.PathValue("job")); msg != "" {
		status["errorResult"] = map[string]any{"reason": "invalidQuery", "message": msg}
	}
	writeJSON(w, map[string]any{
		"kind":         "bigquery#job",
		"jobReference": map[string]any{"projectId": Project, "jobId": r.PathValue("job"), "location": r.URL.Query().Get("location")},
		"status":       status,
		"statistics":   map[string]any{"totalBytesProcessed": "0"},
	})
}

// fv writes rows in the REST form: every value a string or null.
func fv(rows [][]any) []map[string]any {
	out := []map[string]any{}
	for _, row := range rows {
		cells := make([]map[string]any, len(row))
		for i, v := range row {
			if v != nil {
				v = fmt.Sprint(v)
			}
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
	}})
}
