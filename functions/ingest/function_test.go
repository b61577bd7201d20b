package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/functions/ingest"
	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/pgtest"
)

type stack struct {
	bq   *bqfake.Server
	gcs  *fakestorage.Server
	db   *pgtest.DB
	h    *ingest.Function
	logs *logBuffer
}

// newStack opens the ingest handler on BigQuery's fake, the in-process
// Cloud Storage and a fresh PostgreSQL database.
func newStack(t *testing.T, tweak func(*bqfake.Server)) *stack {
	t.Helper()
	s := &stack{bq: bqfake.New(t), db: pgtest.New(t), logs: &logBuffer{}}
	if tweak != nil {
		tweak(s.bq)
	}
	port := freePort(t)
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", Port: port,
		PublicHost: fmt.Sprintf("127.0.0.1:%d", port), InitialObjects: []fakestorage.Object{
			{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-raw", Name: "README"}, Content: []byte("raw files")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gcs.Stop)
	s.gcs = gcs
	t.Setenv("STORAGE_EMULATOR_HOST", fmt.Sprintf("127.0.0.1:%d", port))
	t.Setenv("WAREHOUSE_ENGINE", "bigquery")
	t.Setenv("BIGQUERY_PROJECT", bqfake.Project)
	t.Setenv("BIGQUERY_ENDPOINT", s.bq.URL)
	t.Setenv("APP_DATABASE_URL", s.db.AppURL)
	cfg, err := ingest.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	h, err := ingest.New(context.Background(), cfg, ingest.Deps{Engines: bigquery.Engines,
		Log: slog.New(slog.NewJSONHandler(io.MultiWriter(testWriter{t}, s.logs), nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	s.h = h
	return s
}

// freePort asks the kernel for a port nobody listens on (fake-gcs-server
// must know its public host before it starts).
func freePort(t *testing.T) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port) // #nosec G115 -- a TCP port fits 16 bits
}

func comexSample(t *testing.T) []byte {
	t.Helper()
	data := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("the shared data folder %s is absent", data)
	}
	b, err := os.ReadFile(filepath.Join(data, "comexstat", "ncm_registros_amostra", "EXP_2025_amostra60_transcrita.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *stack) drop(t *testing.T, object string, content []byte) error {
	t.Helper()
	s.gcs.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-raw", Name: object}, Content: content})
	return s.h.HandleObject(context.Background(), "mirante-raw", object)
}

type catalogRow struct {
	status, watermark, checksum string
	rows, landed                int64
}

func (s *stack) catalog(t *testing.T, id string) catalogRow {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var r catalogRow
	err = conn.QueryRow(context.Background(), `select status, coalesce(watermark, ''), coalesce(checksum, ''), coalesce(rows_loaded, -1),
		  coalesce(rows_landed, -1)
		from source_catalog where id = $1`, id).Scan(&r.status, &r.watermark, &r.checksum, &r.rows, &r.landed)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// comexWatermark has BigQuery answer the Comex mart's watermark read with
// the sample's last month, and the ingest log's count of published rows
// (which the load's script wrote) with comexPublished.
func comexWatermark(f *bqfake.Server) {
	f.Answer = func(sql string, _ []any) bqfake.Answer {
		if strings.Contains(sql, "FROM marts.comex_monthly") {
			return bqfake.Answer{Schema: []bqfake.Field{{Name: "w", Type: "STRING"}}, Rows: [][]any{{"2025-10"}}}
		}
		if strings.HasPrefix(sql, "SELECT rows_published FROM landing.ingest_files") {
			return bqfake.Answer{Schema: []bqfake.Field{{Name: "rows_published", Type: "INTEGER"}}, Rows: [][]any{{comexPublished}}}
		}
		return bqfake.Answer{}
	}
}

// comexPublished is what the fake BigQuery says the Comex sample's load
// published: unlike the 60 rows it landed, so that a test tells the
// catalog's published count from its landed one.
const comexPublished = 59

// An official file dropped in the raw bucket is loaded into BigQuery (one
// load job, one transaction script) and its source recorded loaded with
// BigQuery's watermark.
func TestOfficialFileLoadsIntoBigQuery(t *testing.T) {
	raw := comexSample(t)
	s := newStack(t, comexWatermark)
	if err := s.drop(t, "sources/comex/EXP_2025.csv", raw); err != nil {
		t.Fatal(err)
	}
	if n, m := len(s.bq.Loads()), len(s.bq.Jobs()); n != 1 || m != 2 {
		t.Fatalf("%d load jobs and %d scripts, want 1 and 2", n, m)
	}
	if strings.Count(string(s.bq.Loads()[0].Media), "\n") != 60 {
		t.Errorf("the load job did not carry the file's 60 rows")
	}
	sum := sha256.Sum256(raw)
	got := s.catalog(t, "comex")
	if got.status != "ok" || got.watermark != "2025-10" || got.checksum != hex.EncodeToString(sum[:]) || got.rows != comexPublished || got.landed != 60 {
		t.Errorf("source catalog after the load: %+v", got)
	}
}

// A script BigQuery refuses is an error (Eventarc retries) and no load is
// recorded.
func TestFailedScriptRecordsNoLoad(t *testing.T) {
	raw := comexSample(t)
	s := newStack(t, func(f *bqfake.Server) {
		f.Fail = func(sql string) string {
			if strings.HasPrefix(sql, "BEGIN TRANSACTION;") {
				return "Transaction is aborted due to concurrent update"
			}
			return ""
		}
	})
	before := s.catalog(t, "comex")
	err := s.drop(t, "sources/comex/EXP_2025.csv", raw)
	if err == nil || !strings.Contains(err.Error(), "concurrent update") {
		t.Fatalf("got %v, want the script's failure", err)
	}
	if after := s.catalog(t, "comex"); after != before {
		t.Errorf("source catalog changed by a failed load: %+v, was %+v", after, before)
	}
}

// A file that breaks its contract is quarantined and sends BigQuery no job.
func TestBrokenFileSendsNoJob(t *testing.T) {
	s := newStack(t, nil)
	bad := "CO_ANO;CO_MES;CO_NCM;CO_UNID;CO_PAIS;SG_UF_NCM;CO_VIA;CO_URF;QT_ESTAT;KG_LIQUIDO;VL_FOB\n2025;13;01012100;10;249;SP;01;0817800;1;100;1000\n"
	if err := s.drop(t, "sources/comex/EXP_2025.csv", []byte(bad)); err != nil {
		t.Fatal(err)
	}
	if n, m := len(s.bq.Loads()), len(s.bq.Jobs()); n != 0 || m != 0 {
		t.Errorf("a broken file sent %d load jobs and %d scripts", n, m)
	}
	if got := s.catalog(t, "comex"); got.status != "failed" {
		t.Errorf("source catalog after a broken file: %+v", got)
	}
	if _, err := s.gcs.GetObject("mirante-raw", "quarantine/sources/comex/EXP_2025.csv"); err != nil {
		t.Errorf("the broken file is not in quarantine: %v", err)
	}
}

// testWriter sends the handler's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
