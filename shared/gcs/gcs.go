// Package gcs stores files in Cloud Storage: raw source files, tenant uploads
// and rendered reports, each under a name that begins with its org when it
// belongs to one. Locally fake-gcs-server stands in (STORAGE_EMULATOR_HOST,
// which the client library reads).
package gcs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"cloud.google.com/go/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/api/option"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config names the buckets.
type Config struct {
	RawBucket     string        `envconfig:"RAW_BUCKET" default:"mirante-raw" desc:"bucket of raw source files and tenant uploads"`
	ReportsBucket string        `envconfig:"REPORTS_BUCKET" default:"mirante-reports" desc:"bucket of rendered reports"`
	SignedURLTTL  time.Duration `envconfig:"SIGNED_URL_TTL" default:"15m" desc:"life of a report's download URL (at most 15m)"`
	Timeout       time.Duration `envconfig:"GCS_TIMEOUT" default:"60s" desc:"timeout of each Cloud Storage call"`
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.RawBucket == "" || c.ReportsBucket == "" {
		return config.Errorf("REPORTS_BUCKET", "RAW_BUCKET and REPORTS_BUCKET are required")
	}
	if c.SignedURLTTL <= 0 || c.SignedURLTTL > 15*time.Minute {
		return config.Errorf("SIGNED_URL_TTL", "must be more than 0 and at most 15m")
	}
	if c.Timeout <= 0 {
		return config.Errorf("GCS_TIMEOUT", "must be positive")
	}
	return nil
}

// Store reads and writes objects.
type Store struct {
	c   *storage.Client
	cfg Config
}

// New opens the client.
func New(ctx context.Context, cfg Config, opts ...option.ClientOption) (*Store, error) {
	c, err := storage.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cloud storage: %w", err)
	}
	return &Store{c: c, cfg: cfg}, nil
}

// Close closes the client.
func (s *Store) Close() error { return s.c.Close() }

// Config returns the settings.
func (s *Store) Config() Config { return s.cfg }

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ReportObject is a report file's name: under its org, named by its id.
func ReportObject(orgID, reportID, format string) (string, error) {
	if !uuidRe.MatchString(orgID) || !uuidRe.MatchString(reportID) {
		return "", errors.New("report object names are built from uuids")
	}
	switch format {
	case "pdf", "docx", "html":
	default:
		return "", fmt.Errorf("unknown format %q", format)
	}
	return "orgs/" + orgID + "/reports/" + reportID + "." + format, nil
}

// Object describes a stored object.
type Object struct {
	Name   string
	SHA256 string
	Size   int64
	// Generation is Cloud Storage's version of the object (0 when unknown);
	// its notifications name it.
	Generation int64
}

// Put writes an object, then reads it back and checks it is what was written.
// Only a Put that returns no error has stored the file.
func (s *Store) Put(ctx context.Context, bucket, name string, r io.Reader, contentType string) (_ Object, err error) {
	ctx, end := span(ctx, "gcs.Put", bucket, name)
	defer func() { end(err) }()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	h := sha256.New()
	w := s.c.Bucket(bucket).Object(name).NewWriter(ctx)
	w.ContentType = contentType
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		cancel() // abandons the upload: no object is created
		_ = w.Close()
		return Object{}, fmt.Errorf("writing %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return Object{}, fmt.Errorf("writing %s: %w", name, err)
	}
	written := hex.EncodeToString(h.Sum(nil))
	back, err := s.Checksum(ctx, bucket, name)
	if err != nil {
		return Object{}, fmt.Errorf("reading %s back: %w", name, err)
	}
	if back.SHA256 != written || back.Size != n {
		return Object{}, fmt.Errorf("reading %s back: stored %d bytes with sha256 %s, wrote %d with %s", name, back.Size, back.SHA256, n, written)
	}
	if a := w.Attrs(); a != nil {
		back.Generation = a.Generation
	}
	return back, nil
}

// Checksum reads an object whole and returns its size and sha256.
func (s *Store) Checksum(ctx context.Context, bucket, name string) (_ Object, err error) {
	ctx, end := span(ctx, "gcs.Read", bucket, name)
	defer func() { end(err) }()
	rc, err := s.Open(ctx, bucket, name)
	if err != nil {
		return Object{}, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return Object{}, err
	}
	return Object{Name: name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

// Open reads an object. A missing object is NotFound.
func (s *Store) Open(ctx context.Context, bucket, name string) (io.ReadCloser, error) {
	rc, err := s.c.Bucket(bucket).Object(name).NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, apperr.Errorf(apperr.NotFound, "file not found")
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return rc, nil
}

// Snapshot is one generation of an object, read whole or in ranges: every
// read sees the same bytes, even if the object is replaced meanwhile.
type Snapshot struct {
	ctx  context.Context
	o    *storage.ObjectHandle
	Size int64
}

// OpenSnapshot pins the current generation of an object. A missing object
// is NotFound. Reads use ctx.
func (s *Store) OpenSnapshot(ctx context.Context, bucket, name string) (*Snapshot, error) {
	o := s.c.Bucket(bucket).Object(name)
	a, err := o.Attrs(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, apperr.Errorf(apperr.NotFound, "file not found")
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return &Snapshot{ctx: ctx, o: o.Generation(a.Generation), Size: a.Size}, nil
}

// Open reads the whole object as a stream.
func (s *Snapshot) Open() (io.ReadCloser, error) {
	return s.o.NewReader(s.ctx)
}

// ReadAt reads len(p) bytes at off with one ranged request (io.ReaderAt).
func (s *Snapshot) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.Size {
		return 0, io.EOF
	}
	rc, err := s.o.NewRangeReader(s.ctx, off, int64(len(p)))
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.ReadFull(rc, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// Delete removes an object; a missing one is not an error.
func (s *Store) Delete(ctx context.Context, bucket, name string) (err error) {
	ctx, end := span(ctx, "gcs.Delete", bucket, name)
	defer func() { end(err) }()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	err = s.c.Bucket(bucket).Object(name).Delete(ctx)
	if err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return err
	}
	return nil
}

// SignedURL returns a V4 signed GET URL for an object, valid for the
// configured time (at most 15 minutes). On Cloud Run the client signs through
// the IAM API as the service's own account.
func (s *Store) SignedURL(bucket, name, filename string) (string, error) {
	return s.c.Bucket(bucket).SignedURL(name, &storage.SignedURLOptions{
		Scheme:          storage.SigningSchemeV4,
		Method:          "GET",
		Expires:         time.Now().Add(s.cfg.SignedURLTTL),
		QueryParameters: map[string][]string{"response-content-disposition": {`attachment; filename="` + filename + `"`}},
	})
}

// Move copies an object to a new name in the same bucket and deletes the old
// one (quarantine of refused files).
func (s *Store) Move(ctx context.Context, bucket, from, to string) (err error) {
	ctx, end := span(ctx, "gcs.Move", bucket, from)
	defer func() { end(err) }()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	b := s.c.Bucket(bucket)
	if _, err := b.Object(to).CopierFrom(b.Object(from)).Run(ctx); err != nil {
		return fmt.Errorf("copying %s to %s: %w", from, to, err)
	}
	return s.Delete(ctx, bucket, from)
}

// span starts a client span for a call on one object. Object names hold org
// and report ids, never a person's data.
func span(ctx context.Context, name, bucket, object string) (context.Context, func(error)) {
	return telemetry.StartSpan(ctx, name, trace.SpanKindClient,
		attribute.String("gcp.gcs.bucket", bucket), attribute.String("gcp.gcs.object", object))
}
