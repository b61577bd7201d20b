package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/mirante/mirante/shared/apperr"
)

// FileURLs is the local stand-in for V4 signed Cloud Storage URLs (the
// fake-gcs-server does not check signatures): the API signs a path and an
// expiry with HMAC and serves the file itself at /files/.
type FileURLs struct {
	Secret  []byte
	BaseURL string // absolute, e.g. http://127.0.0.1:8080
	TTL     time.Duration
	Now     func() time.Time
}

func (f *FileURLs) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *FileURLs) sign(object, expires, name string) string {
	m := hmac.New(sha256.New, f.Secret)
	m.Write([]byte("GET\n/files/" + object + "\n" + expires + "\n" + name))
	return hex.EncodeToString(m.Sum(nil))
}

// URL returns an absolute, expiring URL for the object.
func (f *FileURLs) URL(object, filename string) string {
	exp := strconv.FormatInt(f.now().Add(f.TTL).Unix(), 10)
	q := url.Values{"expires": {exp}, "name": {filename}, "signature": {f.sign(object, exp, filename)}}
	return strings.TrimRight(f.BaseURL, "/") + "/files/" + object + "?" + q.Encode()
}

// verify checks a request's signature and expiry; any mismatch is Forbidden,
// as Cloud Storage answers a bad signed URL.
func (f *FileURLs) verify(object string, q url.Values) error {
	exp, sig, name := q.Get("expires"), q.Get("signature"), q.Get("name")
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || sig == "" {
		return apperr.Errorf(apperr.Forbidden, "invalid signature")
	}
	want := f.sign(object, exp, name)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return apperr.Errorf(apperr.Forbidden, "invalid signature")
	}
	if f.now().Unix() > n {
		return apperr.Errorf(apperr.Forbidden, "the link has expired")
	}
	return nil
}

// ObjectOpener reads stored files.
type ObjectOpener interface {
	Open(ctx context.Context, bucket, name string) (io.ReadCloser, error)
}

// FileServer serves files behind FileURLs.
type FileServer struct {
	URLs   *FileURLs
	Store  ObjectOpener
	Bucket string
}

// ServeHTTP answers GET /files/<object>?expires=&name=&signature=.
func (fs *FileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	object := strings.TrimPrefix(r.URL.Path, "/files/")
	if object == "" || strings.Contains(object, "..") || path.Clean("/"+object) != "/"+object {
		Error(w, r, apperr.Errorf(apperr.Forbidden, "invalid signature"))
		return
	}
	if err := fs.URLs.verify(object, r.URL.Query()); err != nil {
		Error(w, r, err)
		return
	}
	rc, err := fs.Store.Open(r.Context(), fs.Bucket, object)
	if err != nil {
		Error(w, r, err)
		return
	}
	defer rc.Close()
	name := r.URL.Query().Get("name")
	h := w.Header()
	h.Set("Content-Type", contentTypeOf(object))
	h.Set("Content-Disposition", `attachment; filename="`+strings.Map(safeFilename, name)+`"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
}

func contentTypeOf(object string) string {
	switch path.Ext(object) {
	case ".pdf":
		return "application/pdf"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".html":
		// Served as an attachment; never rendered in our origin.
		return "text/html; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	}
	return "application/octet-stream"
}

func safeFilename(r rune) rune {
	if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
		return '_'
	}
	return r
}
