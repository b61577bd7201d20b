// Package bqfake is a wire-level stand-in for the BigQuery REST API (v2)
// for tests of every BigQuery path (tenant queries and value pickers, dry
// runs, ingest reads, scripts and loads): it answers the calls
// cloud.google.com/go/bigquery makes for Query.Read (jobs.query), Query.Run
// and Job.Wait (jobs.insert, jobs.getQueryResults, jobs.get), a dry run
// (jobs.insert, answered at once) and a load job's upload, multipart or
// resumable (the client's protocol: a session started with the job's
// metadata, then chunks with Content-Range, each acknowledged with the 308
// override header until the last), records every request as sent, and
// refuses what BigQuery refuses (see Server). Only tests import it.
package bqfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Project is the project the fake serves.
const Project = "mirante-test"

// Location is where the fake's datasets live: infra's var.region, which
// BIGQUERY_LOCATION defaults to.
const Location = "southamerica-east1"

// PartitionFilters are the tables created with require_partition_filter =
// true, each with its partition column, as infra/modules/bigquery/main.tf
// declares them (a test holds the two equal). New gives every fake a copy.
var PartitionFilters = map[string]string{
	"marts.comex_monthly":           "month",
	"marts.comex_municipal_monthly": "month",
	"marts.antaq_monthly":           "month",
	"marts.caged_monthly":           "month",
}

// minBilled is the least BigQuery bills for a query job (10 MiB): a cap
// below it refuses every query.
const minBilled = 10 << 20

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

// Server is the fake. Like BigQuery it refuses a read of a table in
// PartitionFilters without a predicate on its partition column (in a
// query, a dry run or a script; see missingPartitionFilter for what counts
// as one), a query job whose bytes billed (Bytes, at least 10 MiB) exceed
// its maximumBytesBilled, a job pinned to a location other than Location,
// and a load whose schema or rows name a column its table lacks or leave a
// REQUIRED one empty. More strictly than BigQuery it refuses a job pinned
// to no location (BigQuery would infer one; every job of ours is pinned)
// and, with RequireMaximumBytesBilled, a query job with no cap. Scripts
// that succeed teach it the tables their CREATE TABLE statements declare;
// CreateTable declares others.
type Server struct {
	t   *testing.T
	URL string

	// Answer answers jobs.query (a read); nil answers no rows.
	Answer func(sql string, params []any) Answer
	// Fail makes a script job (jobs.insert) fail with this message when
	// it returns one.
	Fail func(sql string) string
	// Bytes is what a query or script processes: a dry run's estimate, a
	// job's statistics and what is held against its cap. Nil: nothing.
	Bytes func(sql string) int64
	// Location is where the datasets are (New: the Location constant).
	Location string
	// PartitionFilters maps dataset.table to the partition column a read
	// of it must filter on (New: a copy of PartitionFilters).
	PartitionFilters map[string]string
	// RequireMaximumBytesBilled refuses a query job (not a dry run) that
	// carries no maximumBytesBilled. BigQuery would run it uncapped; every
	// query our code sends, for a tenant or for a load, must be capped.
	// New turns it on.
	RequireMaximumBytesBilled bool

	mu       sync.Mutex
	calls    []Call
	jobs     map[string]*job
	tables   map[string][]Column // dataset.table -> columns
	sessions map[string]*Call    // resumable uploads in progress, by id
	started  int                 // resumable uploads started, the next id
	reads    int                 // jobs.query calls answered, the next read job's id
}

// job is a job the fake ran: what it processed, and why it failed.
type job struct {
	bytes           int64
	reason, message string
}

// New starts the fake; it stops when the test ends.
func New(t *testing.T) *Server {
	t.Helper()
	s := &Server{t: t, Location: Location, PartitionFilters: maps.Clone(PartitionFilters), RequireMaximumBytesBilled: true,
		jobs: map[string]*job{}, tables: map[string][]Column{}, sessions: map[string]*Call{}}
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

// CreateTable declares a table (dataset.table) as existing with these
// columns, as Terraform or an earlier load would have made it.
func (s *Server) CreateTable(name string, cols ...Column) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range cols {
		cols[i].Type = canonicalType(cols[i].Type)
	}
	s.tables[name] = cols
}

// Table returns the columns of a table the fake knows.
func (s *Server) Table(name string) ([]Column, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cols, ok := s.tables[name]
	return cols, ok
}

// Calls returns the requests so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Queries are the jobs.query requests (reads), in order.
func (s *Server) Queries() []Call { return s.filter("POST", "/queries") }

