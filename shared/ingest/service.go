package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"regexp"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/semantic"
	catalog "github.com/mirante/mirante/shared/sources"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
	"github.com/mirante/mirante/shared/warehouse"
)

// SourceLoad is what became of one notification of an official file.
type SourceLoad struct {
	Object     string
	Generation int64
	Source     string
	Outcome    string // loaded, unchanged, refused or failed (to be redelivered)
	Rows       int64  // published to the marts
	Landed     int64  // landed
	Read       int64  // records read from the file
	Skipped    int64  // records the source's contract leaves unpublished
	SkippedWhy string // what they were
	Watermark  string
	Error      string
}

// LoadCounts are a load's rows: published to the marts, landed, and
// left unpublished by the source's contract.
type LoadCounts struct {
	Published, Landed, Skipped int64
}

// SourceRecords is the source catalog and its log of loads
// (postgres.SourceService).
type SourceRecords interface {
	// RecordLoad marks a source freshly loaded; an empty sha and nil
	// counts keep the current load's.
	RecordLoad(ctx context.Context, id, watermark, sha string, counts *LoadCounts) error
	// RecordFailure marks a source's last load failed with a sources code.
	RecordFailure(ctx context.Context, id, reason string) error
	// LogLoad records the outcome of one object generation.
	LogLoad(ctx context.Context, l SourceLoad) error
}

// UploadStore finds the tenant's upload of an object and records how its
// load ended (postgres.UploadService).
type UploadStore interface {
	FindUploadByObject(ctx context.Context, object string) (*uploads.Upload, error)
	FinishUpload(ctx context.Context, id string, loadErr error, watermark string, rows int64) error
}

// OrgStore restores an org from the id an upload's object path names
// (postgres.DB).
type OrgStore interface {
	FindOrgByID(ctx context.Context, orgID string) (tenant.Org, error)
}

// ObjectStore reads the raw bucket's objects and moves refused ones aside
// (gcs.Store). Both answer apperr.NotFound for a missing object.
type ObjectStore interface {
	Open(ctx context.Context, bucket, name string) (io.ReadCloser, error)
	Move(ctx context.Context, bucket, from, to string) error
}

// Service loads the raw bucket's new objects: official files through its
// warehouse engine's Writer, tenant uploads into their org's tenant
// mart. Every official file's outcome is recorded by object and generation;
// every upload ends loaded or failed in its record.
type Service struct {
	Engine  warehouse.Engine
	Objects ObjectStore
	Bucket  string // the raw bucket; objects of any other are ignored
	Sources SourceRecords
	Uploads UploadStore
	Orgs    OrgStore
}

// ObjectPrefixes are the raw bucket's prefixes that carry files to load:
// official files under sources/<source>/ and tenant uploads under
// orgs/<org>/uploads/; never quarantine/.
var ObjectPrefixes = []string{"sources/", "orgs/"}

var uploadObject = regexp.MustCompile(`^orgs/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/uploads/([0-9a-f]{64})\.csv$`)

// sourceObject is an official file: sources/<source id>/<file name>.
var sourceObject = regexp.MustCompile(`^sources/([a-z_]{2,40})/[^/]{1,300}$`)

// Handle loads one finalized raw object. It returns an error only when a
// redelivery could succeed; every object it leaves alone is logged with its
// name at WARN or ERROR.
func (s *Service) Handle(ctx context.Context, bucket, name string, generation int64, log *slog.Logger) error {
	if bucket != s.Bucket {
		log.WarnContext(ctx, "ingest: event from another bucket ignored", "event", "ingest_event_ignored", "bucket", bucket)
		return nil
	}
	if m := uploadObject.FindStringSubmatch(name); m != nil {
		return s.loadUpload(ctx, m[1], name, log)
	}
	if m := sourceObject.FindStringSubmatch(name); m != nil {
		if _, ok := FindSource(m[1]); !ok {
			log.WarnContext(ctx, "ingest: object of an unknown source ignored", "event", "ingest_event_ignored", "source", m[1])
			return nil
		}
		return s.loadSource(ctx, m[1], name, generation, log)
	}
	log.WarnContext(ctx, "ingest: object outside the loaded prefixes ignored", "event", "ingest_event_ignored")
	return nil
}

