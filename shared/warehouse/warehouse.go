// Package warehouse is what the query service asks of a warehouse engine:
// run compiled SQL with bound parameters, estimate its cost, and say which
// engine it is. Adapters (shared/bigquery, shared/duckdb) implement it; each
// binary passes the engines it links to the functions that query (Engines),
// so the deployed binaries never link DuckDB.
package warehouse

import (
	"context"
	"fmt"
	"sort"
)

// Param is a named parameter of a compiled query.
type Param struct {
	Name  string
	Value any // string, int64 or float64
}

// Column describes one column of a result.
type Column struct {
	Name string `json:"name"`
	// Kind is "dimension", "label" or "measure".
	Kind string `json:"kind"`
	// Type is month, quarter, year, string, number or integer.
	Type string `json:"type"`
	Unit string `json:"unit,omitempty"`
}

// Compiled is SQL ready to run: only catalog names in the text, every value
// a parameter.
type Compiled struct {
	Dialect string
	SQL     string
	Params  []Param
	Columns []Column
	Dataset string
	// Tables lists the warehouse tables the SQL reads, for job labels and
	// cost estimates.
	Tables []string
}

// Result is a query's answer. Values are string, float64, int64 or nil.
type Result struct {
	Columns        []Column `json:"columns"`
	Rows           [][]any  `json:"rows"`
	BytesProcessed int64    `json:"bytes_processed"`
}

// RunParams says on whose behalf a query runs, for labels and limits.
type RunParams struct {
	OrgID    string
	Endpoint string
	Dataset  string
	// MaxBytes caps what the engine may bill for the job (0: the engine's
	// configured default).
	MaxBytes int64
}

// Engine runs compiled queries.
type Engine interface {
	// Name is "duckdb" or "bigquery"; it is also the SQL dialect.
	Name() string
	Run(ctx context.Context, q Compiled, p RunParams) (*Result, error)
	// Estimate returns the bytes the query would process (BigQuery's dry run);
	// engines that bill nothing return 0.
	Estimate(ctx context.Context, q Compiled, p RunParams) (int64, error)
	Close() error
}

// Unbilled is implemented by engines whose queries cost nothing by the
// byte (DuckDB): a query's byte budget can then be read while it runs.
type Unbilled interface {
	Unbilled()
}

// Opener opens an engine from its settings (read from the environment by the
// adapter's own Config).
type Opener func(ctx context.Context) (Engine, error)

// Engines are the engines a binary links, by the name WAREHOUSE_ENGINE
// gives them.
type Engines map[string]Opener

// Names lists the engines.
func (e Engines) Names() []string {
	out := make([]string, 0, len(e))
	for n := range e {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Open opens the named engine.
func (e Engines) Open(ctx context.Context, name string) (Engine, error) {
	open, ok := e[name]
	if !ok {
		return nil, fmt.Errorf("WAREHOUSE_ENGINE: %q is not linked into this binary (available: %v)", name, e.Names())
	}
	return open(ctx)
}
