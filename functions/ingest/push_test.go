package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
)

// logBuffer keeps the handler's JSON log lines for the tests to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// find returns the first line with the message whose fields include want.
func (b *logBuffer) find(msg string, want map[string]string) (map[string]any, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != msg {
			continue
		}
		ok := true
		for k, v := range want {
			if got, _ := line[k].(string); got != v {
				ok = false
			}
		}
		if ok {
			return line, true
		}
	}
	return nil, false
}

// pushSample is a Pub/Sub push body byte for byte as production sends it to
// the ingest service: Cloud Storage's OBJECT_FINALIZE notification
// (payload JSON_API_V1, the object resource base64 in data) of
// sources/comex/EXP_2025.csv in the bucket mirante-raw, delivered by the
// push subscription with dead-lettering on (hence deliveryAttempt).
func pushSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "push_object_finalize.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelope makes a push body for an object, as the sample is.
func envelope(t *testing.T, eventType, bucket, object string) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(pushSample(t), &env); err != nil {
		t.Fatal(err)
	}
	msg := env["message"].(map[string]any)
	attrs := msg["attributes"].(map[string]any)
	attrs["eventType"], attrs["bucketId"], attrs["objectId"] = eventType, bucket, object
	res, _ := json.Marshal(map[string]string{"kind": "storage#object", "bucket": bucket, "name": object, "generation": "7", "size": "1"})
	msg["data"] = base64.StdEncoding.EncodeToString(res)
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *stack) push(t *testing.T, body []byte) *http.Response {
	t.Helper()
	srv := httptest.NewServer(s.h)
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

type loadRow struct {
	outcome, errText string
	rows, read       int64
	attempts         int
}

func (s *stack) loadLog(t *testing.T, object string, generation int64) (loadRow, bool) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var r loadRow
	err = conn.QueryRow(context.Background(), `select outcome, coalesce(error, ''), coalesce(rows_loaded, -1), coalesce(rows_read, -1), attempts
		from source_loads where object = $1 and generation = $2`, object, generation).Scan(&r.outcome, &r.errText, &r.rows, &r.read, &r.attempts)
	if err == pgx.ErrNoRows {
		return r, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

func TestDecodePushSample(t *testing.T) {
	n, err := ingest.DecodePush(bytes.NewReader(pushSample(t)))
	if err != nil {
		t.Fatal(err)
	}
	want := ingest.Notification{MessageID: "13012345678901234", Subscription: "projects/mirante-prod/subscriptions/ingest-events-ingest",
		Attempt: 1, EventType: "OBJECT_FINALIZE", Bucket: "mirante-raw", Object: "sources/comex/EXP_2025.csv",
		Generation: 1765034400123456, Size: 5841}
	if n != want {
		t.Errorf("decoded %+v\nwant    %+v", n, want)
	}
}

// The push body production sends, POSTed as it is, loads the object it names.
func TestPushSampleLoadsTheObject(t *testing.T) {
	raw := comexSample(t)
	s := newStack(t, comexWatermark)
	s.gcs.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-raw", Name: "sources/comex/EXP_2025.csv"}, Content: raw})
	if resp := s.push(t, pushSample(t)); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("push answered %s, want 204 (ack)", resp.Status)
	}
	if n := len(s.bq.Loads()); n != 1 {
		t.Fatalf("%d load jobs, want 1", n)
	}
	got, ok := s.loadLog(t, "sources/comex/EXP_2025.csv", 1765034400123456)
	if !ok || got.outcome != "loaded" || got.rows != comexPublished || got.read != 60 {
		t.Errorf("load record %+v (found %v), want loaded with 60 rows read and %d published", got, ok, comexPublished)
	}
	if got := s.catalog(t, "comex"); got.status != "ok" || got.rows != comexPublished || got.landed != 60 {
		t.Errorf("source catalog after the push: %+v", got)
	}
}

// Every event the function will not load is logged with its object and
// answered on purpose: acked when a redelivery cannot help, refused (to the
// dead-letter topic) when the body is no notification.
func TestBadEventsAreLoggedAndAnsweredOnPurpose(t *testing.T) {
	s := newStack(t, nil)
	cases := []struct {
		name   string
		body   []byte
		status int
		level  string
		msg    string
		object string
	}{
		{"another bucket", envelope(t, "OBJECT_FINALIZE", "someone-elses", "sources/ipca/x.json"), 204, "WARN",
			"ingest: event from another bucket ignored", "sources/ipca/x.json"},
		{"outside the prefixes", envelope(t, "OBJECT_FINALIZE", "mirante-raw", "quarantine/sources/ipca/x.json"), 204, "WARN",
			"ingest: object outside the loaded prefixes ignored", "quarantine/sources/ipca/x.json"},
		{"unknown source", envelope(t, "OBJECT_FINALIZE", "mirante-raw", "sources/nosuch/x.csv"), 204, "WARN",
			"ingest: object of an unknown source ignored", "sources/nosuch/x.csv"},
		{"missing object", envelope(t, "OBJECT_FINALIZE", "mirante-raw", "sources/ipca/gone.json"), 204, "WARN",
			"ingest: the notified object no longer exists", "sources/ipca/gone.json"},
		{"another event type", envelope(t, "OBJECT_DELETE", "mirante-raw", "sources/ipca/old.json"), 204, "WARN",
			"ingest: event ignored", "sources/ipca/old.json"},
		{"an Eventarc body", []byte(`{"bucket":"mirante-raw","name":"sources/ipca/x.json"}`), 400, "ERROR",
			"ingest: undecodable push; refused for the dead-letter topic", ""},
		{"not JSON", []byte("hello"), 400, "ERROR", "ingest: undecodable push; refused for the dead-letter topic", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if resp := s.push(t, c.body); resp.StatusCode != c.status {
				t.Errorf("answered %s, want %d", resp.Status, c.status)
			}
			line, ok := s.logs.find(c.msg, map[string]string{"object": c.object})
			if !ok {
				t.Fatalf("no log line %q for the object %q", c.msg, c.object)
			}
			if line["level"] != c.level {
				t.Errorf("logged at %v, want %s", line["level"], c.level)
			}
		})
	}
	if n, m := len(s.bq.Loads()), len(s.bq.Jobs()); n != 0 || m != 0 {
		t.Errorf("ignored events sent %d load jobs and %d scripts", n, m)
	}
}

