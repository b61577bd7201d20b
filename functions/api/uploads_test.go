package api

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/jackc/pgx/v5"
)

const portoCSV = "month;municipio;metric;value\n2025-01;2611606;navios_atendidos;1234,5\n2025-02;2611606;navios_atendidos;1500\n"

func metricsOf(t *testing.T, b *bundle, who, org string) map[string]float64 {
	t.Helper()
	var a queryAnswer
	b.want(t, http.StatusOK, who, "POST", "/v1/orgs/"+org+"/query", `{"dataset":"tenant_metrics","measures":["value"],"dimensions":["metric"],"time":{"from":"2024-01","to":"2025-12"}}`).json(t, &a)
	out := map[string]float64{}
	for _, r := range a.Data {
		out[r["metric"].(string)] = r["value"].(float64)
	}
	return out
}

func TestUploadsLandInTheirOrgOnly(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	var up struct {
		ID, Status, SHA256 string
		Rows               int
		Metrics            []string
	}
	r := b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/uploads?name=terminal.csv", portoCSV, "Content-Type", "text/csv")
	r.json(t, &up)
	if up.Rows != 2 || len(up.Metrics) != 1 {
		t.Fatalf("upload = %+v", up)
	}
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/uploads/"+up.ID, nil).json(t, &up)
	if up.Status != "loaded" {
		t.Fatalf("status %q", up.Status)
	}
	got := metricsOf(t, b, ana, "porto-sul")
	if got["navios_atendidos"] != 1234.5+1500 {
		t.Fatalf("porto-sul's metrics after the upload: %v", got)
	}
	// The same file again: the same upload, nothing doubled.
	var again struct{ ID string }
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/uploads", portoCSV, "Content-Type", "text/csv").json(t, &again)
	if again.ID != up.ID {
		t.Fatalf("the same file made a second upload")
	}
	if got := metricsOf(t, b, ana, "porto-sul"); got["navios_atendidos"] != 1234.5+1500 {
		t.Fatalf("after re-uploading: %v", got)
	}
	// dora uploads the same file to agro-nordeste, where she is admin: it is
	// agro-nordeste's data, and porto-sul's does not move.
	b.want(t, http.StatusAccepted, dora, "POST", "/v1/orgs/agro-nordeste/uploads", portoCSV, "Content-Type", "text/csv")
	if got := metricsOf(t, b, bruno, "agro-nordeste"); got["navios_atendidos"] != 1234.5+1500 {
		t.Fatalf("agro-nordeste after dora's upload: %v", got)
	}
	if got := metricsOf(t, b, ana, "porto-sul"); got["navios_atendidos"] != 1234.5+1500 {
		t.Fatalf("porto-sul after agro-nordeste's upload: %v", got)
	}
	// banco-regional keeps its data in its own dataset.
	b.want(t, http.StatusAccepted, "oscar@banco-regional.demo", "POST", "/v1/orgs/banco-regional/uploads", "month,uf,metric,value\n2025-03,BA,credito_rural_brl,99\n", "Content-Type", "text/csv")
	bancoMetrics := metricsOf(t, b, carla, "banco-regional")
	if bancoMetrics["credito_rural_brl"] != 99 || bancoMetrics["navios_atendidos"] != 0 {
		t.Fatalf("banco-regional's metrics: %v", bancoMetrics)
	}
	// Raw files live under each org's prefix.
	listed, err := cloud.GCS.ListObjectsWithOptionsPaginated("mirante-raw", fakestorage.ListOptions{})
	objs := listed.Objects
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	for _, org := range []string{"porto-sul", "agro-nordeste", "banco-regional"} {
		prefix := "orgs/" + b.orgs[org].ID + "/uploads/"
		n := 0
		for _, name := range names {
			if strings.HasPrefix(name, prefix) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s has %d raw files under %s (all: %v)", org, n, prefix, names)
		}
	}
	// Lists and ids stay in their org.
	var list struct{ Data []struct{ ID string } }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/uploads", nil).json(t, &list)
	if len(list.Data) != 1 || list.Data[0].ID != up.ID {
		t.Fatalf("porto-sul's uploads: %v", list.Data)
	}
	b.want(t, http.StatusNotFound, dora, "GET", "/v1/orgs/agro-nordeste/uploads/"+up.ID, nil)
	b.want(t, http.StatusNotFound, bruno, "GET", "/v1/orgs/porto-sul/uploads/"+up.ID, nil)
	_ = context.Background()
}

