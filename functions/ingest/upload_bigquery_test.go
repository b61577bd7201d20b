package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/bigquery/bqfake"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
)

const uploadCSV = "month;municipio;metric;value\n2024-01;3550308;teu;1\n2024-02;3550308;teu;2\n2024-02;3550308;espera;5\n"

// answerTenantWatermark answers the tenant mart's watermark read.
func answerTenantWatermark(f *bqfake.Server) {
	f.Answer = func(sql string, _ []any) bqfake.Answer {
		if strings.Contains(sql, "tenant_metrics") && strings.Contains(sql, "FORMAT_DATE") {
			return bqfake.Answer{Schema: []bqfake.Field{{Name: "watermark", Type: "STRING"}, {Name: "n", Type: "INTEGER"}}, Rows: [][]any{{"2024-02", "3"}}}
		}
		return bqfake.Answer{}
	}
}

// owner runs fn as the database owner in a transaction set to org (RLS is
// forced on the owner too).
func (s *stack) owner(t *testing.T, org string, fn func(pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true), set_config('app.firebase_uid', 'uid-upload-admin', true)`, org); err != nil {
		t.Fatal(err)
	}
	fn(tx)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// receive makes an org (with dataset, in dataset mode) and an admin of
// it, and sends the file through the API's intake: the raw object is
// stored under the org's prefix and the upload recorded, as the API does.
func (s *stack) receive(t *testing.T, dataset string, data []byte) (org string, u *uploads.Upload) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `select gen_random_uuid()::text`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	var user string
	s.owner(t, org, func(tx pgx.Tx) {
		isolation, ds := "row", any(nil)
		if dataset != "" {
			isolation, ds = "dataset", dataset
		}
		if _, err := tx.Exec(ctx, `insert into orgs (id, slug, name, isolation, warehouse_dataset) values ($1, 'upload-org', 'Upload Org', $2, $3)`, org, isolation, ds); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRow(ctx, `insert into users (firebase_uid, email) values ('uid-upload-admin', 'admin@example.com') returning id::text`).Scan(&user); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `insert into memberships (org_id, user_id, role) values ($1, $2, 'admin')`, org, user); err != nil {
			t.Fatal(err)
		}
	})
	db, err := postgres.New(ctx, postgres.Config{URL: s.db.AppURL, MaxConns: 2, ConnectTimeout: 5 * time.Second, StatementTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in := uploads.Intake{
		Put: func(_ context.Context, bucket, name string, r io.Reader, _ string) error {
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			s.gcs.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: bucket, Name: name}, Content: b})
			return nil
		},
		Bucket:  "mirante-raw",
		Uploads: postgres.NewUploadService(db),
	}
	actx := tenant.WithUser(tenant.With(ctx, tenant.Tenant{Org: tenant.Org{ID: org}, Role: tenant.Admin}), tenant.User{ID: user})
	u, created, err := in.Receive(actx, "metrics.csv", data)
	if err != nil || !created {
		t.Fatalf("receiving the upload: created %v, %v", created, err)
	}
	return org, u
}

type uploadRow struct {
	status, err, watermark string
	rows                   int64
}

// upload reads the upload's record and the org's tenant_data.
func (s *stack) upload(t *testing.T, org, id string) uploadRow {
	t.Helper()
	var r uploadRow
	s.owner(t, org, func(tx pgx.Tx) {
		ctx := context.Background()
		if err := tx.QueryRow(ctx, `select status, coalesce(error, '') from uploads where id = $1`, id).Scan(&r.status, &r.err); err != nil {
			t.Fatal(err)
		}
		err := tx.QueryRow(ctx, `select coalesce(watermark, ''), row_count from tenant_data where dataset = 'tenant_metrics'`).Scan(&r.watermark, &r.rows)
		if err != nil && err != pgx.ErrNoRows {
			t.Fatal(err)
		}
	})
	return r
}

// An upload object with its record loads through BigQuery, into the
// shared mart under the org's key (row mode) or into the org's own
// dataset, and the upload ends loaded with BigQuery's watermark.
func TestUploadLoadsIntoBigQuery(t *testing.T) {
	cases := []struct {
		name, dataset, table, landing string
	}{
		{"row mode", "", "marts.tenant_metrics", "landing"},
		{"dataset mode", "tenant_acme", "tenant_acme.tenant_metrics", "tenant_acme"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t, answerTenantWatermark)
			org, u := s.receive(t, tc.dataset, []byte(uploadCSV))
			if u.ObjectName != "orgs/"+org+"/uploads/"+u.SHA256+".csv" {
				t.Fatalf("object %s", u.ObjectName)
			}
			if err := s.h.HandleObject(context.Background(), "mirante-raw", u.ObjectName); err != nil {
				t.Fatal(err)
			}
			if got := s.upload(t, org, u.ID); got != (uploadRow{status: "loaded", watermark: "2024-02", rows: 3}) {
				t.Errorf("after the load: %+v", got)
			}
			loads, scripts := s.bq.Loads(), s.bq.Jobs()
			if len(loads) != 1 || len(scripts) != 1 {
				t.Fatalf("%d load jobs and %d scripts, want 1 and 1", len(loads), len(scripts))
			}
			cfg, _ := loads[0].Body["configuration"].(map[string]any)
			ld, _ := cfg["load"].(map[string]any)
			dst, _ := ld["destinationTable"].(map[string]any)
			if dst["datasetId"] != tc.landing {
				t.Errorf("the rows landed in %v, want %s", dst["datasetId"], tc.landing)
			}
			n := 0
			sc := bufio.NewScanner(bytes.NewReader(loads[0].Media))
			for sc.Scan() {
				var row map[string]any
				if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
					t.Fatal(err)
				}
				if row["tenant_key"] != org {
					t.Errorf("a landing row of another key: %v", row)
				}
				n++
			}
			if n != 3 {
				t.Errorf("%d landing rows, want the file's 3", n)
			}
			qc, _ := scripts[0].Body["configuration"].(map[string]any)
			q, _ := qc["query"].(map[string]any)
			if sql, _ := q["query"].(string); !strings.Contains(sql, "MERGE "+tc.table+" AS t") {
				t.Errorf("the script does not write %s:\n%s", tc.table, sql)
			}
		})
	}
}

// A load BigQuery fails ends the upload failed, with no detail of ours in
// its error, and is an error so that Pub/Sub redelivers it.
func TestUploadFailedOnBigQuery(t *testing.T) {
	s := newStack(t, func(f *bqfake.Server) {
		answerTenantWatermark(f)
		f.Fail = func(sql string) string {
			if strings.Contains(sql, "BEGIN TRANSACTION;") {
				return "Transaction is aborted due to concurrent update"
			}
			return ""
		}
	})
	org, u := s.receive(t, "", []byte(uploadCSV))
	err := s.h.HandleObject(context.Background(), "mirante-raw", u.ObjectName)
	if err == nil || !strings.Contains(err.Error(), "concurrent update") {
		t.Errorf("got %v, want the script's failure", err)
	}
	if got := s.upload(t, org, u.ID); got != (uploadRow{status: "failed", err: "the file could not be loaded"}) {
		t.Errorf("after a failed load: %+v", got)
	}
}
