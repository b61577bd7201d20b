package semantic_test

import (
	"testing"

	"github.com/mirante/mirante/shared/semantic/sqlcheck"
)

// parseBigQuery parses the BigQuery golden files offline with sql-parser-cst:
// BigQuery itself is out of reach here.
func parseBigQuery(t *testing.T, files []string) {
	t.Helper()
	sqlcheck.ParseBigQuery(t, files...)
}
