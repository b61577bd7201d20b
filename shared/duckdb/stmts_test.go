package duckdb

import (
	"context"
	"testing"

	"github.com/mirante/mirante/shared/warehouse"
)

func count(t *testing.T, db *DB, min int64) int64 {
	t.Helper()
	q := warehouse.Compiled{SQL: `select count(*) as n from t where x >= $min`, Params: []warehouse.Param{{Name: "min", Value: min}},
		Columns: []warehouse.Column{{Name: "n"}}}
	res, err := db.Run(context.Background(), q, warehouse.RunParams{OrgID: "o"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0].(int64)
}

// A query text that ran before runs on its prepared statement, with this
// query's values, also after the table it reads was replaced.
func TestRunReusesAStatementPerText(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t, Config{Threads: 1})
	if _, err := db.SQL().ExecContext(ctx, `create table t as select range as x from range(10)`); err != nil {
		t.Fatal(err)
	}
	if got := count(t, db, 3); got != 7 {
		t.Errorf("x >= 3: %d rows, want 7", got)
	}
	if got := count(t, db, 8); got != 2 {
		t.Errorf("x >= 8 on the cached statement: %d rows, want 2", got)
	}
	if n := db.stmts.len(); n != 1 {
		t.Errorf("%d statements cached for one text, want 1", n)
	}
	if _, err := db.SQL().ExecContext(ctx, `drop table t; create table t as select range::VARCHAR as y, range as x from range(100)`); err != nil {
		t.Fatal(err)
	}
	if got := count(t, db, 8); got != 92 {
		t.Errorf("x >= 8 after the table was replaced: %d rows, want 92", got)
	}
}

// The cache keeps the texts used last; an evicted statement still serves
// the query holding it and is closed when that query lets it go.
func TestStatementsEvictedAfterUse(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t, Config{Threads: 1})
	c := newStmts(db.SQL(), 2)
	held, err := c.get(ctx, `select 1`)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`select 2`, `select 3`} {
		s, err := c.get(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		c.put(s)
	}
	if n := c.len(); n != 2 {
		t.Fatalf("%d statements cached, want 2", n)
	}
	var one int
	if err := held.st.QueryRowContext(ctx).Scan(&one); err != nil || one != 1 {
		t.Fatalf("the evicted statement its query holds: %d, %v", one, err)
	}
	c.put(held)
	if err := held.st.QueryRowContext(ctx).Scan(&one); err == nil {
		t.Error("an evicted statement still ran after its last user let it go")
	}
	again, err := c.get(ctx, `select 1`)
	if err != nil {
		t.Fatal(err)
	}
	if again == held {
		t.Error("an evicted text came back as its closed statement")
	}
	c.put(again)
}

// Two orgs' queries of one text share its statement, each with its own
// org's rows.
func TestOrgsShareAStatementNotRows(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t, Config{Threads: 1})
	if _, err := db.SQL().ExecContext(ctx, `create table m as select * from (values ('org-a', 1.0::DOUBLE), ('org-a', 2.0::DOUBLE), ('org-b', 40.0::DOUBLE)) v(org_id, value)`); err != nil {
		t.Fatal(err)
	}
	sum := func(org string) any {
		q := warehouse.Compiled{SQL: `select sum(value) as s from m where org_id = $org`, Params: []warehouse.Param{{Name: "org", Value: org}},
			Columns: []warehouse.Column{{Name: "s"}}}
		res, err := db.Run(ctx, q, warehouse.RunParams{OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		return res.Rows[0][0]
	}
	for _, c := range []struct {
		org  string
		want float64
	}{{"org-a", 3}, {"org-b", 40}, {"org-a", 3}} {
		if got := sum(c.org); got != c.want {
			t.Errorf("%s: sum %v, want %v", c.org, got, c.want)
		}
	}
	if n := db.stmts.len(); n != 1 {
		t.Errorf("%d statements for one text, want 1", n)
	}
}

// len is how many statements are cached.
func (c *stmts) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
