package uploads

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
)

// Notifier tells the loader that a raw object is complete. In production
// Cloud Storage does it (the object-finalized event); locally the runner
// passes it straight to the ingest function.
type Notifier interface {
	ObjectFinalized(ctx context.Context, bucket, name string)
}

// Loader writes a parsed upload into the tenant mart of the scope.
type Loader interface {
	LoadTenantMetrics(ctx context.Context, scope semantic.TenantScope, f *File) (watermark string, rows int64, err error)
}

// Intake receives an upload: checks the caller may upload, validates every
// row, keeps the raw file under the org's prefix, records it, and hands it to
// the loader. A file with any bad row is refused whole and nothing is stored.
type Intake struct {
	// Put stores a raw file and reads it back.
	Put      func(ctx context.Context, bucket, name string, r io.Reader, contentType string) error
	Bucket   string
	Uploads  Service
	Notifier Notifier // nil in production: the bucket notifies
}

// Receive takes one file.
func (in *Intake) Receive(ctx context.Context, fileName string, data []byte) (*Upload, bool, error) {
	if err := tenant.Authorize(ctx, tenant.Upload); err != nil {
		return nil, false, err
	}
	t, _ := tenant.FromContext(ctx)
	name := path.Base(strings.TrimSpace(fileName))
	if name == "" || name == "." || name == "/" || len(name) > 200 || !utf8.ValidString(name) {
		name = "upload.csv"
	}
	f, err := Parse(data)
	if err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	// A spent quota refuses before the file is stored; CreateUpload's charge
	// is what holds under concurrency.
	if err := in.Uploads.CheckUploadQuota(ctx, sha); err != nil {
		return nil, false, err
	}
	object := ObjectName(t.Org.ID, sha)
	if err := in.Put(ctx, in.Bucket, object, bytes.NewReader(data), "text/csv"); err != nil {
		return nil, false, apperr.Errorf(apperr.Unavailable, "the file could not be stored; try again")
	}
	u := &Upload{FileName: name, SHA256: sha, Bytes: int64(len(data)), Rows: int64(len(f.Rows)), Metrics: f.Metrics,
		PeriodFrom: f.PeriodFrom, PeriodTo: f.PeriodTo, ObjectName: object}
	created, err := in.Uploads.CreateUpload(ctx, u)
	if err != nil {
		return nil, false, err
	}
	if in.Notifier != nil && (created || u.Status != Loaded) {
		in.Notifier.ObjectFinalized(ctx, in.Bucket, object)
	}
	return u, created, nil
}
