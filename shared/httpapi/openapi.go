package httpapi

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openapi.yaml is the source; openapi.json is generated from it (see
// TestOpenAPIDocumentIsGenerated) so that serving needs no YAML parser.
//
//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the served OpenAPI document.
func OpenAPI() []byte { return openapiJSON }

func handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(openapiJSON)))
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiJSON)
}
