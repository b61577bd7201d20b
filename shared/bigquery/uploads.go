package bigquery

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/civil"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/uploads"
)

var _ uploads.Loader = (*Warehouse)(nil)

// uploadLanding is the table a load job puts an upload's rows in, in the
// landing dataset (row mode) or in the org's own dataset (dataset mode), so
// that a dataset-mode org's rows never enter a shared dataset. Its rows are
// read only by the script of the load that wrote them (by load_id, in
// today's or yesterday's partition: RecentLanding) and expire with
// their partition.
const uploadLanding = "tenant_uploads"

// uploadLandingExpiration is how long landing rows are kept: long enough
// for a load's script to read them (each job is bounded by
// BIGQUERY_INGEST_TIMEOUT), short so that tenant rows do not outlive their
// load by much. The load job that creates a landing table sets it; an
// existing table's is changed with ALTER TABLE ... SET OPTIONS
// (partition_expiration_days).
const uploadLandingExpiration = 3 * 24 * time.Hour

// uploadLandingSchema is the landing table's: the parsed rows with the
// territory completed (uf from the municipality code, region from the uf),
// the org's key and the load's id.
var uploadLandingSchema = bigquery.Schema{
	{Name: "load_id", Type: bigquery.StringFieldType, Required: true},
	{Name: "tenant_key", Type: bigquery.StringFieldType, Required: true},
	{Name: "month", Type: bigquery.DateFieldType, Required: true},
	{Name: "municipio", Type: bigquery.StringFieldType},
	{Name: "uf", Type: bigquery.StringFieldType},
	{Name: "region", Type: bigquery.StringFieldType},
	{Name: "metric", Type: bigquery.StringFieldType, Required: true},
	{Name: "value", Type: bigquery.FloatFieldType, Required: true},
}

// landingRow is one line of the load job's newline-delimited JSON; an
// empty territory field is left out, which loads as NULL.
type landingRow struct {
	LoadID    string  `json:"load_id"`
	TenantKey string  `json:"tenant_key"`
	Month     string  `json:"month"`
	Municipio string  `json:"municipio,omitempty"`
	UF        string  `json:"uf,omitempty"`
	Region    string  `json:"region,omitempty"`
	Metric    string  `json:"metric"`
	Value     float64 `json:"value"`
}

// tenantColumn is a column of a tenant_metrics table.
type tenantColumn struct {
	Name, Type string
	Required   bool
}

// tenantMetricsColumns are marts.tenant_metrics' columns, as
// infra/modules/bigquery/schemas/tenant_metrics.json declares them; a
// dataset-mode org's tenant_metrics has all but tenant_key
// (tenant_metrics_dataset.json). A test holds them equal.
var tenantMetricsColumns = []tenantColumn{
	{"tenant_key", "STRING", true},
	{"month", "DATE", true},
	{"year", "INT64", true},
	{"municipio", "STRING", false},
	{"municipio_nome", "STRING", false},
	{"uf", "STRING", false},
	{"region", "STRING", false},
	{"metric", "STRING", true},
	{"value", "FLOAT64", true},
}

// uploadTarget is where one org's upload goes, decided by its scope alone.
type uploadTarget struct {
	orgID   string
	keyed   bool   // row mode: the shared table, every row under tenant_key = orgID
	dataset string // holds the landing table, and the tenant table in dataset mode
	table   string // dataset.table of the tenant's metrics
}

func targetOf(scope semantic.TenantScope) (uploadTarget, error) {
	if scope.OrgID == "" {
		return uploadTarget{}, errors.New("no tenant scope")
	}
	if scope.Dataset == "" {
		return uploadTarget{orgID: scope.OrgID, keyed: true, dataset: "landing", table: "marts.tenant_metrics"}, nil
	}
	// The name is written into SQL, and a dataset-mode load into a layer
	// (marts) would write untagged rows beside every row-mode tenant's: only
	// a tenant dataset's form is let through.
	if !tenant.ValidDataset(scope.Dataset) {
		return uploadTarget{}, fmt.Errorf("tenant dataset %q is not %s and an identifier", scope.Dataset, tenant.DatasetPrefix)
	}
	return uploadTarget{orgID: scope.OrgID, dataset: scope.Dataset, table: scope.Dataset + ".tenant_metrics"}, nil
}