// loadSource loads an official file through the layers. A file that breaks
// its source's contract goes to quarantine/, leaves every mart as it was and
// is logged as an error for the pipeline alert. Every outcome is recorded by
// object and generation (source_loads).
func (s *Service) loadSource(ctx context.Context, sourceID, object string, generation int64, log *slog.Logger) error {
	rec := SourceLoad{Object: object, Generation: generation, Source: sourceID}
	wh, ok := s.Engine.(Writer)
	if !ok {
		err := fmt.Errorf("the %s warehouse cannot load official files", s.Engine.Name())
		log.ErrorContext(ctx, "ingest failed", "source", sourceID, "error", err.Error())
		rec.Outcome, rec.Error = "refused", err.Error()
		return s.Sources.LogLoad(ctx, rec)
	}
	rc, err := s.Objects.Open(ctx, s.Bucket, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			// Deleted or moved since it was written: nothing left to load,
			// and a redelivery would find nothing either.
			log.WarnContext(ctx, "ingest: the notified object no longer exists", "event", "ingest_event_ignored", "source", sourceID)
			return nil
		}
		return s.failed(ctx, rec, err)
	}
	defer rc.Close()
	rep, err := wh.LoadSourceFile(ctx, sourceID, path.Base(object), rc, LoadParams{})
	if err != nil {
		var ce *ContractError
		if errors.As(err, &ce) || apperr.Is(err, apperr.Invalid) {
			return s.quarantine(ctx, rec, err, log)
		}
		telemetry.IngestFailed(ctx, sourceID, "load_failed")
		log.ErrorContext(ctx, "ingest failed", "source", sourceID, "error", err.Error())
		return s.failed(ctx, rec, err)
	}
	// The catalog's watermark is the warehouse's, not this file's: an older
	// period loaded late must not move it back.
	wm, err := wh.SourceWatermark(ctx, sourceID)
	if err != nil {
		return s.failed(ctx, rec, err)
	}
	telemetry.IngestLoaded(ctx, sourceID, rep.RowsPublished)
	log.InfoContext(ctx, "ingest loaded", "source", sourceID, "rows", rep.RowsPublished, "landed", rep.RowsLoaded, "read", rep.RowsRead,
		"skipped_rows", rep.RowsSkipped, "watermark", wm, "file_watermark", rep.Watermark, "sha256", rep.SHA256, "skipped", rep.Skipped)
	rec.Rows, rec.Landed, rec.Read, rec.Skipped, rec.SkippedWhy, rec.Watermark = rep.RowsPublished, rep.RowsLoaded, rep.RowsRead, rep.RowsSkipped, strings.Join(rep.SkippedWhy, "; "), wm
	if rep.Skipped {
		// Nothing changed: the source was checked fresh, its current load stays.
		if err := s.Sources.RecordLoad(ctx, sourceID, wm, "", nil); err != nil {
			return err
		}
		rec.Outcome = "unchanged"
		return s.Sources.LogLoad(ctx, rec)
	}
	if err := s.Sources.RecordLoad(ctx, sourceID, wm, rep.SHA256, &LoadCounts{Published: rep.RowsPublished, Landed: rep.RowsLoaded, Skipped: rep.RowsSkipped}); err != nil {
		return err
	}
	rec.Outcome = "loaded"
	return s.Sources.LogLoad(ctx, rec)
}

