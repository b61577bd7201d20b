package bqfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/mirante/mirante/shared/bigquery/bqfake"
)

// client opens the BigQuery client on the fake, pinned to its location
// (which pins jobs.insert; jobs.query takes each query's own Location,
// which query sets).
func client(t *testing.T, fake *bqfake.Server) *bigquery.Client {
	t.Helper()
	c, err := bigquery.NewClient(context.Background(), bqfake.Project, option.WithEndpoint(fake.URL), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.Location = bqfake.Location
	return c
}

// reason is BigQuery's reason for err, from an API error or a job's status.
func reason(err error) string {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) && len(gerr.Errors) > 0 {
		return gerr.Errors[0].Reason
	}
	var jerr *bigquery.Error
	if errors.As(err, &jerr) {
		return jerr.Reason
	}
	return ""
}

// read runs a query through jobs.query and reads its rows.
func read(q *bigquery.Query) error {
	it, err := q.Read(context.Background())
	if err != nil {
		return err
	}
	for {
		var row []bigquery.Value
		err := it.Next(&row)
		if errors.Is(err, iterator.Done) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// script runs SQL as a job and waits for it.
func script(q *bigquery.Query) error {
	ctx := context.Background()
	job, err := q.Run(ctx)
	if err != nil {
		return err
	}
	st, err := job.Wait(ctx)
	if err != nil {
		return err
	}
	return st.Err()
}

const (
	unfiltered = "SELECT FORMAT_DATE('%Y-%m', MAX(month)) FROM marts.comex_monthly"
	filtered   = unfiltered + " WHERE month >= DATE '1900-01-01'"
)

// query is a query pinned to the client's location.
func query(c *bigquery.Client, sql string) *bigquery.Query {
	q := c.Query(sql)
	q.Location = c.Location
	return q
}

// capped is a query with a cap of 1 GiB.
func capped(c *bigquery.Client, sql string) *bigquery.Query {
	q := query(c, sql)
	q.MaxBytesBilled = 1 << 30
	return q
}

// A read of a partition-required table without a partition predicate is
// refused as BigQuery refuses it: in a query, a dry run and a script.
func TestRefusesAReadWithoutAPartitionFilter(t *testing.T) {
	fake := bqfake.New(t)
	c := client(t, fake)
	const msg = "Cannot query over table 'mirante-test.marts.comex_monthly' without a filter over column(s) 'month' that can be used for partition elimination"

	err := read(capped(c, unfiltered))
	if reason(err) != "invalidQuery" || !strings.Contains(err.Error(), msg) {
		t.Errorf("query: %v, want invalidQuery: %s", err, msg)
	}
	dry := query(c, unfiltered)
	dry.DryRun = true
	if _, err := dry.Run(context.Background()); reason(err) != "invalidQuery" {
		t.Errorf("dry run: %v, want invalidQuery", err)
	}
	if err := script(capped(c, "DELETE FROM marts.comex_monthly WHERE flow = 'export';")); reason(err) != "invalidQuery" || !strings.Contains(err.Error(), msg) {
		t.Errorf("script: %v, want invalidQuery", err)
	}

	if err := read(capped(c, filtered)); err != nil {
		t.Errorf("the query with a predicate: %v", err)
	}
	// Without the table among the fake's, the same read passes.
	delete(fake.PartitionFilters, "marts.comex_monthly")
	if err := read(capped(c, unfiltered)); err != nil {
		t.Errorf("with no filter required: %v", err)
	}
}

// A job whose bytes billed (at least 10 MiB) exceed its cap fails with
// bytesBilledLimitExceeded; the dry run reports the bytes and bills
// nothing, so it needs no cap.
func TestRefusesAJobOverItsCap(t *testing.T) {
	fake := bqfake.New(t)
	fake.Bytes = func(string) int64 { return 200 << 20 }
	c := client(t, fake)

	q := query(c, filtered)
	q.MaxBytesBilled = 100 << 20
	if err := read(q); reason(err) != "bytesBilledLimitExceeded" {
		t.Errorf("200 MiB under a 100 MiB cap: %v, want bytesBilledLimitExceeded", err)
	}
	s := query(c, "DELETE FROM marts.comex_monthly WHERE month IN UNNEST(@m);")
	s.MaxBytesBilled = 100 << 20
	if err := script(s); reason(err) != "bytesBilledLimitExceeded" {
		t.Errorf("a script: %v, want bytesBilledLimitExceeded", err)
	}
	dry := query(c, filtered)
	dry.DryRun = true
	job, err := dry.Run(context.Background())
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if st := job.LastStatus(); st == nil || st.State != bigquery.Done || st.Statistics == nil || st.Statistics.TotalBytesProcessed != 200<<20 {
		t.Errorf("dry run status %+v, want done with 200 MiB", st)
	}

	// BigQuery bills at least 10 MiB: a smaller cap refuses even a tiny query.
	fake.Bytes = func(string) int64 { return 1 << 10 }
	q.MaxBytesBilled = 5 << 20
	if err := read(q); reason(err) != "bytesBilledLimitExceeded" || !strings.Contains(err.Error(), "10485760 or higher required") {
		t.Errorf("a 5 MiB cap: %v, want bytesBilledLimitExceeded", err)
	}
	q.MaxBytesBilled = 10 << 20
	if err := read(q); err != nil {
		t.Errorf("a 10 MiB cap: %v", err)
	}
}

// A query job without maximumBytesBilled is refused while
// RequireMaximumBytesBilled is on (New's default); a dry run needs none.
func TestRefusesAnUncappedQuery(t *testing.T) {
	fake := bqfake.New(t)
	c := client(t, fake)
	if err := read(query(c, filtered)); err == nil || !strings.Contains(err.Error(), "without maximumBytesBilled") {
		t.Errorf("uncapped query: %v", err)
	}
	if err := script(query(c, "SELECT 1;")); err == nil || !strings.Contains(err.Error(), "without maximumBytesBilled") {
		t.Errorf("uncapped script: %v", err)
	}
	dry := query(c, filtered)
	dry.DryRun = true
	if _, err := dry.Run(context.Background()); err != nil {
		t.Errorf("dry run: %v", err)
	}
	fake.RequireMaximumBytesBilled = false
	if err := read(query(c, filtered)); err != nil {
		t.Errorf("uncapped query with the rule off: %v", err)
	}
}

// A job pinned to a location other than the datasets', or to none, finds
// no dataset.
func TestRefusesAnotherLocation(t *testing.T) {
	fake := bqfake.New(t)
	for _, loc := range []string{"US", ""} {
		c := client(t, fake)
		c.Location = loc
		err := read(capped(c, filtered))
		if reason(err) != "notFound" || !strings.Contains(err.Error(), "Dataset mirante-test:marts was not found in location") {
			t.Errorf("location %q: query: %v, want notFound", loc, err)
		}
		if err := script(capped(c, "SELECT 1 FROM core.dim_uf;")); reason(err) != "notFound" {
			t.Errorf("location %q: script: %v, want notFound", loc, err)
		}
	}
	if err := read(capped(client(t, fake), filtered)); err != nil {
		t.Errorf("in %s: %v", bqfake.Location, err)
	}
}

// load appends newline-delimited JSON to landing.t under a schema.
func load(c *bigquery.Client, table, ndjson string, schema bigquery.Schema) error {
	src := bigquery.NewReaderSource(strings.NewReader(ndjson))
	src.SourceFormat = bigquery.JSON
	src.Schema = schema
	l := c.Dataset("landing").Table(table).LoaderFrom(src)
	l.WriteDisposition = bigquery.WriteAppend
	l.CreateDisposition = bigquery.CreateNever
	ctx := context.Background()
	job, err := l.Run(ctx)
	if err != nil {
		return err
	}
	st, err := job.Wait(ctx)
	if err != nil {
		return err
	}
	return st.Err()
}

// A load job goes only into a table that exists, under a schema that
// agrees with it, with rows that name only its columns and fill its
// REQUIRED ones. The table is created by a script, as the setup script
// creates landing tables.
func TestRefusesALoadThatDoesNotFitItsTable(t *testing.T) {
	fake := bqfake.New(t)
	c := client(t, fake)
	schema := bigquery.Schema{{Name: "a", Type: bigquery.StringFieldType, Required: true}, {Name: "b", Type: bigquery.IntegerFieldType}}
	if err := load(c, "t", `{"a":"x"}`+"\n", schema); reason(err) != "notFound" {
		t.Fatalf("a load before the table exists: %v, want notFound", err)
	}
	if err := script(capped(c, "CREATE TABLE IF NOT EXISTS landing.t (a STRING NOT NULL, b INT64) PARTITION BY _PARTITIONDATE;")); err != nil {
		t.Fatal(err)
	}
	if cols, ok := fake.Table("landing.t"); !ok || len(cols) != 2 {
		t.Fatalf("landing.t after its CREATE TABLE: %v, %v", cols, ok)
	}
	cases := []struct {
		name   string
		rows   string
		schema bigquery.Schema
		want   string // in the error; "" for none
	}{
		{"rows that fit", `{"a":"x","b":1}` + "\n" + `{"a":"y"}` + "\n", schema, ""},
		{"a field the table lacks", `{"a":"x"}` + "\n" + `{"a":"y","c":2}` + "\n", schema, "No such field: c"},
		{"a REQUIRED field absent", `{"b":1}` + "\n", schema, "Missing required field: a"},
		{"a REQUIRED field null", `{"a":null}` + "\n", schema, "Missing required field: a"},
		{"a schema with a column the table lacks", `{"a":"x"}` + "\n", append(schema, &bigquery.FieldSchema{Name: "c", Type: bigquery.StringFieldType}), "Cannot add fields (field: c)"},
		{"a schema with another type", `{"a":"x"}` + "\n", bigquery.Schema{schema[0], {Name: "b", Type: bigquery.StringFieldType}}, "Field b has changed type from INT64 to STRING"},
		{"a schema with another mode", `{"a":"x"}` + "\n", bigquery.Schema{{Name: "a", Type: bigquery.StringFieldType}, schema[1]}, "Field a has changed mode from REQUIRED to NULLABLE"},
	}
	for _, tc := range cases {
		err := load(c, "t", tc.rows, tc.schema)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (reason(err) != "invalid" || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want invalid: %s", tc.name, err, tc.want)
		}
	}
}

// A job's statistics carry the bytes it processed, for Run's accounting.
func TestJobStatisticsCarryTheBytes(t *testing.T) {
	fake := bqfake.New(t)
	fake.Bytes = func(string) int64 { return 42 << 20 }
	c := client(t, fake)
	it, err := capped(c, filtered).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st, err := it.SourceJob().Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Statistics == nil || st.Statistics.TotalBytesProcessed != 42<<20 {
		t.Errorf("statistics %+v, want 42 MiB processed", st.Statistics)
	}
}
