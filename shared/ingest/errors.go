package ingest

import (
	"fmt"

	"github.com/mirante/mirante/shared/apperr"
)

// ContractError says how a file breaks its source's schema contract: a
// missing or unknown column, a value of the wrong type, a layout that is not
// the source's. A load that meets one changes nothing in the warehouse.
//
// It converts to an *apperr.Error with code Invalid (errors.As and
// apperr.As find it), whose field names the column, so an HTTP caller
// answers 400 naming the column and line.
type ContractError struct {
	Source string // source id, e.g. "comex"
	File   string // file name as given to Load
	Line   int    // 1-based physical line; 0 when the whole file is at fault
	Column string // the column as the contract names it; "" when none applies
	Reason string
}

func (e *ContractError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s line %d", e.File, e.Line)
	}
	if e.Column != "" {
		return fmt.Sprintf("%s: %s: column %q: %s", e.Source, where, e.Column, e.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", e.Source, where, e.Reason)
}

// As lets errors.As (and so apperr.As and apperr.CodeOf) see the contract
// error as an *apperr.Error with code Invalid naming the column and line.
func (e *ContractError) As(target any) bool {
	p, ok := target.(**apperr.Error)
	if !ok {
		return false
	}
	*p = e.AppErr()
	return true
}

// AppErr returns the error as the coded error HTTP callers render.
func (e *ContractError) AppErr() *apperr.Error {
	field := e.Column
	if field == "" {
		field = "file"
	}
	reason := e.Reason
	if e.Line > 0 {
		reason = fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return &apperr.Error{
		Code:    apperr.Invalid,
		Message: fmt.Sprintf("%s does not match the %s contract: %s", e.File, e.Source, reason),
		Fields:  []apperr.FieldError{{Field: field, Reason: reason}},
		Details: map[string]any{"source": e.Source, "file": e.File, "line": e.Line},
	}
}
