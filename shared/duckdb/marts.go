package duckdb

import (
	"fmt"
	"strings"

	"github.com/mirante/mirante/shared/ingest"
)

// warehouseDDL is what Open runs on every warehouse: schema.sql (the
// layers and the tenant mart), then the DuckDB DDL models of the
// territorial table and of every public mart. Those models are the marts'
// one declaration; the loads run them too, so a model stands alone, and
// infra's tests hold them to the BigQuery models and Terraform.
func warehouseDDL() (string, error) {
	names, err := ingest.Models("duckdb")
	if err != nil {
		return "", fmt.Errorf("the ingest models: %w", err)
	}
	parts := []string{schema}
	for _, name := range append([]string{"ddl_core_dim_municipio"}, martDDL(names)...) {
		text, err := ingest.Model("duckdb", name)
		if err != nil {
			return "", err
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n"), nil
}

// martDDL picks the marts' DDL models from the model names.
func martDDL(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, "ddl_marts_") {
			out = append(out, n)
		}
	}
	return out
}