// LoadTenantMetrics writes an upload into the org's tenant mart: a load job
// puts the rows in the landing table, then one script replaces, in one
// transaction, the org's rows of the file's months and metrics with them,
// so loading a file twice changes nothing and a revised file replaces what
// it covers. Only the scope decides where: the shared marts.tenant_metrics
// under the org's tenant_key (row mode), where every statement is bounded
// by tenant_key = @tenant, or the org's own dataset (dataset mode). It
// returns the mart's watermark and row count for the org afterwards, as
// the DuckDB engine does. Org-given values are query parameters; the only
// name written into the SQL is the dataset, checked first.
func (w *Warehouse) LoadTenantMetrics(ctx context.Context, scope semantic.TenantScope, f *uploads.File) (_ string, _ int64, err error) {
	ctx, end := telemetry.StartSpan(ctx, "bigquery.load_upload", trace.SpanKindClient,
		attribute.String("db.system.name", "gcp.bigquery"), attribute.String("mirante.org_id", scope.OrgID), attribute.String("mirante.dataset", scope.Dataset))
	defer func() { end(err) }()
	t, err := targetOf(scope)
	if err != nil {
		return "", 0, err
	}
	if f == nil || len(f.Rows) == 0 || len(f.Metrics) == 0 {
		return "", 0, errors.New("the upload has no rows")
	}
	load, err := loadID()
	if err != nil {
		return "", 0, err
	}
	if err := w.landUpload(ctx, t, load, f); err != nil {
		return "", 0, fmt.Errorf("loading the upload's rows: %w", err)
	}
	script, params, err := uploadScript(t, load, f)
	if err != nil {
		return "", 0, err
	}
	if err := w.runUploadScript(ctx, t, script, params); err != nil {
		return "", 0, fmt.Errorf("replacing the covered months: %w", err)
	}
	wm, n, err := w.tenantWatermark(ctx, t)
	if err != nil {
		return "", 0, fmt.Errorf("reading the tenant mart's watermark: %w", err)
	}
	return wm, n, nil
}

// loadID names one load's landing rows: random, so that no load reads
// another's (an earlier try of the same file included).
func loadID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("a load id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func uploadLabels(orgID string) map[string]string {
	return labels(map[string]string{"org": orgID, "source": "upload", "endpoint": "ingest"})
}

// landUpload sends the rows as one load job into the landing table,
// creating it (partitioned by ingestion day, clustered by load) on the
// first load.
func (w *Warehouse) landUpload(ctx context.Context, t uploadTarget, load string, f *uploads.File) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range f.Rows {
		uf, region := r.Territory()
		row := landingRow{LoadID: load, TenantKey: t.orgID, Month: r.Month + "-01", Municipio: r.Municipio,
			UF: uf, Region: region, Metric: r.Metric, Value: r.Value}
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	src := bigquery.NewReaderSource(&buf)
	src.SourceFormat = bigquery.JSON
	src.Schema = uploadLandingSchema
	loader := w.client.DatasetInProject(w.cfg.Project, t.dataset).Table(uploadLanding).LoaderFrom(src)
	loader.CreateDisposition = bigquery.CreateIfNeeded
	loader.TimePartitioning = &bigquery.TimePartitioning{Type: bigquery.DayPartitioningType, Expiration: uploadLandingExpiration}
	loader.Clustering = &bigquery.Clustering{Fields: []string{"load_id"}}
	return w.loadIngest(ctx, loader, uploadLabels(t.orgID))
}

