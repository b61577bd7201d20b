package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/uploads"
)

// UploadIntake receives tenant files.
type UploadIntake interface {
	Receive(ctx context.Context, fileName string, data []byte) (*uploads.Upload, bool, error)
}

// UploadSlots is how many uploads an API instance reads and parses at once:
// a maximum-size file costs a few times its 10 MB while it is parsed, and
// an instance of 512 MiB serves up to 80 requests at a time. Others wait
// for a slot, within their request's time.
const UploadSlots = 2

// uploadSlot waits for a slot to read and parse an upload in, and returns
// its release; a request that ends first gets an error.
func (s *Server) uploadSlot(ctx context.Context) (func(), error) {
	s.uploadingOnce.Do(func() { s.uploading = make(chan struct{}, UploadSlots) })
	select {
	case s.uploading <- struct{}{}:
		return func() { <-s.uploading }, nil
	case <-ctx.Done():
		return nil, &apperr.Error{Code: apperr.Unavailable, Message: "too many uploads are being read on this server; try again",
			Details: map[string]any{"retry_after": 5}}
	}
}

var uploadFields = []string{"file_name", "sha256", "bytes", "rows", "metrics", "period_from", "period_to", "status", "error", "uploaded_by", "created_at", "loaded_at"}

// handleUpload takes a CSV as the body (text/csv, the name in ?name=) or as
// the "file" part of a multipart form.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	limit := int64(uploads.MaxBytes + 64<<10)
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		Error(w, r, apperr.Errorf(apperr.Unsupported, "send text/csv or multipart/form-data"))
		return
	}
	if mt == "multipart/form-data" && params["boundary"] == "" {
		Error(w, r, apperr.Invalidf("body", "multipart without a boundary"))
		return
	}
	if mt != "multipart/form-data" && mt != "text/csv" && mt != "text/plain" && mt != "application/csv" {
		Error(w, r, apperr.Errorf(apperr.Unsupported, "send text/csv or multipart/form-data"))
		return
	}
	release, err := s.uploadSlot(r.Context())
	if err != nil {
		w.Header().Set("Retry-After", "5")
		Error(w, r, err)
		return
	}
	defer release()
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var name string
	var data []byte
	if mt == "multipart/form-data" {
		name, data, err = fileOfForm(r)
		if errors.Is(err, errNoFilePart) {
			Error(w, r, apperr.Invalidf("file", "the form needs a \"file\" part"))
			return
		}
	} else {
		name = r.URL.Query().Get("name")
		data, err = io.ReadAll(r.Body)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			Error(w, r, apperr.Errorf(apperr.TooLarge, "the file is larger than %d bytes", uploads.MaxBytes))
			return
		}
		Error(w, r, apperr.Invalidf("body", "could not be read"))
		return
	}
	noteAudit(r.Context(), map[string]any{"file_name": name, "bytes": len(data)})
	u, created, err := s.Uploads.Receive(r.Context(), name, data)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", r.URL.Path+"/"+u.ID)
	status := http.StatusAccepted
	if !created {
		status = http.StatusOK
	}
	JSON(w, status, u)
}

func (s *Server) handleGetUpload(w http.ResponseWriter, r *http.Request) {
	u, err := s.UploadRecords.FindUploadByID(r.Context(), r.PathValue("id"))
	reply(w, r, http.StatusOK, u, err)
}

func (s *Server) handleListUploads(w http.ResponseWriter, r *http.Request) {
	serveAll(s, w, r, "uploads", uploadFields, func(ctx context.Context, after *uploads.Key, limit int) ([]*uploads.Upload, error) {
		return s.UploadRecords.FindUploads(ctx, uploads.Filter{After: after, Limit: limit})
	}, func(u *uploads.Upload) uploads.Key { return uploads.Key{CreatedAt: u.CreatedAt, ID: u.ID} })
}

var errNoFilePart = errors.New(`no "file" part`)

// fileOfForm reads the "file" part of a multipart body as it streams in,
// without keeping the form in memory or on disk first.
func fileOfForm(r *http.Request) (name string, data []byte, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, errNoFilePart
		}
		if err != nil {
			return "", nil, err
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		data, err := io.ReadAll(part)
		part.Close()
		return part.FileName(), data, err
	}
}