// Jobs are the jobs.insert requests without media (scripts and dry runs),
// in order.
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

// refusal is an error BigQuery answers: its HTTP status, reason and
// message.
type refusal struct {
	status          int
	reason, message string
}

func (f *refusal) write(w http.ResponseWriter) { writeError(w, f.status, f.reason, f.message) }

// refuseRequest checks what a job asks before its SQL is read: its
// location, and that a query job that bills carries a cap.
func (s *Server) refuseRequest(sql, location string, maxBytes any, bills bool) *refusal {
	if location != s.Location {
		ds := firstDataset(lex(sql))
		if ds == "" {
			ds = "marts"
		}
		if location == "" {
			location = "(none: the fake refuses a job its caller did not pin)"
		}
		return &refusal{http.StatusNotFound, "notFound", fmt.Sprintf("Not found: Dataset %s:%s was not found in location %s", Project, ds, location)}
	}
	if bills && s.RequireMaximumBytesBilled && maxBytes == nil {
		return &refusal{http.StatusBadRequest, "invalid", "the fake refuses a query job without maximumBytesBilled: every query Mirante sends must be capped"}
	}
	return nil
}

// refuseSQL checks a query or script: a partition filter where a table
// requires one, and, when the job bills, its bytes against its cap.
func (s *Server) refuseSQL(sql string, maxBytes any, bills bool) *refusal {
	if table, col := missingPartitionFilter(sql, s.PartitionFilters); table != "" {
		return &refusal{http.StatusBadRequest, "invalidQuery", fmt.Sprintf(
			"Cannot query over table '%s.%s' without a filter over column(s) '%s' that can be used for partition elimination", Project, table, col)}
	}
	if !bills || maxBytes == nil {
		return nil
	}
	limit, err := strconv.ParseInt(fmt.Sprint(maxBytes), 10, 64)
	if err != nil {
		return &refusal{http.StatusBadRequest, "invalid", fmt.Sprintf("maximumBytesBilled %v is not an integer", maxBytes)}
	}
	if billed := billedBytes(s.processed(sql)); billed > limit {
		return &refusal{http.StatusBadRequest, "bytesBilledLimitExceeded", fmt.Sprintf(
			"Query exceeded limit for bytes billed: %d. %d or higher required.", limit, billed)}
	}
	return nil
}

func (s *Server) processed(sql string) int64 {
	if s.Bytes == nil {
		return 0
	}
	return s.Bytes(sql)
}

// billedBytes is what BigQuery bills for processing n bytes: rounded up
// to a MiB, at least 10 MiB.
func billedBytes(n int64) int64 {
	n = (n + 1<<20 - 1) / (1 << 20) * (1 << 20)
	return max(n, minBilled)
}

func (s *Server) jobsQuery(w http.ResponseWriter, r *http.Request) {
	body := s.readJSON(r)
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
	sql, _ := body["query"].(string)
	params, _ := body["queryParameters"].([]any)
	location, _ := body["location"].(string)
	if f := s.refuseRequest(sql, location, body["maximumBytesBilled"], true); f != nil {
		f.write(w)
		return
	}
	if f := s.refuseSQL(sql, body["maximumBytesBilled"], true); f != nil {
		f.write(w)
		return
	}
	var a Answer
	if s.Answer != nil {
		a = s.Answer(sql, params)
	}
	if a.Reason == "notFound" {
		writeError(w, http.StatusNotFound, "notFound", "Not found: Table "+Project+":landing.ingest_files was not found in location "+s.Location)
		return
	}
	if a.Reason != "" {
		writeError(w, http.StatusBadRequest, a.Reason, "the fake refused the query")
		return
	}
	if a.Schema == nil {
		a.Schema = []Field{}
	}
	n := s.processed(sql)
	s.mu.Lock()
	s.reads++
	id := "read-" + strconv.Itoa(s.reads)
	s.jobs[id] = &job{bytes: n}
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"kind":                "bigquery#queryResponse",
		"jobReference":        map[string]any{"projectId": Project, "jobId": id, "location": location},
		"jobComplete":         true,
		"schema":              map[string]any{"fields": a.Schema},
		"totalRows":           strconv.Itoa(len(a.Rows)),
		"totalBytesProcessed": strconv.FormatInt(n, 10),
		"rows":                fv(a.Rows),
	})
}