// uploadScript is the load's script: the tables it reads and writes made
// sure of (outside the transaction: BigQuery takes no DDL inside one),
// then one MERGE in a transaction that deletes the org's rows of the
// file's months and metrics (NOT MATCHED BY SOURCE, bounded by the tenant
// in row mode) and inserts the load's landing rows, with the
// municipality's name from the territorial table. Every org-given value
// is a parameter: @tenant, @load, @months, @metrics.
func uploadScript(t uploadTarget, load string, f *uploads.File) (string, []bigquery.QueryParameter, error) {
	dim, err := ingest.Model("bigquery", "ddl_core_dim_municipio")
	if err != nil {
		return "", nil, err
	}
	seen := map[string]bool{}
	var keys []string
	for _, r := range f.Rows {
		if !seen[r.Month] {
			seen[r.Month] = true
			keys = append(keys, r.Month)
		}
	}
	sort.Strings(keys)
	months := make([]civil.Date, 0, len(keys))
	for _, m := range keys {
		d, err := civil.ParseDate(m + "-01")
		if err != nil {
			return "", nil, fmt.Errorf("month %q: %w", m, err)
		}
		months = append(months, d)
	}
	cols := []string{"month", "year", "municipio", "municipio_nome", "uf", "region", "metric", "value"}
	vals := make([]string, len(cols))
	for i, c := range cols {
		vals[i] = "s." + c
	}
	bound := ""
	if t.keyed {
		cols, vals = append([]string{"tenant_key"}, cols...), append([]string{"@tenant"}, vals...)
		bound = "t.tenant_key = @tenant AND "
	}
	var b strings.Builder
	b.WriteString("-- the tables the load reads and writes, as declared where they are made (no-ops where they exist)\n")
	b.WriteString(strings.TrimSpace(dim) + "\n")
	b.WriteString(tenantMetricsDDL(t) + "\n")
	b.WriteString("BEGIN TRANSACTION;\n")
	fmt.Fprintf(&b, `MERGE %[1]s AS t
USING (
  SELECT l.month, EXTRACT(YEAR FROM l.month) AS year, l.municipio, d.municipio_nome, l.uf, l.region, l.metric, l.value
  FROM (
    SELECT month, municipio, uf, region, metric, value FROM %[2]s.%[3]s
    WHERE load_id = @load AND tenant_key = @tenant AND %[4]s
  ) AS l
  LEFT JOIN core.dim_municipio AS d ON d.municipio = l.municipio
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND %[5]st.month IN UNNEST(@months) AND t.metric IN UNNEST(@metrics) THEN DELETE
WHEN NOT MATCHED THEN INSERT (%[6]s)
  VALUES (%[7]s);
`, t.table, t.dataset, uploadLanding, RecentLanding, bound, strings.Join(cols, ", "), strings.Join(vals, ", "))
	b.WriteString("COMMIT TRANSACTION;")
	params := []bigquery.QueryParameter{
		{Name: "tenant", Value: t.orgID},
		{Name: "load", Value: load},
		{Name: "months", Value: months},
		{Name: "metrics", Value: append([]string(nil), f.Metrics...)},
	}
	return b.String(), params, nil
}

// tenantMetricsDDL declares the tenant table as Terraform creates it:
// partitioned by month, clustered by tenant_key and metric (row mode) or
// by metric (an org's own table, which has no tenant_key).
func tenantMetricsDDL(t uploadTarget) string {
	var cols []string
	for _, c := range tenantMetricsColumns {
		if c.Name == "tenant_key" && !t.keyed {
			continue
		}
		def := "  " + c.Name + " " + c.Type
		if c.Required {
			def += " NOT NULL"
		}
		cols = append(cols, def)
	}
	cluster := "metric"
	if t.keyed {
		cluster = "tenant_key, metric"
	}
	return "CREATE TABLE IF NOT EXISTS " + t.table + " (\n" + strings.Join(cols, ",\n") +
		"\n)\nPARTITION BY DATE_TRUNC(month, MONTH)\nCLUSTER BY " + cluster + ";"
}

// runUploadScript runs the script as a job and waits for it.
func (w *Warehouse) runUploadScript(ctx context.Context, t uploadTarget, script string, params []bigquery.QueryParameter) error {
	return w.runIngest(ctx, w.ingestQuery(script, uploadLabels(t.orgID), params))
}

// tenantWatermark reads the org's latest month (YYYY-MM, "" when it has
// no rows) and row count in its tenant table. tenant_metrics requires no
// partition filter, and this read needs every partition.
func (w *Warehouse) tenantWatermark(ctx context.Context, t uploadTarget) (string, int64, error) {
	sql := "SELECT FORMAT_DATE('%Y-%m', MAX(month)) AS watermark, COUNT(*) AS n FROM " + t.table
	var params []bigquery.QueryParameter
	if t.keyed {
		sql += " WHERE tenant_key = @tenant"
		params = []bigquery.QueryParameter{{Name: "tenant", Value: t.orgID}}
	}
	rows, err := w.readIngest(ctx, w.ingestQuery(sql, uploadLabels(t.orgID), params))
	if err != nil {
		return "", 0, err
	}
	if len(rows) == 0 {
		return "", 0, errors.New("bigquery: the watermark query returned no row")
	}
	row := rows[0]
	if len(row) != 2 {
		return "", 0, fmt.Errorf("bigquery: the watermark query returned %d columns, want 2", len(row))
	}
	var wm string
	if row[0] != nil {
		s, ok := row[0].(string)
		if !ok {
			return "", 0, fmt.Errorf("bigquery: watermark is %T, want a string", row[0])
		}
		wm = s
	}
	n, ok := row[1].(int64)
	if !ok {
		return "", 0, fmt.Errorf("bigquery: row count is %T, want an integer", row[1])
	}
	return wm, n, nil
}