// A load that fails for a reason a retry can fix is answered 5xx, so that
// Pub/Sub redelivers it, and recorded as failed; the redelivery that loads
// it replaces the record.
func TestFailedLoadIsRedelivered(t *testing.T) {
	raw := comexSample(t)
	var fail bool
	s := newStack(t, func(f *bqfake.Server) {
		f.Fail = func(sql string) string {
			if fail && strings.HasPrefix(sql, "BEGIN TRANSACTION;") {
				return "Transaction is aborted due to concurrent update"
			}
			return ""
		}
	})
	fail = true
	s.gcs.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-raw", Name: "sources/comex/EXP_2025.csv"}, Content: raw})
	if resp := s.push(t, pushSample(t)); resp.StatusCode/100 != 5 {
		t.Fatalf("a failed load answered %s, want 5xx (redeliver)", resp.Status)
	}
	got, ok := s.loadLog(t, "sources/comex/EXP_2025.csv", 1765034400123456)
	if !ok || got.outcome != "failed" || !strings.Contains(got.errText, "concurrent update") {
		t.Errorf("load record after the failure: %+v (found %v)", got, ok)
	}
	fail = false
	if resp := s.push(t, pushSample(t)); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("the redelivery answered %s", resp.Status)
	}
	got, _ = s.loadLog(t, "sources/comex/EXP_2025.csv", 1765034400123456)
	if got.outcome != "loaded" || got.attempts != 2 {
		t.Errorf("load record after the redelivery: %+v, want loaded on attempt 2", got)
	}
}