// jobsInsert takes a query job: a dry run is answered at once (refused,
// or done with its estimate); a script runs as a job the client waits for.
func (s *Server) jobsInsert(w http.ResponseWriter, r *http.Request) {
	body := s.readJSON(r)
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
	cfg, _ := body["configuration"].(map[string]any)
	q, _ := cfg["query"].(map[string]any)
	ref, _ := body["jobReference"].(map[string]any)
	location, _ := ref["location"].(string)
	sql := querySQL(body)
	if q == nil {
		s.t.Errorf("jobs.insert without a query configuration: %v", body)
		writeError(w, http.StatusBadRequest, "invalid", "the fake runs query jobs only")
		return
	}
	dry, _ := cfg["dryRun"].(bool)
	if f := s.refuseRequest(sql, location, q["maximumBytesBilled"], !dry); f != nil {
		f.write(w)
		return
	}
	if dry {
		if f := s.refuseSQL(sql, nil, false); f != nil {
			f.write(w)
			return
		}
		n := strconv.FormatInt(s.processed(sql), 10)
		writeJSON(w, map[string]any{
			"kind":          "bigquery#job",
			"jobReference":  ref,
			"configuration": cfg,
			"status":        map[string]any{"state": "DONE"},
			"statistics": map[string]any{
				"totalBytesProcessed": n,
				"query":               map[string]any{"totalBytesProcessed": n, "totalBytesProcessedAccuracy": "PRECISE"},
			},
		})
		return
	}
	j := &job{bytes: s.processed(sql)}
	if f := s.refuseSQL(sql, q["maximumBytesBilled"], true); f != nil {
		j.reason, j.message = f.reason, f.message
	} else if s.Fail != nil {
		if msg := s.Fail(sql); msg != "" {
			j.reason, j.message = "invalidQuery", msg
		}
	}
	if j.reason == "" {
		s.mu.Lock()
		maps.Copy(s.tables, createdTables(sql))
		s.mu.Unlock()
	}
	s.answerJob(w, body, j)
}

func querySQL(body map[string]any) string {
	cfg, _ := body["configuration"].(map[string]any)
	q, _ := cfg["query"].(map[string]any)
	sql, _ := q["query"].(string)
	return sql
}

// answerJob registers an inserted job and answers it as running: the
// client then waits for it.
func (s *Server) answerJob(w http.ResponseWriter, body map[string]any, j *job) {
	ref, _ := body["jobReference"].(map[string]any)
	id, _ := ref["jobId"].(string)
	if id == "" {
		s.t.Errorf("a job was inserted without a job id: %v", body)
	}
	s.mu.Lock()
	s.jobs[id] = j
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"kind":          "bigquery#job",
		"jobReference":  ref,
		"configuration": body["configuration"],
		"status":        map[string]any{"state": "RUNNING"},
	})
}

// load checks a load job against its destination table as BigQuery
// would: the table exists (or may be created), the schema given agrees
// with it column by column, and every row of newline-delimited JSON names
// only its columns and fills its REQUIRED ones.
func (s *Server) load(body map[string]any, media []byte) *job {
	ref, _ := body["jobReference"].(map[string]any)
	location, _ := ref["location"].(string)
	cfg, _ := body["configuration"].(map[string]any)
	ld, _ := cfg["load"].(map[string]any)
	dst, _ := ld["destinationTable"].(map[string]any)
	ds, _ := dst["datasetId"].(string)
	tbl, _ := dst["tableId"].(string)
	name := ds + "." + tbl
	if location != s.Location {
		return &job{reason: "notFound", message: fmt.Sprintf("Not found: Dataset %s:%s was not found in location %s", Project, ds, location)}
	}
	var given []Column
	if sch, ok := ld["schema"].(map[string]any); ok {
		fields, _ := sch["fields"].([]any)
		for _, f := range fields {
			m, _ := f.(map[string]any)
			n, _ := m["name"].(string)
			typ, _ := m["type"].(string)
			mode, _ := m["mode"].(string)
			given = append(given, Column{Name: strings.ToLower(n), Type: canonicalType(typ), Required: mode == "REQUIRED"})
		}
	}
	s.mu.Lock()
	cols, exists := s.tables[name]
	s.mu.Unlock()
	if !exists {
		if ld["createDisposition"] == "CREATE_NEVER" || given == nil {
			return &job{reason: "notFound", message: fmt.Sprintf("Not found: Table %s:%s", Project, name)}
		}
		cols = given
	}
	byName := map[string]Column{}
	for _, c := range cols {
		byName[c.Name] = c
	}
	mismatch := func(format string, args ...any) *job {
		return &job{reason: "invalid", message: fmt.Sprintf("Provided Schema does not match Table %s:%s. ", Project, name) + fmt.Sprintf(format, args...)}
	}
	for _, g := range given {
		c, ok := byName[g.Name]
		switch {
		case !ok:
			return mismatch("Cannot add fields (field: %s)", g.Name)
		case c.Type != g.Type:
			return mismatch("Field %s has changed type from %s to %s", g.Name, c.Type, g.Type)
		case c.Required != g.Required:
			return mismatch("Field %s has changed mode from %s to %s", g.Name, mode(c.Required), mode(g.Required))
		}
	}
	if given != nil {
		byName = map[string]Column{}
		for _, g := range given {
			byName[g.Name] = g
		}
	}
	if f, _ := ld["sourceFormat"].(string); f == "NEWLINE_DELIMITED_JSON" {
		ignore, _ := ld["ignoreUnknownValues"].(bool)
		if msg := checkRows(media, byName, ignore); msg != "" {
			return &job{reason: "invalid", message: "Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: 1; errors: 1. " + msg}
		}
	}
	if !exists {
		s.mu.Lock()
		s.tables[name] = cols
		s.mu.Unlock()
	}
	return &job{}
}