func TestUploadsRefuseBadFilesAndNonAdmins(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	b.want(t, http.StatusForbidden, bruno, "POST", "/v1/orgs/agro-nordeste/uploads", portoCSV, "Content-Type", "text/csv")
	b.want(t, http.StatusForbidden, dora, "POST", "/v1/orgs/porto-sul/uploads", portoCSV, "Content-Type", "text/csv")
	r := b.want(t, http.StatusBadRequest, ana, "POST", "/v1/orgs/porto-sul/uploads", "month;municipio;metric;value\n2025-13;2611606;teu;1\n2025-01;26116;teu;x\n", "Content-Type", "text/csv")
	var p struct{ Errors []struct{ Field string } }
	r.json(t, &p)
	if len(p.Errors) != 3 || p.Errors[0].Field != "line 2: month" || p.Errors[1].Field != "line 3: municipio" || p.Errors[2].Field != "line 3: value" {
		t.Fatalf("errors = %+v", p.Errors)
	}
	b.want(t, http.StatusUnsupportedMediaType, ana, "POST", "/v1/orgs/porto-sul/uploads", portoCSV, "Content-Type", "application/json")
	big := "month;uf;metric;value\n" + strings.Repeat("2025-01;SP;teu;1\n", 700_000)
	b.want(t, http.StatusRequestEntityTooLarge, ana, "POST", "/v1/orgs/porto-sul/uploads", big, "Content-Type", "text/csv")
	var list struct{ Data []any }
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/uploads", nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("refused files were recorded: %v", list.Data)
	}
	stored, _ := cloud.GCS.ListObjectsWithOptionsPaginated("mirante-raw", fakestorage.ListOptions{Prefix: "orgs/" + b.orgs["porto-sul"].ID})
	if len(stored.Objects) != 0 {
		t.Fatalf("refused files were stored: %d", len(stored.Objects))
	}
}

// An org uploads at most its plan's uploads_per_day new files a day (free:
// 5): the next is refused with 429 problem+json, stored nowhere and
// recorded nowhere; a file the org already holds is still answered, and
// another org's quota is its own.
func TestUploadsPerDayQuota(t *testing.T) {
	var w martWant
	b := setupStackWith(t, martFixture(&w))
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `update orgs set plan = 'free' where id = $1`, b.orgs["porto-sul"].ID)
		return err
	})
	file := func(i int) string {
		return fmt.Sprintf("month;municipio;metric;value\n2025-01;2611606;navios_atendidos;%d\n", i+1)
	}
	for i := range 5 {
		b.want(t, http.StatusAccepted, ana, "POST", "/v1/orgs/porto-sul/uploads", file(i), "Content-Type", "text/csv")
	}
	r := b.want(t, http.StatusTooManyRequests, ana, "POST", "/v1/orgs/porto-sul/uploads", file(5), "Content-Type", "text/csv")
	var p struct {
		Type, Detail string
		Limit        int
	}
	r.json(t, &p)
	if p.Type != "urn:mirante:problem:rate-limited" || p.Limit != 5 || !strings.Contains(p.Detail, "5 uploads a day") || r.header.Get("Retry-After") == "" {
		t.Errorf("the refusal: %s %v", r.body, r.header)
	}
	// The same file again is the upload the org has: answered, not charged.
	b.want(t, http.StatusOK, ana, "POST", "/v1/orgs/porto-sul/uploads", file(0), "Content-Type", "text/csv")
	var uploads, charged int
	b.asOwner(t, "porto-sul", func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `select (select count(*) from uploads), (select uploads from usage where org_id = $1)`, b.orgs["porto-sul"].ID).Scan(&uploads, &charged)
	})
	if uploads != 5 || charged != 5 {
		t.Errorf("%d uploads recorded, %d charged; want 5 and 5", uploads, charged)
	}
	stored, _ := cloud.GCS.ListObjectsWithOptionsPaginated("mirante-raw", fakestorage.ListOptions{Prefix: "orgs/" + b.orgs["porto-sul"].ID + "/uploads/"})
	if len(stored.Objects) != 5 {
		t.Errorf("%d raw files stored for 5 accepted uploads", len(stored.Objects))
	}
	var usage struct {
		Uploads struct{ Used, Limit int }
	}
	b.want(t, http.StatusOK, ana, "GET", "/v1/orgs/porto-sul/usage", nil).json(t, &usage)
	if usage.Uploads.Used != 5 || usage.Uploads.Limit != 5 {
		t.Errorf("usage: %+v", usage.Uploads)
	}
	b.want(t, http.StatusAccepted, dora, "POST", "/v1/orgs/agro-nordeste/uploads", file(5), "Content-Type", "text/csv")
}
