// Package jsondecode reads client JSON strictly, the one way every layer
// does: one value and nothing after it, no unknown fields, and every
// refusal an apperr Invalid error that names the offending field ("body"
// for the document as a whole).
package jsondecode

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
)

// Strict decodes the one JSON value of b into dst, refusing unknown
// fields, wrong types and anything after the value.
func Strict(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return Invalid(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Invalidf("body", "unexpected data after the JSON value")
	}
	return nil
}

// unknownField is how encoding/json words a field that DisallowUnknownFields
// refused; it has no error type for it.
const unknownField = "json: unknown field "

// Invalid turns an error of json.Decoder.Decode into an Invalid error that
// names the offending field: the field of a wrong type, the unknown field,
// or "body" when the document itself is malformed or cut short.
func Invalid(err error) error {
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
	case strings.HasPrefix(err.Error(), unknownField):
		return apperr.Invalidf(strings.Trim(strings.TrimPrefix(err.Error(), unknownField), `"`), "unknown field")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Invalidf("body", "empty or cut short")
	}
	return apperr.Invalidf("body", "not valid JSON")
}