func mode(required bool) string {
	if required {
		return "REQUIRED"
	}
	return "NULLABLE"
}

// checkRows returns the first row's error: a field the schema lacks (unless
// unknown values are ignored), or a REQUIRED field absent or null.
func checkRows(media []byte, cols map[string]Column, ignoreUnknown bool) string {
	pos := 0
	for _, line := range bytes.SplitAfter(media, []byte("\n")) {
		at := pos
		pos += len(line)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var row map[string]any
		if err := json.Unmarshal(line, &row); err != nil {
			return fmt.Sprintf("JSON parsing error in row starting at position %d: %v", at, err)
		}
		if !ignoreUnknown {
			keys := slices.Sorted(maps.Keys(row))
			for _, k := range keys {
				if _, ok := cols[strings.ToLower(k)]; !ok {
					return fmt.Sprintf("JSON parsing error in row starting at position %d: No such field: %s.", at, k)
				}
			}
		}
		for _, c := range slices.SortedFunc(maps.Values(cols), func(a, b Column) int { return strings.Compare(a.Name, b.Name) }) {
			if c.Required && row[c.Name] == nil {
				return fmt.Sprintf("JSON parsing error in row starting at position %d: Missing required field: %s.", at, c.Name)
			}
		}
	}
	return ""
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
	s.answerJob(w, c.Body, s.load(c.Body, c.Media))
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
	s.answerJob(w, c.Body, s.load(c.Body, c.Media))
}

// lookup finds a job asked for by id and location: BigQuery finds a job
// only in its own location.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*job, bool) {
	s.mu.Lock()
	j, ok := s.jobs[r.PathValue("job")]
	s.mu.Unlock()
	if !ok || r.URL.Query().Get("location") != s.Location {
		writeError(w, http.StatusNotFound, "notFound", fmt.Sprintf("Not found: Job %s:%s.%s", Project, r.URL.Query().Get("location"), r.PathValue("job")))
		return nil, false
	}
	return j, true
}

func (s *Server) getQueryResults(w http.ResponseWriter, r *http.Request) {
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	j, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if j.reason != "" {
		status := http.StatusBadRequest
		if j.reason == "notFound" {
			status = http.StatusNotFound
		}
		writeError(w, status, j.reason, j.message)
		return
	}
	writeJSON(w, map[string]any{
		"kind":         "bigquery#getQueryResultsResponse",
		"jobReference": map[string]any{"projectId": Project, "jobId": r.PathValue("job"), "location": s.Location},
		"jobComplete":  true,
		"schema":       map[string]any{"fields": []Field{}},
		"totalRows":    "0",
	})
}

func (s *Server) jobsGet(w http.ResponseWriter, r *http.Request) {
	s.record(Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	j, ok := s.lookup(w, r)
	if !ok {
		return
	}
	status := map[string]any{"state": "DONE"}
	if j.reason != "" {
		e := map[string]any{"reason": j.reason, "message": j.message}
		status["errorResult"] = e
		status["errors"] = []any{e}
	}
	n := strconv.FormatInt(j.bytes, 10)
	billed := "0"
	if j.reason == "" {
		billed = strconv.FormatInt(billedBytes(j.bytes), 10)
	}
	writeJSON(w, map[string]any{
		"kind":         "bigquery#job",
		"jobReference": map[string]any{"projectId": Project, "jobId": r.PathValue("job"), "location": s.Location},
		"status":       status,
		"statistics":   map[string]any{"totalBytesProcessed": n, "query": map[string]any{"totalBytesProcessed": n, "totalBytesBilled": billed}},
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
