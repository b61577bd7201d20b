// Package stacktest drives `scripts/dev up` and `down` from outside, as a new
// user would, on ports and folders of its own so that it runs beside a
// developer's stack. `make test` runs it (MIRANTE_STACK_TEST=1).
package stacktest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/scripts/leaktest/leak"
	"github.com/mirante/mirante/shared/demotenants"
	"github.com/mirante/mirante/shared/firebase/firebasetest"
	"github.com/mirante/mirante/shared/telemetry/telemetrytest"
)

// Ports of the stack under test: away from API.md's, so a running `make dev`
// and this test do not meet.
const (
	apiPort     = "18080"
	authPort    = "19099"
	hubPort     = "14400"
	loggingPort = "14500"
	gcsPort     = "18443"
	spaPort     = "18173"
)

func requireStack(t *testing.T) {
	t.Helper()
	if os.Getenv("MIRANTE_STACK_TEST") != "1" {
		t.Skip("drives scripts/dev up; run it through `make test` (MIRANTE_STACK_TEST=1)")
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

type result struct {
	code           int
	stdout, stderr string
}

// dev runs scripts/dev with the test stack's environment plus extra.
func dev(t *testing.T, dataDir string, extra map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(repoRoot(t), "scripts", "dev"), args...)
	env := map[string]string{
		"DATA_DIR":              dataDir,
		"API_PORT":              apiPort,
		"AUTH_EMULATOR_PORT":    authPort,
		"EMULATOR_HUB_PORT":     hubPort,
		"EMULATOR_LOGGING_PORT": loggingPort,
		"LOCAL_GCS_PORT":        gcsPort,
		"SPA_PORT":              spaPort,
		"MIRANTE_DB_NAME":       "mirante_stacktest",
		"DATABASE_URL":          os.Getenv("TEST_DATABASE_URL"),
		"REDIS_URL":             os.Getenv("TEST_REDIS_URL"),
		"FIREBASE_BIN":          "",
	}
	for k, v := range extra {
		env[k] = v
	}
	// Empty values are left out, so that the script applies its defaults.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); env[k] == "" {
			if _, ours := env[k]; !ours {
				cmd.Env = append(cmd.Env, kv)
			}
		}
	}
	for k, v := range env {
		if v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running scripts/dev %v: %v", args, err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func portOpen(port string) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// assertNothingRuns checks that no process the script records is alive and
// that the stack's ports are closed.
func assertNothingRuns(t *testing.T, dataDir string, except ...string) {
	t.Helper()
	pids, _ := filepath.Glob(filepath.Join(dataDir, "run", "*.pid"))
	for _, f := range pids {
		b, _ := os.ReadFile(f)
		pid := strings.TrimSpace(string(b))
		if pid != "" && exec.Command("kill", "-0", pid).Run() == nil {
			t.Errorf("%s: process %s still runs", filepath.Base(f), pid)
		}
	}
	for _, p := range []string{apiPort, authPort, hubPort, loggingPort, gcsPort, spaPort} {
		if contains(except, p) {
			continue
		}
		if portOpen(p) {
			t.Errorf("port %s is still open", p)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func TestUpRefusesBadInputWithOneLine(t *testing.T) {
	requireStack(t)
	cases := []struct {
		name  string
		extra map[string]string
		want  string
		setup func(t *testing.T) (except string)
	}{
		{name: "malformed DATABASE_URL", extra: map[string]string{"DATABASE_URL": "mysql:/nonsense"}, want: "DATABASE_URL"},
		{name: "DATABASE_URL nobody answers", extra: map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/db"}, want: "DATABASE_URL"},
		{name: "missing emulator", extra: map[string]string{"FIREBASE_BIN": "/nonexistent/firebase"}, want: "emulator"},
		{name: "port taken", want: "port " + apiPort, setup: func(t *testing.T) string {
			l, err := net.Listen("tcp", "127.0.0.1:"+apiPort)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			return apiPort
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			except := ""
			if tc.setup != nil {
				except = tc.setup(t)
			}
			dir := t.TempDir()
			r := dev(t, dir, tc.extra, "up")
			if r.code == 0 {
				t.Fatalf("up succeeded; stdout:\n%s", r.stdout)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("stderr = %q, want one line naming %q", r.stderr, tc.want)
			}
			assertNothingRuns(t, dir, except)
			if _, err := os.Stat(filepath.Join(dir, "stack.env")); err == nil {
				t.Error("a failed up wrote stack.env")
			}
		})
	}
}

func TestUpServesTheContractAndDownStopsIt(t *testing.T) {
	requireStack(t)
	dir := t.TempDir()
	r := dev(t, dir, nil, "up")
	t.Cleanup(func() { dev(t, dir, nil, "down") })
	if r.code != 0 {
		logs, _ := filepath.Glob(filepath.Join(dir, "logs", "*.log"))
		t.Fatalf("up failed (%d): %s\nlogs: %v", r.code, r.stderr, logs)
	}
	for _, want := range []string{"http://127.0.0.1:" + apiPort, "ana@porto-sul.demo", "mirante-demo"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("up's output lacks %q:\n%s", want, r.stdout)
		}
	}
	env := readEnv(t, filepath.Join(dir, "stack.env"))
	for _, k := range []string{"DATABASE_URL", "APP_DATABASE_URL", "REDIS_URL", "API_URL", "FIREBASE_AUTH_EMULATOR_HOST"} {
		if env[k] == "" {
			t.Errorf("stack.env lacks %s", k)
		}
	}
	if !strings.HasSuffix(strings.SplitN(env["APP_DATABASE_URL"], "?", 2)[0], "/mirante_stacktest") {
		t.Errorf("APP_DATABASE_URL does not name the stack's database: %s", env["APP_DATABASE_URL"])
	}

	// The SPA is served, and its /v1 reaches the API.
	for path, want := range map[string]string{"/": "<div id=\"root\"", "/v1/openapi.json": "\"openapi\""} {
		resp, err := http.Get("http://127.0.0.1:" + spaPort + path)
		if err != nil {
			t.Fatalf("SPA %s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("SPA %s: %d, lacks %q", path, resp.StatusCode, want)
		}
	}

	resp, err := http.Get(env["API_URL"] + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	// The local runner renders reports in process: /healthz says whether it can.
	var health struct{ Status, Renderer string }
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil || health.Status != "ok" || !regexp.MustCompile(`^(ready|missing: .+)$`).MatchString(health.Renderer) {
		t.Errorf("healthz: %+v %v, want status ok and a renderer detail", health, err)
	}
	resp.Body.Close()

	for _, u := range demotenants.Users {
		tok := firebasetest.SignInAt(t, env["FIREBASE_AUTH_EMULATOR_HOST"], u.Email, demotenants.Password)
		req, _ := http.NewRequest(http.MethodGet, env["API_URL"]+"/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var me struct {
			Orgs []struct{ Slug, Role string }
		}
		_ = json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		got, want := map[string]string{}, map[string]string{}
		for _, o := range me.Orgs {
			got[o.Slug] = o.Role
		}
		for s, r := range u.Roles {
			want[s] = string(r)
		}
		if resp.StatusCode != http.StatusOK || cmp.Diff(want, got) != "" {
			t.Errorf("%s: /v1/me %d, orgs (-want +got):\n%s", u.Email, resp.StatusCode, cmp.Diff(want, got))
		}
	}

	// The demo warehouse answers queries, and reports render and download.
	ana := firebasetest.SignInAt(t, env["FIREBASE_AUTH_EMULATOR_HOST"], "ana@porto-sul.demo", demotenants.Password)
	call := func(method, path, body string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, env["API_URL"]+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+ana)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := call("POST", "/v1/orgs/porto-sul/query", `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"filters":[{"field":"flow","op":"eq","value":"export"}],"dimensions":["uf"],"order":[{"field":"vl_fob_usd","dir":"desc"}],"limit":5}`)
	var answer struct{ Data []map[string]any }
	_ = json.Unmarshal(body, &answer)
	if resp.StatusCode != http.StatusOK || len(answer.Data) != 5 || resp.Header.Get("X-Data-Watermark") == "" {
		t.Fatalf("query on the demo warehouse: %d %s", resp.StatusCode, body)
	}
	resp, body = call("POST", "/v1/orgs/porto-sul/reports", `{"format":"pdf","query":{"dataset":"caged_monthly","measures":["net"],"dimensions":["uf"]}}`)
	var rep struct {
		ID, Status  string
		DownloadURL *string `json:"download_url"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("ordering a report: %d %s", resp.StatusCode, body)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for rep.Status != "succeeded" && rep.Status != "failed" && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond) // a client polling the report
		_, body = call("GET", "/v1/orgs/porto-sul/reports/"+rep.ID, "")
		_ = json.Unmarshal(body, &rep)
	}
	if rep.Status != "succeeded" || rep.DownloadURL == nil {
		t.Fatalf("the report ended %s: %s", rep.Status, body)
	}
	dl, err := http.Get(*rep.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("downloading the report: %d, %d bytes", dl.StatusCode, len(pdf))
	}

	// make ingest loads an official file through the running stack; a broken
	// one is refused with its line and column and changes nothing.
	if shared := filepath.Join(repoRoot(t), "..", "shared", "data", "ipca", "bcb_sgs_433_ipca_variacao_mensal.json"); fileExists(shared) {
		r := dev(t, dir, nil, "ingest", "ipca", shared)
		if r.code != 0 || !strings.Contains(r.stdout, "loaded ipca") || !strings.Contains(r.stdout, "2026-05") {
			t.Fatalf("make ingest of the IPCA sample: %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		ipcaSpec := `{"dataset":"ipca_monthly","measures":["mom_pct"],"dimensions":["month"],"time":{"from":"2026-01","to":"2026-05"},"order":[{"field":"month","dir":"asc"}]}`
		resp, before := call("POST", "/v1/orgs/porto-sul/query", ipcaSpec)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(before), `"mom_pct":0.88`) {
			t.Errorf("IPCA after make ingest: %d %s", resp.StatusCode, before)
		}
		_, body := call("GET", "/v1/sources", "")
		if !strings.Contains(string(body), `"id":"ipca"`) || !regexp.MustCompile(`"id":"ipca"[^}]*"status":"ok","synthetic":false`).Match(body) {
			t.Errorf("/v1/sources after make ingest: %s", body)
		}
		broken := filepath.Join(t.TempDir(), "ipca.json")
		if err := os.WriteFile(broken, []byte(`[{"data":"01/03/2026","valor":"abc"}]`), 0o644); err != nil {
			t.Fatal(err)
		}
		r = dev(t, dir, nil, "ingest", "ipca", broken)
		if r.code == 0 || !strings.Contains(r.stderr, `column "valor"`) || !strings.Contains(r.stderr, "quarantine/") {
			t.Errorf("make ingest of a broken file: %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		ipcaSpec = strings.Replace(ipcaSpec, `"order"`, `"limit":100,"order"`, 1) // not from the cache
		if _, after := call("POST", "/v1/orgs/porto-sul/query", ipcaSpec); !bytes.Equal(dataOf(after), dataOf(before)) {
			t.Errorf("the broken file changed the mart:\n%s\n%s", before, after)
		}
	}

	// make ingest of the Comex NCM sample replaces the demo's export months
	// it covers: the API's FOB by month equals the file's own sums, added
	// up here with encoding/csv.
	if sample := filepath.Join(repoRoot(t), "..", "shared", "data", "comexstat", "ncm_registros_amostra", "EXP_2025_amostra60_transcrita.csv"); fileExists(sample) {
		want := comexFOBByMonth(t, sample)
		r := dev(t, dir, nil, "ingest", "comex", sample)
		if r.code != 0 || !strings.Contains(r.stdout, "loaded comex") {
			t.Fatalf("make ingest of the Comex sample: %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		spec := `{"dataset":"comex_monthly","measures":["vl_fob_usd"],"dimensions":["month"],"filters":[{"field":"flow","op":"eq","value":"export"}],
			"time":{"from":"2025-01","to":"2025-12"},"order":[{"field":"month","dir":"asc"}]}`
		resp, body := call("POST", "/v1/orgs/porto-sul/query", spec)
		var rows []struct {
			Month string  `json:"month"`
			FOB   float64 `json:"vl_fob_usd"`
		}
		if err := json.Unmarshal(dataOf(body), &rows); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("Comex FOB by month after make ingest: %d %v %s", resp.StatusCode, err, body)
		}
		got := map[string]float64{}
		for _, row := range rows {
			if _, ok := want[row.Month]; ok {
				got[row.Month] = row.FOB
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the API's export FOB by month for the sample's months:\n%v\nthe file's sums:\n%v", got, want)
		}
	}

	// The marts reconciled with the publishers' own files, the
	// territorial table loaded first (reconcile_test.go).
	reconcileTerritoryFirst(t, dir, call)

	// The leak suite, as make leaktest runs it, finds nothing.
	var leakLog strings.Builder
	res, err := leak.Run(context.Background(), leak.Config{BaseURL: env["API_URL"], AuthEmulator: env["FIREBASE_AUTH_EMULATOR_HOST"],
		Uploads: true, Log: &leakLog, Tenants: []leak.Tenant{
			{Org: "porto-sul", Email: "ana@porto-sul.demo", Password: demotenants.Password},
			{Org: "agro-nordeste", Email: "bruno@agro-nordeste.demo", Password: demotenants.Password},
			{Org: "banco-regional", Email: "oscar@banco-regional.demo", Password: demotenants.Password},
		}})
	if err != nil || len(res.Leaks) > 0 || res.Probes < 300 {
		t.Errorf("leak suite: %d probes, %d leaks, %v\n%s", res.Probes, len(res.Leaks), err, leakLog.String())
	}
	t.Logf("leak suite: %d probes, %d leaks", res.Probes, len(res.Leaks))

	// From outside, as psql would: the app role sees nothing without a tenant.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, env["APP_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	var members, orgs int
	if err := conn.QueryRow(ctx, `select (select count(*) from memberships), (select count(*) from orgs)`).Scan(&members, &orgs); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if members != 0 || orgs != 0 {
		t.Errorf("the app role with no tenant sees %d memberships and %d orgs, want 0", members, orgs)
	}

	assertJSONLogs(t, filepath.Join(dir, "logs", "api.log"))

	// The developer's view of what just happened: the local runner's
	// /debug/metrics in Prometheus text.
	if resp, err := http.Get(env["API_URL"] + "/debug/metrics"); err != nil {
		t.Errorf("/debug/metrics: %v", err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`http_server_request_duration_seconds_bucket{http_request_method="POST",http_response_status_code="200",http_route="/v1/orgs/{org}/query",le="`,
			`mirante_query_cache_lookups_total{org_id="`} {
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
				t.Errorf("/debug/metrics: %d, lacks %s:\n%.2000s", resp.StatusCode, want, body)
			}
		}
	}

	// up again: idempotent, answers at once.
	if r := dev(t, dir, nil, "up"); r.code != 0 {
		t.Fatalf("second up: %d %s", r.code, r.stderr)
	}
	if r := dev(t, dir, nil, "down"); r.code != 0 {
		t.Fatalf("down: %d %s", r.code, r.stderr)
	}
	assertNothingRuns(t, dir)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// comexFOBByMonth sums VL_FOB by "YYYY-MM" in a Comex Stat NCM file (';',
// a header row), with encoding/csv rather than the loader's parser.
func comexFOBByMonth(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]float64{}
	for _, rec := range recs[1:] {
		fob, err := strconv.ParseFloat(rec[col["VL_FOB"]], 64)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[rec[col["CO_ANO"]]+"-"+rec[col["CO_MES"]]] += fob
	}
	return out
}

// dataOf is the data member of a query answer, as raw JSON.
func dataOf(body []byte) []byte {
	var a struct{ Data json.RawMessage }
	_ = json.Unmarshal(body, &a)
	return a.Data
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		env[k] = strings.Trim(v, `'"`)
	}
	return env
}

func assertJSONLogs(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the functions framework prints a banner line
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %s", line)
			continue
		}
		if rec["severity"] == nil || rec["message"] == nil {
			t.Errorf("log line lacks severity or message: %s", line)
		}
		if leak := telemetrytest.Leak([]byte(line)); leak != "" {
			t.Errorf("log line holds %q (a token or an e-mail): %s", leak, line)
		}
		n++
	}
	if n == 0 {
		t.Errorf("no JSON log lines in %s", path)
	}
	for _, u := range demotenants.Users {
		if bytes.Contains(b, []byte(u.Email)) {
			t.Errorf("the API log holds the e-mail %s", u.Email)
		}
	}
}