// quarantine moves a file that broke its source's contract to
// quarantine/<object>, marks the source failed and records the file
// refused: a redelivery would refuse it again, so it returns no load error.
func (s *Service) quarantine(ctx context.Context, rec SourceLoad, loadErr error, log *slog.Logger) error {
	quarantined := "quarantine/" + rec.Object
	if merr := s.Objects.Move(ctx, s.Bucket, rec.Object, quarantined); merr != nil {
		log.ErrorContext(ctx, "ingest: quarantine", "error", merr.Error())
	}
	telemetry.IngestFailed(ctx, rec.Source, "contract_broken")
	log.ErrorContext(ctx, "ingest failed", "event", "ingest_contract_broken", "source", rec.Source,
		"quarantined", quarantined, "error", loadErr.Error())
	if err := s.Sources.RecordFailure(ctx, rec.Source, catalog.FileRefused); err != nil {
		return err
	}
	rec.Outcome, rec.Error = "refused", loadErr.Error()
	return s.Sources.LogLoad(ctx, rec)
}

// failed records a load that a redelivery may complete and returns its
// error, so that Pub/Sub redelivers it.
func (s *Service) failed(ctx context.Context, rec SourceLoad, err error) error {
	rec.Outcome, rec.Error = "failed", err.Error()
	return errors.Join(err, s.Sources.LogLoad(context.WithoutCancel(ctx), rec))
}

// loadUpload restores the tenant named in the object path and loads the
// upload only if that org recorded it.
func (s *Service) loadUpload(ctx context.Context, orgID, object string, log *slog.Logger) error {
	log = log.With("org_id", orgID)
	org, err := s.Orgs.FindOrgByID(ctx, orgID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			log.ErrorContext(ctx, "ingest: upload of an unknown org ignored", "event", "ingest_event_ignored")
			return nil
		}
		return err
	}
	ctx = tenant.With(ctx, tenant.Tenant{Org: org, Role: tenant.Viewer})
	u, err := s.Uploads.FindUploadByObject(ctx, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			// The API stores the file before it records the upload, so the
			// notification can come first: a redelivery finds the record.
			log.WarnContext(ctx, "ingest: no upload record for the object yet; to be redelivered", "event", "ingest_upload_unrecorded")
			return fmt.Errorf("no upload record for %s", object)
		}
		return err
	}
	if u.Status == uploads.Loaded {
		return nil
	}
	loader, ok := s.Engine.(uploads.Loader)
	if !ok {
		return s.Uploads.FinishUpload(ctx, u.ID, fmt.Errorf("the %s warehouse does not load uploads", s.Engine.Name()), "", 0)
	}
	f, err := s.readUpload(ctx, u, object, log)
	if f == nil {
		return err
	}
	scope := semantic.TenantScope{OrgID: org.ID}
	if org.Isolation == tenant.IsolationDataset {
		scope.Dataset = org.Dataset
	}
	wm, rows, err := loader.LoadTenantMetrics(ctx, scope, f)
	if err != nil {
		telemetry.IngestFailed(ctx, "upload", "load_failed")
		log.ErrorContext(ctx, "ingest: loading an upload", "error", err.Error(), "upload_id", u.ID)
		if ferr := s.Uploads.FinishUpload(ctx, u.ID, errors.New("the file could not be loaded"), "", 0); ferr != nil {
			return ferr
		}
		return err
	}
	telemetry.IngestLoaded(ctx, "upload", rows)
	log.InfoContext(ctx, "ingest: upload loaded", "upload_id", u.ID, "rows", rows)
	return s.Uploads.FinishUpload(ctx, u.ID, nil, wm, rows)
}

// readUpload reads and parses an upload's object. A nil file means the
// upload went no further: the error is then the one to return (nil when
// the upload was recorded failed for good).
func (s *Service) readUpload(ctx context.Context, u *uploads.Upload, object string, log *slog.Logger) (*uploads.File, error) {
	rc, err := s.Objects.Open(ctx, s.Bucket, object)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			log.WarnContext(ctx, "ingest: the notified upload no longer exists", "event", "ingest_event_ignored", "upload_id", u.ID)
			return nil, s.Uploads.FinishUpload(ctx, u.ID, errors.New("the file was removed before it could be loaded"), "", 0)
		}
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, uploads.MaxBytes+1))
	rc.Close()
	if err != nil {
		return nil, err
	}
	f, err := uploads.Parse(data)
	if err != nil {
		return nil, s.Uploads.FinishUpload(ctx, u.ID, err, "", 0)
	}
	return f, nil
}
