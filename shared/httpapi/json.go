package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// JSON writes v as the response body. It encodes into a buffer first, so an
// encoding failure becomes a clean 500 instead of half a body.
func JSON(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, "application/json", v)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		status = http.StatusInternalServerError
		contentType = "application/problem+json"
		buf.WriteString(`{"type":"urn:mirante:problem:internal","title":"Internal Server Error","status":500,"detail":"internal error"}` + "\n")
	}
	writeBody(w, status, contentType, buf.Bytes())
}

// writeBody sends an encoded JSON body.
func writeBody(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// reply answers a service's result: err as a problem, otherwise v with
// status, or no body at all when status is 204 No Content.
func reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	switch {
	case err != nil:
		Error(w, r, err)
	case status == http.StatusNoContent:
		w.WriteHeader(status)
	default:
		JSON(w, status, v)
	}
}
