package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/mirante/mirante/functions/ingest"
)

// sourceEntry is one item of GET /v1/sources.
type sourceEntry struct {
	ID, Status, Watermark, Checksum string
	LastError                       string `json:"last_error"`
	LastErrorCode                   string `json:"last_error_code"`
	Synthetic                       bool
	PastSLA                         bool    `json:"past_sla"`
	RowsLoaded                      *int64  `json:"rows_loaded"`
	LastUpdatedAt                   *string `json:"last_updated_at"`
}

func (b *bundle) source(t *testing.T, id string) sourceEntry {
	t.Helper()
	var list struct{ Data []sourceEntry }
	b.want(t, http.StatusOK, carla, "GET", "/v1/sources", nil).json(t, &list)
	for _, e := range list.Data {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("/v1/sources has no %s: %+v", id, list.Data)
	return sourceEntry{}
}

// lockedBuffer collects a handler's JSON log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) events() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(l.b.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// officialFile puts a file where the pipeline drops official files and
// hands it to an ingest handler, as the bucket's finalize event would.
func officialFile(t *testing.T, h *ingest.Function, source, name string, content []byte) string {
	t.Helper()
	object := "sources/" + source + "/" + name
	cloud.GCS.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "mirante-raw", Name: object}, Content: content})
	if err := h.HandleObject(context.Background(), "mirante-raw", object); err != nil {
		t.Fatalf("ingest of %s: %v", object, err)
	}
	return object
}

