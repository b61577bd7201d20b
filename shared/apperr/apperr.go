// Package apperr is the one small set of error codes that every layer speaks.
//
// Adapters convert the errors they meet (pgx no rows, unique violations, Firebase
// token errors) into these codes; only the HTTP layer turns codes into statuses.
// An error with no code is internal: it is logged in full and shown to the user
// only as "internal error".
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for the caller.
type Code string

// The codes. Keep the set small: a new code is a new promise to every client.
const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Precondition Code = "precondition_failed"
	Gone         Code = "gone"
	TooLarge     Code = "too_large"
	Unsupported  Code = "unsupported_media_type"
	RateLimited  Code = "rate_limited"
	Unavailable  Code = "unavailable"
	Internal     Code = "internal"
)

// FieldError names one offending input field and why it was refused.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is an error with a code, a message safe to show to the caller and,
// for validation failures, the offending fields.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// Details carries extra members for the problem document (for example the
	// bytes left in a budget). Values must be safe to show to the caller.
	Details map[string]any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Reason)
}

// Errorf returns an error with the code and a formatted message. The message is
// shown to the caller, so it must not contain SQL, tokens or internal detail.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalidf returns an Invalid error that names the offending field.
func Invalidf(field, format string, args ...any) *Error {
	reason := fmt.Sprintf(format, args...)
	return &Error{Code: Invalid, Message: field + ": " + reason, Fields: []FieldError{{Field: field, Reason: reason}}}
}

// CodeOf returns the code of the first coded error in err's chain, or Internal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the coded error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool {
	return CodeOf(err) == code
}
