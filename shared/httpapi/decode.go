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