func sharedData(t *testing.T, rel string) []byte {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "data")); os.IsNotExist(err) {
		t.Skip("../shared/data is absent")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bcbMonthly reads BCB SGS 433 (IPCA, % a month) independently of the
// loader: month "YYYY-MM" to its variation.
func bcbMonthly(t *testing.T, raw []byte) (map[string]float64, string) {
	t.Helper()
	var rows []struct{ Data, Valor string }
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	last := ""
	for _, r := range rows {
		d := strings.Split(r.Data, "/") // dd/mm/yyyy
		v, err := strconv.ParseFloat(r.Valor, 64)
		if err != nil || len(d) != 3 {
			t.Fatalf("sample row %+v", r)
		}
		m := d[2] + "-" + d[1]
		out[m] = v
		if m > last {
			last = m
		}
	}
	return out, last
}

func TestOfficialIPCALoadsThroughTheLayersAndAnswersQueries(t *testing.T) {
	raw := sharedData(t, "ipca/bcb_sgs_433_ipca_variacao_mensal.json")
	b := setupStack(t)
	logs := &lockedBuffer{}
	h := newIngest(t, slog.New(slog.NewJSONHandler(logs, nil)))

	if e := b.source(t, "ipca"); e.Status != "empty" || e.LastUpdatedAt != nil || !e.PastSLA {
		t.Errorf("before any load: %+v", e)
	}
	officialFile(t, h, "ipca", "20260610-bcb_sgs_433.json", raw)

	monthly, last := bcbMonthly(t, raw)
	sum := sha256.Sum256(raw)
	e := b.source(t, "ipca")
	if e.Status != "ok" || e.Synthetic || e.PastSLA || e.Watermark != last || e.Checksum != hex.EncodeToString(sum[:]) ||
		e.RowsLoaded == nil || *e.RowsLoaded != int64(len(monthly)) || e.LastError != "" {
		t.Errorf("after the load: %+v (want watermark %s, %d rows, checksum %x)", e, last, len(monthly), sum)
	}

	// The mart answers with the file's own figures, and 12-month changes
	// compounded from them.
	var a queryAnswer
	b.want(t, http.StatusOK, carla, "POST", "/v1/orgs/banco-regional/query",
		`{"dataset":"ipca_monthly","measures":["mom_pct","yoy_pct"],"dimensions":["month"],"time":{"from":"2022-01","to":"2023-12"},"order":[{"field":"month","dir":"asc"}]}`).json(t, &a)
	if len(a.Data) != 24 || a.Meta.Watermark != last {
		t.Fatalf("answer: %d rows, watermark %q: %v", len(a.Data), a.Meta.Watermark, a.Data)
	}
	for _, row := range a.Data {
		month := fmt.Sprint(row["month"])[:7]
		if got := row["mom_pct"].(float64); math.Abs(got-monthly[month]) > 1e-9 {
			t.Errorf("%s mom_pct = %v, the file says %v", month, got, monthly[month])
		}
		y, _ := strconv.Atoi(month[:4])
		m, _ := strconv.Atoi(month[5:])
		acc := 1.0
		for i := 0; i < 12; i++ {
			acc *= 1 + monthly[fmt.Sprintf("%04d-%02d", y, m)]/100
			if m--; m == 0 {
				y, m = y-1, 12
			}
		}
		if got, want := row["yoy_pct"].(float64), (acc-1)*100; math.Abs(got-want) > 0.005 {
			t.Errorf("%s yoy_pct = %v, compounding the file gives %.4f", month, got, want)
		}
	}

	// The same file again changes nothing and is not a failure.
	officialFile(t, h, "ipca", "20260611-bcb_sgs_433.json", raw)
	if again := b.source(t, "ipca"); again.Status != "ok" || again.Watermark != last {
		t.Errorf("reloading the same file: %+v", again)
	}
	for _, ev := range logs.events() {
		if ev["level"] == "ERROR" {
			t.Errorf("error logged on a good file: %v", ev)
		}
	}
}

func TestABrokenOfficialFileIsQuarantinedAndChangesNothing(t *testing.T) {
	raw := sharedData(t, "ipca/bcb_sgs_433_ipca_variacao_mensal.json")
	b := setupStack(t)
	logs := &lockedBuffer{}
	h := newIngest(t, slog.New(slog.NewJSONHandler(logs, nil)))
	officialFile(t, h, "ipca", "good.json", raw)
	spec := `{"dataset":"ipca_monthly","measures":["mom_pct"],"dimensions":["month"],"time":{"from":"2025-01","to":"2026-05"},"order":[{"field":"month","dir":"asc"}]}`
	var before queryAnswer
	b.want(t, http.StatusOK, carla, "POST", "/v1/orgs/banco-regional/query", spec).json(t, &before)
	good := b.source(t, "ipca")

	// A revision of 2026 whose May value is not a number: the contract is
	// broken on one line, so none of the file may land, not even its good
	// months.
	broken := []byte(`[{"data":"01/01/2026","valor":"9.99"},` + "\n" + `{"data":"01/05/2026","valor":"n/d"}]`)
	object := officialFile(t, h, "ipca", "broken.json", broken)

	if _, err := cloud.GCS.GetObject("mirante-raw", object); err == nil {
		t.Errorf("%s is still in the raw area", object)
	}
	q, err := cloud.GCS.GetObject("mirante-raw", "quarantine/"+object)
	if err != nil || !bytes.Equal(q.Content, broken) {
		t.Errorf("quarantine/%s: %v", object, err)
	}
	// Users read why in their terms; the detail (line and column) is for
	// the operators, in the logs only.
	e := b.source(t, "ipca")
	if e.Status != "failed" || e.LastErrorCode != "file_refused" || !strings.Contains(e.LastError, "refused") ||
		strings.Contains(e.LastError, "line 2") || strings.Contains(e.LastError, "valor") || strings.Contains(e.LastError, "broken.json") {
		t.Errorf("catalog after the broken file: %+v (want the code and a sentence for users, no raw detail)", e)
	}
	if e.Watermark != good.Watermark || e.Checksum != good.Checksum {
		t.Errorf("the broken file moved the catalog: %+v, was %+v", e, good)
	}
	var after queryAnswer
	// Another limit makes another query: the answer comes from the mart, not
	// the cache.
	b.want(t, http.StatusOK, carla, "POST", "/v1/orgs/banco-regional/query", strings.Replace(spec, `"order"`, `"limit":500,"order"`, 1)).json(t, &after)
	if after.Meta.Cache != "miss" || fmt.Sprint(after.Data) != fmt.Sprint(before.Data) || len(after.Data) != 17 {
		t.Errorf("the mart changed:\nbefore %v\nafter  %v", before.Data, after.Data)
	}
	alerted := false
	for _, ev := range logs.events() {
		msg, _ := ev["error"].(string)
		if ev["event"] == "ingest_contract_broken" && ev["level"] == "ERROR" && ev["source"] == "ipca" &&
			strings.Contains(msg, "line 2") && strings.Contains(msg, "valor") {
			alerted = true
		}
	}
	if !alerted {
		t.Errorf("no ingest_contract_broken error event naming the line and the column was logged: %v", logs.events())
	}

	// A good file afterwards clears the failure.
	officialFile(t, h, "ipca", "good-again.json", raw)
	if e := b.source(t, "ipca"); e.Status != "ok" || e.LastError != "" || e.LastErrorCode != "" {
		t.Errorf("after a good file: %+v", e)
	}
}

func TestSourcesNeedASignedInUser(t *testing.T) {
	b := setupStack(t)
	b.want(t, http.StatusUnauthorized, "", "GET", "/v1/sources", nil)
	// A Firebase account of nobody's org (public sign-up) is refused.
	stranger := uniqueEmail("estranho", "example.com")
	b.tokens[stranger] = signUp(t, stranger, "no-org-member-1")
	r := b.want(t, http.StatusForbidden, stranger, "GET", "/v1/sources", nil)
	assertProblem(t, r)
	if reason(t, r) != "no_membership" {
		t.Errorf("a stranger is told %s", r.body)
	}
	var list struct{ Data []sourceEntry }
	b.want(t, http.StatusOK, ana, "GET", "/v1/sources", nil).json(t, &list)
	if len(list.Data) != 7 {
		t.Errorf("%d sources, want the 7 of the catalog", len(list.Data))
	}
}
