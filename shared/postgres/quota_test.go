package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
)

// Uploads made at once never pass the plan's uploads_per_day: exactly the
// quota is recorded and charged, the rest are refused with nothing
// recorded, the same file again is free, and another org's quota is its
// own.
func TestUploadQuotaHoldsUnderConcurrency(t *testing.T) {
	b := setupInvites(t)
	ctx := context.Background()
	free, err := b.admin.EnsureOrg(ctx, tenant.Org{Slug: "org-a", Name: "org-a", Plan: "free", Isolation: tenant.IsolationRow})
	if err != nil {
		t.Fatal(err)
	}
	const limit = 5 // the free plan's uploads_per_day
	svc := postgres.NewUploadService(b.app)
	adminA := b.member(t, free, "admin-a@example.com", tenant.Admin)
	shaOf := func(i int) string {
		sum := sha256.Sum256(fmt.Appendf(nil, "file %d", i))
		return hex.EncodeToString(sum[:])
	}
	upload := func(ctx context.Context, org tenant.Org, i int) (*uploads.Upload, bool, error) {
		sha := shaOf(i)
		u := &uploads.Upload{FileName: fmt.Sprintf("f%d.csv", i), SHA256: sha, Bytes: 10, Rows: 1, Metrics: []string{"m"},
			ObjectName: uploads.ObjectName(org.ID, sha)}
		created, err := svc.CreateUpload(ctx, u)
		return u, created, err
	}

	const n = 3 * limit
	var wg sync.WaitGroup
	errs := make([]error, n)
	created := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, created[i], errs[i] = upload(adminA, free, i)
		}()
	}
	wg.Wait()
	made, refused := 0, 0
	for i := range n {
		switch {
		case errs[i] == nil && created[i]:
			made++
		case apperr.Is(errs[i], apperr.RateLimited):
			refused++
			if e, _ := apperr.As(errs[i]); e.Details["retry_after_s"] == nil {
				t.Errorf("a refusal without retry_after_s: %v", errs[i])
			}
		default:
			t.Errorf("upload %d: created %v, %v", i, created[i], errs[i])
		}
	}
	if made != limit || refused != n-limit {
		t.Fatalf("%d uploads at once on a quota of %d: %d recorded, %d refused", n, limit, made, refused)
	}
	var rows, charged int
	b.asOwnerOf(t, free.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select (select count(*) from uploads), (select uploads from usage where day = (now() at time zone 'utc')::date)`).Scan(&rows, &charged)
	})
	if rows != limit || charged != limit {
		t.Fatalf("%d uploads recorded and %d charged, want %d of each", rows, charged, limit)
	}

	// The same file again is the same upload: free, even with the quota spent.
	var first int
	for i := range n {
		if created[i] {
			first = i
			break
		}
	}
	if _, again, err := upload(adminA, free, first); err != nil || again {
		t.Fatalf("the same file again with the quota spent: created %v, %v", again, err)
	}
	if err := svc.CheckUploadQuota(adminA, shaOf(first)); err != nil {
		t.Fatalf("checking a held file with the quota spent: %v", err)
	}
	if err := svc.CheckUploadQuota(adminA, shaOf(n)); !apperr.Is(err, apperr.RateLimited) {
		t.Fatalf("checking a new file with the quota spent: %v, want RateLimited", err)
	}
	// Org B (standard, 50 a day) is untouched.
	if _, ok, err := upload(b.member(t, b.orgB, "admin-b2@example.com", tenant.Admin), b.orgB, 0); err != nil || !ok {
		t.Fatalf("org B's upload: %v %v", ok, err)
	}
}

// asOwnerOf runs fn as the schema owner inside the org.
func (b inviteBundle) asOwnerOf(t *testing.T, orgID string, fn func(pgx.Tx) error) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('app.org_id', $1, true)`, orgID); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}
