package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
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
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Invalidf("body", "unexpected data after the JSON value")
	}
	return nil
}

func jsonProblem(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return apperr.Invalidf(field, "expected %s, got a JSON %s", te.Type, te.Value)
	case errors.As(err, &se):
		return apperr.Invalidf("body", "malformed JSON at byte %d", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return apperr.Invalidf(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown field")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Invalidf("body", "empty or cut short")
	}
	return apperr.Invalidf("body", "not valid JSON")
}
