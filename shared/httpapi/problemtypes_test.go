package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mirante/mirante/shared/apperr"
)

// problemTypesFile is the list of problem types the SPA translates
// (frontend/src/lib/problems.ts reads it; its unit test checks a translation
// exists for each).
var problemTypesFile = filepath.Join("..", "..", "frontend", "src", "lib", "problem-types.json")

type problemTypes struct {
	Prefix string   `json:"prefix"`
	Codes  []string `json:"codes"`
}

const problemPrefix = "urn:mirante:problem:"

// writtenType is the type Error writes for an error of code.
func writtenType(t *testing.T, code apperr.Code) string {
	t.Helper()
	rec := httptest.NewRecorder()
	Error(rec, httptest.NewRequest("GET", "/", nil), apperr.Errorf(code, "x"))
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	if !strings.HasPrefix(p.Type, problemPrefix) {
		t.Fatalf("%s: type %q does not start with %s", code, p.Type, problemPrefix)
	}
	return strings.TrimPrefix(p.Type, problemPrefix)
}

// TestProblemTypesListIsCurrent fails when the SPA's list differs from the
// types Error writes for every code that has a status (run with -update to
// rewrite it).
func TestProblemTypesListIsCurrent(t *testing.T) {
	want := problemTypes{Prefix: problemPrefix}
	for code := range statusOf {
		want.Codes = append(want.Codes, writtenType(t, code))
	}
	sort.Strings(want.Codes)
	b, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(problemTypesFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(problemTypesFile)
	if err != nil {
		t.Fatalf("reading %s: %v (run with -update to write it)", problemTypesFile, err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("%s is stale: run `go test ./shared/httpapi -run ProblemTypes -update`\nwant:\n%s", problemTypesFile, b)
	}
	for _, c := range want.Codes {
		if strings.ContainsAny(c, "_ ") {
			t.Errorf("problem code %q is not in URN form", c)
		}
	}
}
