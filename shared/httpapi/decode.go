package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/jsondecode"
)

// DefaultMaxBody bounds request bodies unless a route says otherwise.
const DefaultMaxBody = 1 << 20

// decodeJSON reads the request body into dst strictly: JSON content type, at
// most maxBytes, valid UTF-8, no duplicate keys, bounded depth and arrays,
// no unknown fields, one value and nothing after it. Every refusal names
// the problem.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any, maxBytes int64) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return apperr.Errorf(apperr.Unsupported, "the body must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.Errorf(apperr.TooLarge, "the body is larger than %d bytes", maxBytes)
		}
		return apperr.Invalidf("body", "could not be read")
	}
	if err := checkJSONShape(body); err != nil {
		return err
	}
	return jsondecode.Strict(body, dst)
}

// auditSummarised is a request body of which the audit log keeps a summary
// rather than the body itself.
type auditSummarised interface {
	auditSummary() any
}

// decodeBody reads the request body into a T as decodeJSON does and makes it
// the request's audit summary (its auditSummary when it has one). A body it
// refuses is answered here, and ok is false: the handler returns.
func decodeBody[T any](s *Server, w http.ResponseWriter, r *http.Request) (req T, ok bool) {
	if err := decodeJSON(w, r, &req, s.maxBody()); err != nil {
		Error(w, r, err)
		return req, false
	}
	var summary any = req
	if a, isSummarised := summary.(auditSummarised); isSummarised {
		summary = a.auditSummary()
	}
	noteAudit(r.Context(), summary)
	return req, true
}
